"""Turning what someone typed (`@ana`, a user group) into the people they meant."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from engagement.directory import Profile, display_name, is_targetable, sync_people
from engagement.errors import DomainError
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Recipients:
    user_ids: tuple[str, ...]
    counted_units: int


def resolve_recipients(
    uow: UnitOfWork,
    *,
    user_ids: Sequence[str],
    names: Sequence[str],
    usergroup_members: Sequence[Sequence[str]],
    refresh_directory: Callable[[], Iterable[Profile]] | None,
    now: datetime,
) -> Recipients:
    """Each explicit person counts once against the daily limit; a whole user group once.

    Plain `@name` is looked up in the people directory; when a name is unknown the directory
    is refreshed from Slack once (people join every week) before giving up.
    """
    found: list[str] = list(user_ids)
    refreshed = False
    for name in names:
        matches = [p for p in uow.people.find_by_name(name) if is_targetable(p)]
        if not matches and refresh_directory is not None and not refreshed:
            sync_people(uow, refresh_directory(), now)
            refreshed = True
            matches = [p for p in uow.people.find_by_name(name) if is_targetable(p)]
        if not matches:
            raise DomainError("kudos.errors.unknown_name", name=name)
        if len(matches) > 1:
            listed = ", ".join(f"<@{p.user_id}> ({display_name(p)})" for p in matches[:10])
            raise DomainError("kudos.errors.ambiguous_name", name=name, matches=listed)
        found.append(matches[0].user_id)
    units = len(dict.fromkeys(found))
    for members in usergroup_members:
        found.extend(members)
        units += 1
    return Recipients(user_ids=tuple(dict.fromkeys(found)), counted_units=max(units, 1))
