"""What the kudos transactions read and write; `KudosService` calls these inside one unit of work.

Profiles were fetched before the transaction opened (a `PrefetchedProfiles` fetcher is passed
in), so nothing here waits on Slack; the rules themselves are the pure `kudos_rules`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from engagement.directory import ProfileFetcher, ensure_person, is_targetable, language_of
from engagement.errors import DomainError
from engagement.home_board import MonthBoard
from engagement.kudos_model import (
    UNDO_MINUTES,
    GivenKudos,
    HomeStats,
    KudosRequest,
    RecentKudos,
    SkippedReceiver,
    SourceKind,
    ValueInfo,
)
from engagement.kudos_parsing import typed_words
from engagement.kudos_rules import check_kudos, limit_units, skip_reason
from engagement.local_time import start_of_local_day, start_of_local_month, zone_of
from engagement.people import PrefetchedProfiles
from engagement.privacy import shown_people
from storage.models import Kudos, Person, ServiceValue
from storage.repositories.people import Membership
from storage.repositories.settings_snapshot import SettingsSnapshot
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Addressed:
    """Everyone a request names, found before the transaction: people named one by one
    (mentions, picked users, resolved @names) and the members of each user group named."""

    named: tuple[str, ...]
    group_members: tuple[str, ...] = ()
    usergroups: int = 0

    @property
    def receiver_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.named, *self.group_members)))


@dataclass(frozen=True)
class Recorded:
    """A recorded kudos and the languages its notifications are written in."""

    given: GivenKudos
    receiver_languages: dict[str, str]
    workspace_language: str
    quiet_receivers: frozenset[str] = frozenset()
    """Receivers who want no DM per kudos (a daily summary, or none): read in the recording
    transaction, so telling them costs no transaction of its own."""


@dataclass(frozen=True)
class Celebration:
    """Where a kudos was told, so taking it back can remove the post and the receivers' DMs."""

    channel_id: str | None
    ts: str | None
    kudos_id: int | None = None
    receiver_ids: tuple[str, ...] = ()


def value_info(value: ServiceValue) -> ValueInfo:
    return ValueInfo(value.key, value.emoji, value.name_en, value.name_es, tuple(value.aliases))


class _ValuesOnOffer:
    """The active values as `ValueInfo`, built once per settings snapshot: every kudos asks,
    and building them read every field of every value through the ORM each time."""

    def __init__(self) -> None:
        self._built: tuple[SettingsSnapshot, tuple[ValueInfo, ...]] | None = None

    def of(self, snapshot: SettingsSnapshot) -> tuple[ValueInfo, ...]:
        built = self._built  # one read: another thread may swap it meanwhile
        if built is None or built[0] is not snapshot:
            built = (snapshot, tuple(value_info(v) for v in snapshot.values if not v.retired))
            self._built = built
        return built[1]


_ON_OFFER = _ValuesOnOffer()


def active_values(uow: UnitOfWork) -> list[ValueInfo]:
    return list(_ON_OFFER.of(uow.settings.snapshot()))


def _value_by_key(uow: UnitOfWork, key: str | None) -> ValueInfo | None:
    """Retired values included: an old kudos keeps the value it was given with."""
    if not key:
        return None
    for value in uow.settings.snapshot().values:
        if value.key == key:
            return value_info(value)
    return None


def remaining_today(uow: UnitOfWork, giver: Person, now: datetime) -> int:
    limit = uow.settings.snapshot().settings.kudos_daily_limit
    used = uow.kudos.units_given_since(giver.user_id, start_of_local_day(now, zone_of(giver)))
    return max(0, limit - used)


def _person(uow: UnitOfWork, user_id: str, fetch: ProfileFetcher, now: datetime) -> Person:
    """The row the look-ups before the transaction found fresh, else the directory's."""
    known = fetch.people.get(user_id) if isinstance(fetch, PrefetchedProfiles) else None
    return known if known is not None else ensure_person(uow, user_id, fetch, now)


def _sort_receivers(
    uow: UnitOfWork,
    giver_id: str,
    receiver_ids: Sequence[str],
    fetch: ProfileFetcher,
    now: datetime,
) -> tuple[list[Person], list[SkippedReceiver]]:
    valid: list[Person] = []
    skipped: list[SkippedReceiver] = []
    for user_id in dict.fromkeys(receiver_ids):
        person: Person | None = None
        if user_id != giver_id:
            try:
                person = _person(uow, user_id, fetch, now)
            except DomainError:
                person = None
        reason = skip_reason(
            user_id,
            giver_id,
            known=person is not None,
            is_bot=person is not None and not is_targetable(person),
            deleted=person is not None and person.deleted,
        )
        if reason is not None:
            skipped.append(SkippedReceiver(user_id, reason))
        elif person is not None:
            valid.append(person)
    return valid, skipped


def _celebration_channel(
    teams: Sequence[Membership], receivers: Sequence[Person], kudos_channel: str | None
) -> str | None:
    """The own channel of a team every receiver belongs to, else the workspace kudos channel.

    Thanking all of IT should not land in Sales' channel because one IT member is also in Sales.
    """
    shared: dict[int, str] | None = None
    for person in receivers:
        channels = {
            m.team_id: m.channel_id for m in teams if m.user_id == person.user_id and m.channel_id
        }
        shared = channels if shared is None else {k: v for k, v in shared.items() if k in channels}
    if shared:
        return next(iter(shared.values()))
    return kudos_channel


