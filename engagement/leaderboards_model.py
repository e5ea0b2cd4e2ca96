"""Leaderboard periods, queries and boards as plain data, and the pure rules that rank them.

Periods are calendar periods in UTC, the same for every reader, so two people comparing
boards always see the same numbers: a week starts on Monday 00:00 UTC, a month on the 1st,
a quarter on 1 January, April, July or October. A season runs from when an admin starts it
to when one ends it. No Slack, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum

from engagement.errors import DomainError
from engagement.kudos_model import Place, TeamLeaders, ValueInfo, podium
from engagement.local_time import monday_of

INSTANT = timedelta(microseconds=1)
"""Added to "now" for a running period, so a kudos given this very moment counts."""
SEASON_NAME_MAX = 80
PEOPLE_PLACES = 5
TEAMS_SHOWN = 10


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"


PERIOD_WORDS: dict[str, Period] = {
    "week": Period.WEEK,
    "semana": Period.WEEK,
    "month": Period.MONTH,
    "mes": Period.MONTH,
    "quarter": Period.QUARTER,
    "trimestre": Period.QUARTER,
    "season": Period.SEASON,
    "temporada": Period.SEASON,
}
TOP_WORDS = frozenset({"top", "ranking"})


@dataclass(frozen=True)
class BoardQuery:
    """What `/kudos top ...` asked for: a period, maybe a value (#tag), maybe a team name."""

    period: Period = Period.MONTH
    value_tag: str | None = None
    team_name: str | None = None


def is_top_command(text: str) -> bool:
    """`/kudos top ...` (or `ranking`): a board, not a kudos (a kudos always names someone)."""
    words = text.split(maxsplit=1)
    return bool(words) and words[0].lower() in TOP_WORDS


def read_query(text: str) -> BoardQuery:
    """The words after `top`, in any order: a period word, a `#value`, the rest a team name."""
    period: Period | None = None
    value_tag: str | None = None
    rest: list[str] = []
    for word in text.split()[1:]:
        lowered = word.lower()
        if lowered in PERIOD_WORDS and period is None:
            period = PERIOD_WORDS[lowered]
        elif word.startswith("#") and value_tag is None and len(word) > 1:
            value_tag = word[1:]
        else:
            rest.append(word)
    return BoardQuery(period or Period.MONTH, value_tag, " ".join(rest) or None)


def calendar_bounds(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) of the week, month or quarter around `now`, in UTC."""
    today = now.astimezone(UTC).date()
    if period is Period.WEEK:
        start = monday_of(today)
        end = start + timedelta(days=7)
    elif period is Period.MONTH:
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
    elif period is Period.QUARTER:
        start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        end = (start + timedelta(days=95)).replace(day=1)
    else:
        raise ValueError("a season has no calendar bounds")
    return datetime.combine(start, time(0), UTC), datetime.combine(end, time(0), UTC)


def season_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > SEASON_NAME_MAX:
        raise DomainError("leaderboards.errors.season_name", max=SEASON_NAME_MAX)
    return name


@dataclass(frozen=True)
class TeamRate:
    """A team's kudos next to its size: small teams are judged by kudos per person."""

    rank: int
    name: str
    kudos: int
    members: int

    @property
    def rate(self) -> float:
        return self.kudos / self.members


def rank_teams(tallies: Iterable[tuple[str, int, int]]) -> tuple[TeamRate, ...]:
    """(name, kudos, members) ranked by kudos per member, then raw kudos, then name; the same
    kudos and size share a place (1, 1, 3). A team with nobody in it now has no rate."""
    staffed = [(name, kudos, members) for name, kudos, members in tallies if members > 0]
    staffed.sort(key=lambda team: (-team[1] / team[2], -team[1], team[0].lower()))
    ranked: list[TeamRate] = []
    for position, (name, kudos, members) in enumerate(staffed, start=1):
        previous = ranked[-1] if ranked else None
        tied = previous is not None and (previous.kudos, previous.members) == (kudos, members)
        ranked.append(
            TeamRate(previous.rank if previous and tied else position, name, kudos, members)
        )
    return tuple(ranked)


def team_leaders(rows: Iterable[tuple[str, str, int]]) -> tuple[TeamLeaders, ...]:
    """(team, user, count) rows as each team's medal places: a tie is all in or all out."""
    per_team: dict[str, list[tuple[str, int]]] = {}
    for team, user_id, count in rows:
        per_team.setdefault(team, []).append((user_id, count))
    return tuple(
        TeamLeaders(
            team,
            tuple((user, place.kudos) for place in podium(thanked) for user in place.user_ids),
        )
        for team, thanked in sorted(per_team.items(), key=lambda item: item[0].lower())
    )


@dataclass(frozen=True)
class Board:
    """One leaderboard for one period.

    Who was thanked most, and which teams did best per person (so small teams count)."""

    period: Period
    since: datetime
    until: datetime
    people: tuple[Place, ...]
    teams: tuple[TeamRate, ...]
    season_name: str | None = None
    value: ValueInfo | None = None
    team_name: str | None = None
    more_teams: int = 0


@dataclass(frozen=True)
class HomeBoard:
    """The App Home's per-team board for a chosen period."""

    period: Period
    teams: tuple[TeamLeaders, ...]
    season_name: str | None = None


@dataclass(frozen=True)
class SeasonStarted:
    name: str
    started_at: datetime


class Delivery(StrEnum):
    """Where a season's closing summary went."""

    CHANNEL = "channel"  # posted in the kudos channel
    NOT_A_MEMBER = "not_a_member"  # the bot is not in the kudos channel: DMed to the admin
    NO_CHANNEL = "no_channel"  # no kudos channel is set: DMed to the admin
    NOWHERE = "nowhere"  # Slack took neither


@dataclass(frozen=True)
class SeasonSummary:
    """What closing a season tells everyone: top people, teams by rate, the top value."""

    name: str
    board: Board
    top_value: tuple[ValueInfo, int] | None


@dataclass(frozen=True)
class SeasonEnded:
    summary: SeasonSummary
    delivery: Delivery
    channel_id: str | None
