"""Kudos rules: who may be thanked, how often, and what is recorded. One function for every surface."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from engagement.directory import ProfileFetcher, ensure_person, is_targetable
from engagement.errors import DomainError
from engagement.kudos_model import (
    MESSAGE_MAX,
    UNDO_MINUTES,
    GivenKudos,
    HomeStats,
    KudosRequest,
    RecentKudos,
    SkippedReceiver,
    SourceKind,
    TeamLeaders,
    ValueInfo,
)
from engagement.local_time import start_of_local_day, start_of_local_month, zone_of
from storage.models import Kudos, Person, ServiceValue
from storage.unit_of_work import UnitOfWork

MAX_RECEIVERS = 25
LEADERS_PER_TEAM = 3


def value_info(value: ServiceValue) -> ValueInfo:
    return ValueInfo(value.key, value.emoji, value.name_en, value.name_es, tuple(value.aliases))


def active_values(uow: UnitOfWork) -> list[ValueInfo]:
    return [value_info(v) for v in uow.settings.values()]


def _value_by_key(uow: UnitOfWork, key: str | None, *, include_retired: bool) -> ValueInfo | None:
    if not key:
        return None
    for value in uow.settings.values(include_retired=include_retired):
        if value.key == key:
            return value_info(value)
    return None


def validate_message(message: str) -> str:
    text = message.strip()
    if not text:
        raise DomainError("kudos.errors.message_empty")
    if len(text) > MESSAGE_MAX:
        raise DomainError("kudos.errors.message_too_long", max=MESSAGE_MAX, length=len(text))
    return text


def remaining_today(uow: UnitOfWork, giver: Person, now: datetime) -> int:
    limit = uow.settings.get().kudos_daily_limit
    used = uow.kudos.units_given_since(giver.user_id, start_of_local_day(now, zone_of(giver)))
    return max(0, limit - used)


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
        if user_id == giver_id:
            skipped.append(SkippedReceiver(user_id, "self"))
            continue
        try:
            person = ensure_person(uow, user_id, fetch, now)
        except DomainError:
            skipped.append(SkippedReceiver(user_id, "unknown"))
            continue
        if not is_targetable(person):
            skipped.append(SkippedReceiver(user_id, "deactivated" if person.deleted else "bot"))
            continue
        valid.append(person)
    return valid, skipped


def _refuse_without_receivers(skipped: Sequence[SkippedReceiver]) -> DomainError:
    if not skipped:
        return DomainError("kudos.errors.no_receivers")
    if all(s.reason == "self" for s in skipped):
        return DomainError("kudos.errors.only_self")
    first = next(s for s in skipped if s.reason != "self")
    return DomainError("kudos.errors.not_a_person", user=f"<@{first.user_id}>")


def _celebration_channel(
    uow: UnitOfWork, receivers: Sequence[Person], kudos_channel: str | None
) -> str | None:
    """The own channel of a team every receiver belongs to, else the workspace kudos channel.

    Thanking all of IT should not land in Sales' channel because one IT member is also in Sales.
    """
    shared: dict[int, str] | None = None
    for person in receivers:
        channels = {
            t.id: t.channel_id for t in uow.teams.teams_of(person.user_id) if t.id and t.channel_id
        }
        shared = channels if shared is None else {k: v for k, v in shared.items() if k in channels}
    if shared:
        return next(iter(shared.values()))
    return kudos_channel


def _given_from_row(
    uow: UnitOfWork, kudos: Kudos, remaining: int, *, duplicate: bool
) -> GivenKudos:
    assert kudos.id is not None
    return GivenKudos(
        kudos_id=kudos.id,
        giver_id=kudos.giver_id,
        receiver_ids=tuple(uow.kudos.receiver_ids(kudos.id)),
        value=_value_by_key(uow, kudos.value_key, include_retired=True),
        message=kudos.message,
        source_kind=SourceKind(kudos.source_kind),
        channel_id=kudos.channel_id,
        message_ts=kudos.message_ts,
        permalink=kudos.permalink,
        celebrate=kudos.celebrate,
        created_at=kudos.created_at,
        remaining_today=remaining,
        duplicate=duplicate,
        celebration_channel=kudos.celebration_channel,
    )


def give_kudos(
    uow: UnitOfWork,
    request: KudosRequest,
    fetch: ProfileFetcher,
    now: datetime,
    *,
    kudos_channel: str | None = None,
    counted_units: int | None = None,
) -> GivenKudos:
    """Records a kudos once per Slack source and returns what every surface needs to say.

    `counted_units` is how much of the daily limit it uses: one per person named, and one for
    a whole user group, so thanking a team of eight is possible within a limit of five.
    """
    existing = uow.kudos.by_source_key(request.source_key)
    giver = ensure_person(uow, request.giver_id, fetch, now)
    if existing is not None:
        return _given_from_row(uow, existing, remaining_today(uow, giver, now), duplicate=True)
    message = validate_message(request.message)
    receivers, skipped = _sort_receivers(uow, giver.user_id, request.receiver_ids, fetch, now)
    if not receivers:
        raise _refuse_without_receivers(skipped)
    if len(receivers) > MAX_RECEIVERS:
        raise DomainError("kudos.errors.too_many_receivers", max=MAX_RECEIVERS)
    units = max(1, min(counted_units or len(receivers), len(receivers)))

    uow.people.lock(giver.user_id)
    settings = uow.settings.get()
    remaining = remaining_today(uow, giver, now)
    if units > remaining:
        zone = zone_of(giver)
        raise DomainError(
            "kudos.errors.daily_limit",
            limit=settings.kudos_daily_limit,
            remaining=remaining,
            reset=f"00:00 ({zone.key})",
        )
    value = _value_by_key(uow, request.value_key, include_retired=False)
    team_links = [(t.id, "giver", giver.user_id) for t in uow.teams.teams_of(giver.user_id) if t.id]
    for person in receivers:
        team_links += [
            (t.id, "receiver", person.user_id) for t in uow.teams.teams_of(person.user_id) if t.id
        ]
    kudos_id = uow.kudos.insert(
        {
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
        },
        [person.user_id for person in receivers],
        team_links,
    )
    if kudos_id is None:  # a twin delivery won the race a moment ago
        existing = uow.kudos.by_source_key(request.source_key)
        assert existing is not None
        return _given_from_row(uow, existing, remaining, duplicate=True)
    return GivenKudos(
        kudos_id=kudos_id,
        giver_id=giver.user_id,
        receiver_ids=tuple(person.user_id for person in receivers),
        value=value,
        message=message,
        source_kind=request.source_kind,
        channel_id=request.channel_id,
        message_ts=request.message_ts,
        permalink=request.permalink,
        celebrate=request.celebrate,
        created_at=now,
        remaining_today=remaining - units,
        skipped=tuple(skipped),
        celebration_channel=(
            _celebration_channel(uow, receivers, kudos_channel) if request.celebrate else None
        ),
    )


def record_celebration(uow: UnitOfWork, kudos_id: int, channel_id: str, ts: str) -> None:
    uow.kudos.record_celebration(kudos_id, channel_id, ts)


def undo_kudos(uow: UnitOfWork, kudos_id: int, user_id: str, now: datetime) -> GivenKudos:
    """The giver takes a kudos back within ten minutes; the limit is given back too."""
    kudos = uow.kudos.get(kudos_id)
    if kudos is None or kudos.giver_id != user_id:
        raise DomainError("kudos.errors.not_your_kudos")
    if kudos.withdrawn_at is None:
        if now - kudos.created_at > timedelta(minutes=UNDO_MINUTES):
            raise DomainError("kudos.errors.undo_expired")
        uow.kudos.withdraw(kudos, now)
    giver = uow.people.get(user_id)
    remaining = remaining_today(uow, giver, now) if giver else 0
    return _given_from_row(uow, kudos, remaining, duplicate=False)


def withdraw_reaction(
    uow: UnitOfWork, source_key: str, reactor_id: str, now: datetime
) -> Kudos | None:
    """Removing the reaction on the same (local) day takes the kudos back; later it stays."""
    kudos = uow.kudos.by_source_key(source_key)
    if kudos is None or kudos.giver_id != reactor_id or kudos.withdrawn_at is not None:
        return None
    zone = zone_of(uow.people.get(reactor_id))
    if start_of_local_day(kudos.created_at, zone) != start_of_local_day(now, zone):
        return None
    uow.kudos.withdraw(kudos, now)
    return kudos


def reaction_source_key(channel_id: str, message_ts: str, reactor_id: str) -> str:
    return f"reaction:{channel_id}:{message_ts}:{reactor_id}"


def home_stats(uow: UnitOfWork, user_id: str, now: datetime) -> HomeStats:
    person = uow.people.get(user_id)
    zone = zone_of(person)
    month = start_of_local_month(now, zone)
    settings = uow.settings.get()
    values = {v.key: v for v in active_values(uow)}
    all_values = {v.key: value_info(v) for v in uow.settings.values(include_retired=True)}
    leaderboard: tuple[TeamLeaders, ...] | None = None
    if settings.show_leaderboard:
        per_team: dict[str, list[tuple[str, int]]] = {}
        for team, receiver, count in uow.kudos.most_thanked_by_team(month):
            leaders = per_team.setdefault(team, [])
            if len(leaders) < LEADERS_PER_TEAM:
                leaders.append((receiver, count))
        leaderboard = tuple(TeamLeaders(team, tuple(leaders)) for team, leaders in per_team.items())
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
                giver_id=k.giver_id,
                value=all_values.get(k.value_key) if k.value_key else None,
                message=k.message,
                created_at=k.created_at,
                permalink=k.permalink,
            )
            for k in uow.kudos.recent_received(user_id)
        ),
        leaderboard=leaderboard,
        values=tuple(values.values()),
    )