def given_from_row(uow: UnitOfWork, kudos: Kudos, remaining: int, *, duplicate: bool) -> GivenKudos:
    """A stored kudos as the views show it."""
    assert kudos.id is not None
    receiver_ids = tuple(uow.kudos.receiver_ids(kudos.id))
    given = _given(kudos, receiver_ids, _value_by_key(uow, kudos.value_key), remaining)
    return replace(given, duplicate=duplicate, celebration_channel=kudos.celebration_channel)


def _given(
    kudos: Kudos | _Stored, receiver_ids: tuple[str, ...], value: ValueInfo | None, remaining: int
) -> GivenKudos:
    assert kudos.id is not None
    return GivenKudos(
        kudos_id=kudos.id,
        giver_id=kudos.giver_id,
        receiver_ids=receiver_ids,
        value=value,
        message=kudos.message,
        source_kind=SourceKind(kudos.source_kind),
        channel_id=kudos.channel_id,
        message_ts=kudos.message_ts,
        permalink=kudos.permalink,
        celebrate=kudos.celebrate,
        created_at=kudos.created_at,
        remaining_today=remaining,
    )


def _words(
    request: KudosRequest, values: Sequence[ValueInfo]
) -> tuple[str, ValueInfo | None, str | None]:
    """(message, value, a hashtag that named no value): read from the typed text if any."""
    if request.typed is None:
        chosen = next((v for v in values if v.key == request.value_key), None)
        return request.message, chosen, None
    return typed_words(request.typed, values)


def record_kudos(
    uow: UnitOfWork,
    request: KudosRequest,
    addressed: Addressed,
    fetch: ProfileFetcher,
    now: datetime,
    *,
    kudos_channel: str | None,
) -> Recorded:
    """Records a kudos once per Slack source (a retry returns the first one, as a duplicate).

    Inside the transaction only the giver's units today and the teams are read: people come
    from the look-ups before it, settings and values from the process's copy. The source key
    is not looked up first: the insert itself finds a twin (its unique key), and a rule that
    refuses a retry (the first delivery used up the day's kudos, say) is asked afterwards
    whether the source is recorded already. A statement less on the path of every kudos.
    """
    settings = uow.settings.snapshot().settings
    uow.people.lock(request.giver_id, *addressed.receiver_ids)  # before any write, in order
    giver = _person(uow, request.giver_id, fetch, now)
    values = active_values(uow)
    try:
        message, value, unknown = _words(request, values)
        receivers, skipped = _sort_receivers(uow, giver.user_id, addressed.receiver_ids, fetch, now)
        units = limit_units(addressed.named, addressed.usergroups, len(receivers))
        uow.people.lock(giver.user_id)
        remaining = remaining_today(uow, giver, now)
        allowance = (units, remaining, settings.kudos_daily_limit)
        message = _checked(message, giver, receivers, skipped, allowance)
    except DomainError:
        if uow.kudos.id_by_source_key(request.source_key) is None:
            raise
        return _twin(uow, request, giver, now, remaining_today(uow, giver, now))
    teams = uow.teams.memberships([giver.user_id, *(person.user_id for person in receivers)])
    stored = _insert(uow, request, giver, receivers, teams, value, message, units, now)
    if stored is None:  # this source is recorded already: a retry, or a twin delivery
        return _twin(uow, request, giver, now, remaining)
    receiver_ids = tuple(person.user_id for person in receivers)
    given = replace(
        _given(stored, receiver_ids, value, remaining - units),
        skipped=tuple(skipped),
        celebration_channel=(
            _celebration_channel(teams, receivers, kudos_channel) if request.celebrate else None
        ),
        unknown_hashtag=unknown,
        values_on_offer=tuple(values) if unknown else (),
        units=units,
        usergroups=addressed.usergroups,
        daily_limit=settings.kudos_daily_limit,
    )
    languages = {p.user_id: language_of(p, settings.default_language) for p in receivers}
    quiet = frozenset(uow.quiet_kudos.quiet_among(receiver_ids))
    return Recorded(given, languages, settings.default_language, quiet)


def _checked(
    message: str,
    giver: Person,
    receivers: Sequence[Person],
    skipped: Sequence[SkippedReceiver],
    allowance: tuple[int, int, int],
) -> str:
    """The rules of `check_kudos`; `allowance` is (units used, units left, daily limit)."""
    units, remaining, daily_limit = allowance
    return check_kudos(
        message=message,
        receiver_ids=[person.user_id for person in receivers],
        skipped=skipped,
        units=units,
        remaining=remaining,
        daily_limit=daily_limit,
        zone=zone_of(giver).key,
    )


