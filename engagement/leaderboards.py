"""Leaderboards by week, month, quarter and season, and the seasons admins start and end.

Boards count live kudos (an undone kudos never counts) in UTC calendar periods (see
`leaderboards_model`). Teams are ranked by kudos per member next to their raw count, so a
three-person back office is not drowned by a sales floor of forty. Removed teams never
appear. Ending a season records it in one short transaction, then posts its closing summary
to the kudos channel, or DMs it to the admin when there is no channel or the bot is not in it.
People who left keep their place on every board, named as "a former colleague".
"""

from __future__ import annotations

from datetime import datetime

from engagement.clock import Clock
from engagement.directory import language_of
from engagement.errors import DomainError
from engagement.kudos_model import ValueInfo, podium
from engagement.kudos_records import active_values, value_info
from engagement.leaderboards_model import (
    INSTANT,
    PEOPLE_PLACES,
    TEAMS_SHOWN,
    Board,
    BoardQuery,
    Delivery,
    HomeBoard,
    Period,
    SeasonEnded,
    SeasonStarted,
    SeasonSummary,
    calendar_bounds,
    rank_teams,
    read_query,
    season_name,
    team_leaders,
)
from engagement.ports import SeasonAnnouncer, Transactions
from engagement.privacy import shown_leaders, shown_places
from engagement.values import ValueIndex
from storage.models import Season
from storage.unit_of_work import UnitOfWork

Bounds = tuple[datetime, datetime, str | None]
"""[since, until) and the season's name when the period is a season."""


class LeaderboardService:
    def __init__(
        self,
        store: Transactions,
        announcer: SeasonAnnouncer,
        clock: Clock,
        *,
        kudos_channel: str | None = None,
    ) -> None:
        self._store = store
        self._announcer = announcer
        self._clock = clock
        self._kudos_channel = kudos_channel

    # ---- boards ----------------------------------------------------------------------------

    def board(self, text: str) -> Board:
        """`/kudos top [period] [#value] [team]`; raises `DomainError` for words it can't use."""
        query = read_query(text)
        now = self._clock()
        with self._store.reading() as uow:
            return _board(uow, query, _bounds(uow, query.period, now))

    def home_board(self, period: str) -> HomeBoard:
        """Per-team medal places for the App Home's period switch (an unknown period: month)."""
        chosen = Period(period) if period in tuple(Period) else Period.MONTH
        now = self._clock()
        with self._store.reading() as uow:
            try:
                since, until, name = _bounds(uow, chosen, now)
            except DomainError:  # no season yet: the view says so
                return HomeBoard(chosen, ())
            teams = team_leaders(uow.leaderboards.team_people(since, until))
            return HomeBoard(chosen, shown_leaders(uow, teams), name)

    # ---- seasons ---------------------------------------------------------------------------

    def start_season(self, user_id: str, raw_name: str) -> SeasonStarted:
        """Admins only; one open season at a time."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            if not uow.admins.is_admin(user_id):
                raise DomainError("admin.errors.not_admin")
            name = season_name(raw_name)
            running = uow.leaderboards.open_season(lock=True)
            if running is not None:
                raise DomainError("leaderboards.errors.season_running", name=running.name)
            season = uow.leaderboards.start_season(name, user_id, now)
            return SeasonStarted(season.name, season.started_at)

    def end_season(self, user_id: str) -> SeasonEnded:
        """Admins only: ends the open season, then tells everyone how it went."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            if not uow.admins.is_admin(user_id):
                raise DomainError("admin.errors.not_admin")
            season = uow.leaderboards.open_season(lock=True)
            if season is None:
                raise DomainError("leaderboards.errors.no_open_season")
            uow.leaderboards.end_season(season, user_id, now)
            summary = _summary(uow, season, now)
            default = uow.settings.snapshot().settings.default_language
            admin_lang = language_of(uow.people.get(user_id), default)
        return self._deliver(summary, user_id, default, admin_lang)

    def _deliver(
        self, summary: SeasonSummary, admin_id: str, channel_lang: str, admin_lang: str
    ) -> SeasonEnded:
        """The kudos channel first; the admin's DMs when it is not set or the bot is not in it."""
        channel = self._kudos_channel
        delivery = Delivery.NO_CHANNEL
        if channel:
            posted = self._announcer.post_summary(channel, summary, channel_lang)
            if posted:
                return SeasonEnded(summary, Delivery.CHANNEL, channel)
            delivery = Delivery.NOT_A_MEMBER if posted is False else Delivery.NOWHERE
        if self._announcer.send_summary(admin_id, summary, admin_lang):
            return SeasonEnded(summary, delivery if channel else Delivery.NO_CHANNEL, channel)
        return SeasonEnded(summary, Delivery.NOWHERE, channel)


def _board(uow: UnitOfWork, query: BoardQuery, bounds: Bounds) -> Board:
    since, until, name = bounds
    value = _value(uow, query.value_tag)
    team_id: int | None = None
    if query.team_name is not None:
        team = uow.teams.by_name(query.team_name)
        if team is None:
            raise DomainError("leaderboards.errors.unknown_words", words=query.team_name)
        team_id = team.id
    value_key = value.key if value else None
    thanked = uow.leaderboards.people(since, until, value_key, team_id)
    tallies = [
        (tally.name, tally.kudos, tally.members)
        for tally in uow.leaderboards.teams(since, until, value_key)
        if team_id is None or tally.team_id == team_id
    ]
    teams = rank_teams(tallies)
    return Board(
        period=query.period,
        since=since,
        until=until,
        people=shown_places(uow, podium(thanked, PEOPLE_PLACES)),
        teams=teams[:TEAMS_SHOWN],
        season_name=name,
        value=value,
        team_name=query.team_name if team_id is not None else None,
        more_teams=max(len(teams) - TEAMS_SHOWN, 0),
    )


def _summary(uow: UnitOfWork, season: Season, now: datetime) -> SeasonSummary:
    bounds = (season.started_at, now + INSTANT, season.name)
    board = _board(uow, BoardQuery(Period.SEASON), bounds)
    values = {value.key: value_info(value) for value in uow.settings.snapshot().values}
    tally = uow.leaderboards.values(bounds[0], bounds[1])
    top = [(values[v.key], v.kudos) for v in tally if v.key in values]
    return SeasonSummary(season.name, board, top[0] if top else None)


def _bounds(uow: UnitOfWork, period: Period, now: datetime) -> Bounds:
    """A calendar period around now; a season: the running one, else the last that ended."""
    if period is not Period.SEASON:
        return (*calendar_bounds(period, now), None)
    season = uow.leaderboards.open_season() or uow.leaderboards.latest_season()
    if season is None:
        raise DomainError("leaderboards.errors.no_season")
    return season.started_at, (season.ended_at or now) + INSTANT, season.name


def _value(uow: UnitOfWork, tag: str | None) -> ValueInfo | None:
    if tag is None:
        return None
    values = active_values(uow)
    found = ValueIndex(values).find(tag)
    if found is None:
        names = ", ".join(f"#{value.key}" for value in values)
        raise DomainError("leaderboards.errors.unknown_value", value=tag, values=names)
    return found
