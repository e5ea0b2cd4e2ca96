"""The people directory: who exists, who can be thanked or surveyed, and when to ask Slack again."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from engagement.errors import DirectoryUnavailable, DomainError
from engagement.language import language_for_locale
from storage.models import Person
from storage.unit_of_work import UnitOfWork

REFRESH_AFTER = timedelta(days=1)
SLACKBOT_ID = "USLACKBOT"


@dataclass(frozen=True)
class Profile:
    """What Aplauso needs of a Slack user, independent of Slack's payload shape."""

    user_id: str
    name: str = ""
    display_name: str = ""
    real_name: str = ""
    locale: str | None = None
    tz: str | None = None
    is_bot: bool = False
    deleted: bool = False


ProfileFetcher = Callable[[str], Profile | None]
"""Looks a person up at the source; None means the source says no such person."""


def synced_on(now: datetime) -> datetime:
    """The start of the (UTC) day: a refresh happens on someone's first action of the day,
    so a finer stamp would record when they acted (a pulse click, a feedback)."""
    return datetime.combine(now.astimezone(UTC).date(), time(0), UTC)


def _person_from_profile(profile: Profile, now: datetime) -> Person:
    return Person(
        user_id=profile.user_id,
        name=profile.name[:120],
        display_name=profile.display_name[:120],
        real_name=profile.real_name[:200],
        locale=profile.locale,
        tz=profile.tz,
        is_bot=profile.is_bot or profile.user_id == SLACKBOT_ID,
        deleted=profile.deleted,
        synced_at=synced_on(now),
    )


def ensure_person(uow: UnitOfWork, user_id: str, fetch: ProfileFetcher, now: datetime) -> Person:
    """The person from the cache, refreshed from the source when unseen or synced before today.

    A stale entry is still used when the source is unavailable: a rate-limited Slack should
    not stop someone from being thanked.
    """
    cached = uow.people.get(user_id)
    if cached is not None and now - cached.synced_at < REFRESH_AFTER:
        return cached
    try:
        profile = fetch(user_id)
    except DirectoryUnavailable:
        if cached is not None:
            return cached
        raise
    if profile is None:
        raise DomainError("errors.unknown_user", user=user_id)
    return uow.people.upsert(_person_from_profile(profile, now))


def sync_people(uow: UnitOfWork, profiles: Iterable[Profile], now: datetime) -> int:
    count = 0
    for profile in profiles:
        uow.people.upsert(_person_from_profile(profile, now))
        count += 1
    return count


def is_targetable(person: Person) -> bool:
    """Bots, deactivated users and Slackbot are never thanked, surveyed or put in teams."""
    return not (person.is_bot or person.deleted or person.user_id == SLACKBOT_ID)


def require_targetable(person: Person) -> Person:
    if person.deleted:
        raise DomainError("errors.deactivated_user", user=person.user_id)
    if not is_targetable(person):
        raise DomainError("errors.bot_user", user=person.user_id)
    return person


def display_name(person: Person) -> str:
    return person.display_name or person.real_name or person.name or person.user_id


def language_of(person: Person | None, workspace_default: str) -> str:
    return language_for_locale(person.locale if person else None, workspace_default)