def _twin(
    uow: UnitOfWork, request: KudosRequest, giver: Person, now: datetime, remaining: int
) -> Recorded:
    """The kudos this source already recorded, as a duplicate: nobody is told twice."""
    existing = uow.kudos.by_source_key(request.source_key)
    assert existing is not None
    given = given_from_row(uow, existing, remaining, duplicate=True)
    return Recorded(given, {}, uow.settings.snapshot().settings.default_language)


@dataclass(frozen=True)
class _Stored:
    """A kudos just inserted, as `_given` reads it: plain values, with no ORM object to build
    and track for a row this transaction never reads back."""

    id: int
    giver_id: str
    value_key: str | None
    message: str
    source_kind: str
    source_key: str
    limit_units: int
    channel_id: str | None
    message_ts: str | None
    permalink: str | None
    celebrate: bool
    created_at: datetime


def _insert(
    uow: UnitOfWork,
    request: KudosRequest,
    giver: Person,
    receivers: Sequence[Person],
    teams: Sequence[Membership],
    value: ValueInfo | None,
    message: str,
    units: int,
    now: datetime,
) -> _Stored | None:
    """The kudos as stored, or None when its source is already recorded."""
    receiver_ids = {person.user_id for person in receivers}
    team_links = [(m.team_id, "giver", m.user_id) for m in teams if m.user_id == giver.user_id]
    team_links += [(m.team_id, "receiver", m.user_id) for m in teams if m.user_id in receiver_ids]
    row: dict[str, Any] = {
        "giver_id": giver.user_id,
        "value_key": value.key if value else None,
        "message": message,
        "source_kind": request.source_kind.value,
        "source_key": request.source_key[:255],
        "limit_units": units,
        "channel_id": request.channel_id,
        "message_ts": request.message_ts,
        "permalink": request.permalink,
        "celebrate": request.celebrate,
        "created_at": now,
    }
    kudos_id = uow.kudos.insert_row(row, [person.user_id for person in receivers], team_links)
    return _Stored(kudos_id, **row) if kudos_id is not None else None


def undo_kudos(
    uow: UnitOfWork, kudos_id: int, user_id: str, now: datetime
) -> tuple[GivenKudos, Celebration]:
    """The giver takes a kudos back within ten minutes; the limit is given back too."""
    kudos = uow.kudos.get(kudos_id)
    if kudos is None or kudos.giver_id != user_id:
        raise DomainError("kudos.errors.not_your_kudos")
    if kudos.withdrawn_at is not None:
        raise DomainError("kudos.errors.already_undone")
    if now - kudos.created_at > timedelta(minutes=UNDO_MINUTES):
        raise DomainError("kudos.errors.undo_expired")
    if not uow.kudos.withdraw(kudos, now):
        raise DomainError("kudos.errors.already_undone")
    giver = uow.people.get(user_id)
    remaining = remaining_today(uow, giver, now) if giver else 0
    given = given_from_row(uow, kudos, remaining, duplicate=False)
    told = Celebration(
        kudos.celebration_channel, kudos.celebration_ts, given.kudos_id, given.receiver_ids
    )
    return given, told


def withdraw_reacted_kudos(
    uow: UnitOfWork, source_key: str, reactor_id: str, now: datetime
) -> Celebration | None:
    """Removing the reaction on the same (local) day takes the kudos back; later it stays."""
    kudos = uow.kudos.by_source_key(source_key)
    if kudos is None or kudos.giver_id != reactor_id or kudos.withdrawn_at is not None:
        return None
    zone = zone_of(uow.people.get(reactor_id))
    if start_of_local_day(kudos.created_at, zone) != start_of_local_day(now, zone):
        return None
    if not uow.kudos.withdraw(kudos, now):
        return None  # a twin removal took it back a moment ago: it tells nobody twice
    assert kudos.id is not None
    receivers = tuple(uow.kudos.receiver_ids(kudos.id))
    return Celebration(kudos.celebration_channel, kudos.celebration_ts, kudos.id, receivers)


def home_stats(uow: UnitOfWork, user_id: str, now: datetime, board: MonthBoard) -> HomeStats:
    person = uow.people.get(user_id)
    month = start_of_local_month(now, zone_of(person))
    snapshot = uow.settings.snapshot()
    settings = snapshot.settings
    all_values = {v.key: value_info(v) for v in snapshot.values}
    recent = uow.kudos.recent_received(user_id)
    givers = shown_people(uow, (k.giver_id for k in recent))  # one query: who left is unnamed
    return HomeStats(
        received_this_month=uow.kudos.count_received(user_id, month),
        given_this_month=uow.kudos.count_given(user_id, month),
        remaining_today=remaining_today(uow, person, now) if person else settings.kudos_daily_limit,
        daily_limit=settings.kudos_daily_limit,
        top_values=tuple(
            (all_values[key], count)
            for key, count in uow.kudos.top_values_received(user_id, month)
            if key in all_values
        ),
        recent=tuple(
            RecentKudos(
                giver_id=givers[k.giver_id],
                value=all_values.get(k.value_key) if k.value_key else None,
                message=k.message,
                created_at=k.created_at,
                permalink=k.permalink,
            )
            for k in recent
        ),
        leaderboard=board.leaders(uow, month) if settings.show_leaderboard else None,
        values=tuple(active_values(uow)),
    )
