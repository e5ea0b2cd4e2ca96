"""Leaderboard counts over a period, and the seasons that name some periods."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from storage.models.kudos import Kudos, KudosReceiver, KudosTeamLink, LinkRole
from storage.models.people import Team, TeamMember
from storage.models.seasons import Season
from storage.models.settings import WorkspaceSettings


class Thanked(NamedTuple):
    """How many kudos one person (or one value) got in a period."""

    key: str
    kudos: int


class TeamTally(NamedTuple):
    """Kudos received by a team's people in a period, and how many people it has now."""

    team_id: int
    name: str
    kudos: int
    members: int


def _in_period(
    since: datetime, until: datetime, value_key: str | None
) -> list[ColumnElement[bool]]:
    """Live kudos given in [since, until), of one value when `value_key` is set."""
    where = [
        col(Kudos.created_at) >= since,
        col(Kudos.created_at) < until,
        col(Kudos.withdrawn_at).is_(None),
    ]
    if value_key is not None:
        where.append(col(Kudos.value_key) == value_key)
    return where


def _thanked_in_teams(
    since: datetime, until: datetime, value_key: str | None, *columns: Any
) -> Any:
    """The team name and `columns` over receivers' team links in the period; removed teams
    never appear (they have no board)."""
    return (
        select(col(Team.name), *columns)
        .select_from(KudosTeamLink)
        .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
        .join(Team, col(Team.id) == col(KudosTeamLink.team_id))
        .where(
            col(KudosTeamLink.role) == LinkRole.RECEIVER,
            col(Team.removed_at).is_(None),
            *_in_period(since, until, value_key),
        )
    )


class LeaderboardRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def people(
        self, since: datetime, until: datetime, value_key: str | None, team_id: int | None
    ) -> list[Thanked]:
        """Everyone thanked in the period, with their count; within one team when `team_id`
        (the team they belonged to when thanked)."""
        count = func.count(func.distinct(col(Kudos.id))).label("n")
        query: Any
        if team_id is None:
            query = select(col(KudosReceiver.receiver_id), count).join(
                Kudos, col(Kudos.id) == col(KudosReceiver.kudos_id)
            )
            who = col(KudosReceiver.receiver_id)
            where = _in_period(since, until, value_key)
        else:
            query = select(col(KudosTeamLink.user_id), count).join(
                Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id)
            )
            who = col(KudosTeamLink.user_id)
            where = [
                *_in_period(since, until, value_key),
                col(KudosTeamLink.role) == LinkRole.RECEIVER,
                col(KudosTeamLink.team_id) == team_id,
            ]
        query = query.where(*where).group_by(who)
        return [Thanked(str(user), int(n)) for user, n in self._session.exec(query)]

    def teams(self, since: datetime, until: datetime, value_key: str | None) -> list[TeamTally]:
        """Every active team thanked in the period: one per person thanked per kudos."""
        received = func.count(col(KudosTeamLink.id)).label("n")
        query = _thanked_in_teams(since, until, value_key, col(Team.id), received)
        rows = list(self._session.exec(query.group_by(col(Team.id), col(Team.name))))
        sizes = self._team_sizes([int(team_id or 0) for _, team_id, _ in rows])
        return [
            TeamTally(int(team_id or 0), str(name), int(n), sizes.get(int(team_id or 0), 0))
            for name, team_id, n in rows
        ]

    def _team_sizes(self, team_ids: list[int]) -> dict[int, int]:
        if not team_ids:
            return {}
        query = (
            select(col(TeamMember.team_id), func.count())
            .where(col(TeamMember.team_id).in_(team_ids))
            .group_by(col(TeamMember.team_id))
        )
        return {int(team_id): int(n) for team_id, n in self._session.exec(query)}

    def team_people(self, since: datetime, until: datetime) -> list[tuple[str, str, int]]:
        """(team, person, kudos) for everyone thanked in the period, per active team."""
        count = func.count(func.distinct(col(Kudos.id))).label("n")
        query = _thanked_in_teams(since, until, None, col(KudosTeamLink.user_id), count)
        grouped = query.group_by(col(Team.name), col(KudosTeamLink.user_id))
        return [(str(team), str(user), int(n)) for team, user, n in self._session.exec(grouped)]

    def values(self, since: datetime, until: datetime) -> list[Thanked]:
        """Each value's kudos in the period, most first."""
        count = func.count().label("n")
        query = (
            select(col(Kudos.value_key), count)
            .where(*_in_period(since, until, None), col(Kudos.value_key).is_not(None))
            .group_by(col(Kudos.value_key))
            .order_by(count.desc(), col(Kudos.value_key))
        )
        return [Thanked(str(key), int(n)) for key, n in self._session.exec(query)]

    # ---- seasons ---------------------------------------------------------------------------

    def open_season(self, *, lock: bool = False) -> Season | None:
        """The running season; with `lock`, season changes wait for each other, so two admins
        starting one at once cannot open two (PostgreSQL locks the one settings row; SQLite
        already serialises writers)."""
        if lock and self._session.get_bind().dialect.name != "sqlite":
            self._session.exec(select(WorkspaceSettings.id).with_for_update())
        query = select(Season).where(col(Season.ended_at).is_(None)).order_by(col(Season.id))
        return self._session.exec(query).first()

    def latest_season(self) -> Season | None:
        query = select(Season).order_by(col(Season.started_at).desc(), col(Season.id).desc())
        return self._session.exec(query).first()

    def start_season(self, name: str, user_id: str, now: datetime) -> Season:
        season = Season(name=name, started_at=now, started_by=user_id)
        self._session.add(season)
        self._session.flush()
        return season

    def end_season(self, season: Season, user_id: str, now: datetime) -> None:
        season.ended_at = now
        season.ended_by = user_id
        self._session.add(season)
        self._session.flush()
