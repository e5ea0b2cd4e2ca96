"""Closed weeks rolled up for the digest's 12-week trend, so a digest reads the older eleven
weeks from small tables instead of their raw answers and kudos, judged again every run.

What is kept, per closed week and team (`storage.models.digest`): how many answered each
question (a head count, shown at any size), the team's reason to show nothing, and, only for
the groups the week's judgement shows with k or more answers, their sum and eNPS categories;
kudos given and received, counted. No person, no comment, no figure of a hidden group.

The judgement itself is `engagement.anonymity`'s, unchanged: a week is rolled up from its
live results once it is closed (every count final, nothing waiting in the ballot box), and
a roll-up is used only while its `basis` still matches everything else that judgement
depended on: k, the week's frozen record and figures, and who was in each team (today's
teams, for a week from before memberships were frozen). What else could alter a closed week
drops its roll-ups in the same transaction (`storage.repositories.rollups.drop_rollups`), and
the next digest rolls it up again: a kudos withdrawn (a deleted message, weeks later) and
someone's data deleted (their received kudos, their frozen memberships). A closed week's
answers cannot change (an answer is refused once its week has closed, and a week with ballots
still waiting is not rolled up), nor can its frozen membership otherwise (a pulse, which files
people, goes out only in an open week), nor its kudos counts otherwise (a kudos is dated
when it is given; a reworded one keeps its teams).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from engagement import anonymity
from engagement.clock import system_clock
from storage.repositories.digest import Membership
from storage.repositories.rollups import KUDOS, PULSE, RolledFigure, RolledKudos
from storage.repositories.team_weeks import Figure, FrozenWeek
from storage.unit_of_work import UnitOfWork

FILED = "filed"  # the week's own frozen membership: changing it drops the roll-up
RECEIVED = "receiver"  # a kudos team link's role (storage.models.kudos.LinkRole)


def pulse_basis(
    k: int, record: FrozenWeek | None, kept: Iterable[Figure], members_token: str
) -> str:
    """What a week's judgement depended on besides its (final) counts, as one digest."""
    parts = [
        f"k={k}",
        f"record={(record.k, record.sealed) if record else None}",
        f"members={members_token}",
        *sorted(repr(tuple(figure)) for figure in kept),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _members_token(pairs: Sequence[Membership]) -> str:
    """The teams as they stand now, as one digest (weeks from before memberships were
    frozen are judged against them)."""
    lines = sorted(f"{team}:{user}" for team, user in pairs)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class Ready:
    """A digest run's view of the pulse roll-ups: which still match, the memberships the
    live weeks are judged with, and writing new ones."""

    def __init__(self, uow: UnitOfWork, weeks: Sequence[date], idle: set[date]) -> None:
        self._uow, self._weeks = uow, weeks
        self._headers = uow.digest.rollups(sorted(idle)) if idle else {}
        self._read_members()

    def _read_members(self) -> None:
        self._filed = self._uow.digest.weeks_with_members(self._weeks)
        legacy = any(week not in self._filed for week in self._weeks)
        self._current = self._uow.digest.memberships() if legacy else []
        self._token = _members_token(self._current)

    def members_token(self, week: date) -> str:
        return FILED if week in self._filed else self._token

    def matching(self, bases: dict[date, str]) -> set[date]:
        """The weeks whose roll-up's basis matches."""
        return {w for w, basis in bases.items() if self._headers.get((w, PULSE)) == basis}

    def rolled(
        self, whole: Sequence[date], trend: Sequence[date], questions: Sequence[str]
    ) -> dict[date, list[RolledFigure]]:
        """The roll-ups of the `whole` weeks, and of the `trend` weeks only their shown
        groups of `questions`, by week."""
        rows: dict[date, list[RolledFigure]] = {week: [] for week in sorted([*whole, *trend])}
        for row in self._uow.digest.rolled_figures(whole, trend, questions):
            rows[row.week_start].append(row)
        return rows

    def lock(self) -> None:
        """Before reading what a roll-up is written from; memberships are read again after."""
        self._uow.digest.lock_rollups()
        self._read_members()

    def members(self, weeks: Sequence[date]) -> dict[date, dict[int, frozenset[str]]]:
        """Each week's frozen membership; the teams as they stand now for a week from before
        memberships were frozen."""
        filed = [week for week in weeks if week in self._filed]
        pairs: dict[date, list[tuple[int, str]]] = defaultdict(list)
        for row in self._uow.digest.week_members(filed) if filed else []:
            pairs[row.week_start].append((row.team_id, row.user_id))
        current = anonymity.members_by_team(self._current)
        return {
            week: anonymity.members_by_team(pairs[week]) if week in self._filed else current
            for week in weeks
        }

    def roll_up(self, week: date, basis: str, rows: Sequence[RolledFigure], now: datetime) -> None:
        write_once(self._uow, week, PULSE, basis, rows, now)


def write_once(
    uow: UnitOfWork,
    week: date,
    part: str,
    basis: str,
    rows: Sequence[RolledFigure] | Sequence[RolledKudos],
    now: datetime,
) -> None:
    """Writes the roll-up unless one with this basis is there (another run's, maybe at this
    very moment: the key decides); one with another basis is replaced."""
    found = uow.digest.rollups([week]).get((week, part))
    if found is not None and found != basis:
        uow.digest.replace_stale_rollups([(week, part)])
    uow.digest.write_rollup(week, part, basis, now, rows)


def settled(now: datetime) -> datetime:
    """Up to when weeks may be rolled up: `now`, never later than the real clock.

    `aplauso jobs run --at` may pin a moment ahead of it; a week closed only at that pinned
    moment is still open in the world, where answers and kudos still arrive, so rolling it up
    then would freeze figures that are not final."""
    return min(now, system_clock())


def week_begins(week: date) -> datetime:
    return datetime.combine(week, time(0), UTC)


def kudos_by_week(
    uow: UnitOfWork, weeks: Sequence[date], now: datetime
) -> dict[tuple[int, str], list[int]]:
    """Kudos per team and role in each of the consecutive `weeks`: the weeks over by `now`
    (but the newest) from their roll-ups, the rest counted live and rolled up. Of a rolled-up
    week only kudos received are read (its given ones read 0): the digest shows given kudos
    of the newest week only."""
    over = [w for w in weeks[:-1] if week_begins(w) + timedelta(weeks=1) <= settled(now)]
    headers = uow.digest.rollups(over) if over else {}
    rolled = [w for w in over if (w, KUDOS) in headers]
    live = [w for w in weeks if w not in rolled]
    rolling = [w for w in live if w in over]
    if rolling:
        uow.digest.lock_rollups()
    first = weeks.index(live[0])
    by_week: dict[date, list[RolledKudos]] = defaultdict(list)
    starts = [week_begins(w) for w in weeks[first:]]
    for team_id, role, bucket, count in uow.digest.kudos_by_week(starts):
        week = weeks[first + bucket]
        if week in live:
            by_week[week].append(RolledKudos(week, team_id, role, count))
    index = {week: n for n, week in enumerate(weeks)}
    found: dict[tuple[int, str], list[int]] = {}
    for week, rows in by_week.items():
        for row in rows:
            found.setdefault((row.team_id, row.role), [0] * len(weeks))[index[week]] = row.kudos
    for week, team_id, count in uow.digest.rolled_kudos(rolled, RECEIVED):
        found.setdefault((team_id, RECEIVED), [0] * len(weeks))[index[week]] = count
    for week in rolling:
        write_once(uow, week, KUDOS, KUDOS, by_week.get(week, []), now)
    return found
