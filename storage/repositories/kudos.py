"""Kudos: recording them exactly once, and what people and teams gave and received."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table, bindparam, func, update
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models.kudos import Kudos, KudosReceiver, KudosTeamLink, LinkRole, SelfReaction
from storage.models.people import Team
from storage.repositories._sql import ignoring_duplicates, insert_ignoring_duplicates
from storage.repositories.rollups import KUDOS, drop_rollups

_KUDOS: Table = Kudos.__table__  # type: ignore[attr-defined]
# Every recorded kudos runs these: built once, they cost no construction and no cache key.
_ID_BY_SOURCE = sa_select(_KUDOS.c.id).where(_KUDOS.c.source_key == bindparam("source_key"))
_UNITS_SINCE = sa_select(func.coalesce(func.sum(_KUDOS.c.limit_units), 0)).where(
    _KUDOS.c.giver_id == bindparam("giver_id"),
    _KUDOS.c.created_at >= bindparam("since"),
    _KUDOS.c.withdrawn_at.is_(None),
)
_INSERT_RECEIVERS = sa_insert(KudosReceiver.__table__)  # type: ignore[attr-defined]
_INSERT_TEAM_LINKS = sa_insert(KudosTeamLink.__table__)  # type: ignore[attr-defined]


class ValueCount(NamedTuple):
    value_key: str
    kudos: int


class TeamThanks(NamedTuple):
    """How often one receiver linked to a team was thanked."""

    team_name: str
    user_id: str
    kudos: int


class GivenEdge(NamedTuple):
    """One receiver of one kudos: who thanked whom, when, and the kudos' cost in units."""

    kudos_id: int
    giver_id: str
    receiver_id: str
    created_at: datetime
    units: int


class KudosFlow(NamedTuple):
    """Kudos from one team's people to another's: an edge of the internal-service map."""

    giver_team_id: int
    receiver_team_id: int
    kudos: int


def _live_since(since: datetime) -> tuple[ColumnElement[bool], ...]:
    """Kudos given since `since` and not taken back since."""
    return col(Kudos.created_at) >= since, col(Kudos.withdrawn_at).is_(None)


def kudos_between(since: datetime, until: datetime | None) -> Any:
    """Kudos ids of a period. Filtering team links by this subquery lets the database start
    from the created_at index instead of reading every link of the whole history (measured by
    bench/digest_scale.py: 8.7 s to under 1 s on SQLite with a year of data)."""
    query = select(Kudos.id).where(*_live_since(since))
    if until is not None:
        query = query.where(col(Kudos.created_at) < until)
    return query


def created_in(since: datetime, until: datetime | None) -> list[ColumnElement[bool]]:
    """What `kudos_between` asks, said again of the kudos joined for their columns: the same
    rows, but PostgreSQL then reads those kudos by their created_at index instead of
    scanning a year of them to match the subquery's ids (0.4 s to 0.1 s a query, 1,000 teams)."""
    found = [col(Kudos.created_at) >= since]
    return found if until is None else [*found, col(Kudos.created_at) < until]


class KudosRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_source_key(self, source_key: str) -> Kudos | None:
        return self._session.exec(select(Kudos).where(col(Kudos.source_key) == source_key)).first()

    def id_by_source_key(self, source_key: str) -> int | None:
        """The id alone: the usual answer is "none yet", and no row needs building for it."""
        core = self._session.connection()  # Core: the usual answer is "none yet"
        found = core.execute(_ID_BY_SOURCE, {"source_key": source_key}).scalar()
        return int(found) if found is not None else None

    def get(self, kudos_id: int) -> Kudos | None:
        return self._session.get(Kudos, kudos_id)

    def receiver_ids(self, kudos_id: int) -> list[str]:
        query = (
            select(KudosReceiver.receiver_id)
            .where(col(KudosReceiver.kudos_id) == kudos_id)
            .order_by(col(KudosReceiver.id))
        )
        return list(self._session.exec(query))

    def insert_row(
        self,
        values: Mapping[str, object],
        receiver_ids: Sequence[str],
        team_links: Sequence[tuple[int, str, str]],
    ) -> int | None:
        """Inserts the kudos (its columns' values; those left out take their defaults) with
        its receivers and (team, role, user) links; None when its source exists. The unique
        source key decides, inside the database, which of two racing deliveries of the same
        Slack action is the real one."""
        statement = ignoring_duplicates(self._session.get_bind().dialect.name, _KUDOS)
        core = self._session.connection()  # Core statements: every kudos passes here
        kudos_id = core.execute(statement, values).scalar()
        if kudos_id is None:
            return None
        core.execute(
            _INSERT_RECEIVERS,
            [{"kudos_id": kudos_id, "receiver_id": receiver_id} for receiver_id in receiver_ids],
        )
        if team_links:
            core.execute(
                _INSERT_TEAM_LINKS,
                [
                    {"kudos_id": kudos_id, "team_id": team_id, "role": role, "user_id": user_id}
                    for team_id, role, user_id in team_links
                ],
            )
        return int(kudos_id)

    def units_given_since(self, giver_id: str, since: datetime) -> int:
        core = self._session.connection()  # Core: every recorded kudos asks
        return int(core.execute(_UNITS_SINCE, {"giver_id": giver_id, "since": since}).scalar_one())

    def count_received(self, user_id: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(KudosReceiver)
            .join(Kudos, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(col(KudosReceiver.receiver_id) == user_id, *_live_since(since))
        )
        return int(self._session.exec(query).one())

    def count_given(self, user_id: str, since: datetime) -> int:
        query = select(func.count()).where(col(Kudos.giver_id) == user_id, *_live_since(since))
        return int(self._session.exec(query).one())

    def top_values_received(
        self, user_id: str, since: datetime, limit: int = 3
    ) -> list[ValueCount]:
        count = func.count().label("n")
        query = (
            select(col(Kudos.value_key), count)
            .join(KudosReceiver, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(
                col(KudosReceiver.receiver_id) == user_id,
                *_live_since(since),
                col(Kudos.value_key).is_not(None),
            )
            .group_by(col(Kudos.value_key))
            .order_by(count.desc(), col(Kudos.value_key))
            .limit(limit)
        )
        return [ValueCount(str(key), int(n)) for key, n in self._session.exec(query)]

    def recent_received(self, user_id: str, limit: int = 10) -> list[Kudos]:
        query = (
            select(Kudos)
            .join(KudosReceiver, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(col(KudosReceiver.receiver_id) == user_id, col(Kudos.withdrawn_at).is_(None))
            .order_by(col(Kudos.created_at).desc(), col(Kudos.id).desc())
            .limit(limit)
        )
        return list(self._session.exec(query))

    def most_thanked_by_team(self, since: datetime) -> list[TeamThanks]:
        """Kudos received since `since` by receivers linked to each team, most first."""
        count = func.count(func.distinct(col(Kudos.id))).label("n")
        query = (
            select(col(Team.name), col(KudosTeamLink.user_id), count)
            .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
            .join(Team, col(Team.id) == col(KudosTeamLink.team_id))
            .where(
                col(KudosTeamLink.role) == LinkRole.RECEIVER,
                col(Team.removed_at).is_(None),  # a removed team has no board
                *_live_since(since),
            )
            .group_by(col(Team.name), col(KudosTeamLink.user_id))
            .order_by(col(Team.name), count.desc(), col(KudosTeamLink.user_id))
        )
        return [
            TeamThanks(str(team), str(user), int(n)) for team, user, n in self._session.exec(query)
        ]

    def team_flows(self, since: datetime, until: datetime | None = None) -> list[KudosFlow]:
        """Kudos between different teams in a period: the internal-service map, in team order
        (ties then rank the same way on every database). The kudos are joined for their date
        (`created_in`): without it PostgreSQL scanned every team link of the history to match
        the period's kudos ids (0.5 s at 1,000 teams)."""
        giver, receiver = aliased(KudosTeamLink), aliased(KudosTeamLink)
        count = func.count(func.distinct(col(giver.kudos_id)))
        query = (
            sa_select(col(giver.team_id), col(receiver.team_id), count)
            .join(receiver, col(receiver.kudos_id) == col(giver.kudos_id))
            .join(Kudos, col(Kudos.id) == col(giver.kudos_id))
            .where(
                col(giver.kudos_id).in_(kudos_between(since, until)),
                *created_in(since, until),
                col(giver.role) == LinkRole.GIVER,
                col(receiver.role) == LinkRole.RECEIVER,
                col(giver.team_id) != col(receiver.team_id),
            )
            .group_by(col(giver.team_id), col(receiver.team_id))
            .order_by(col(giver.team_id), col(receiver.team_id))
        )
        rows = self._session.connection().execute(query).all()
        return [KudosFlow(int(a), int(b), int(n)) for a, b, n in rows]

    def withdraw(self, kudos: Kudos, now: datetime) -> bool:
        """True when this call took the kudos back; False when another (a double click on
        Undo, a second instance) already had: the condition is checked by the UPDATE itself."""
        statement = (
            update(Kudos)
            .where(col(Kudos.id) == kudos.id, col(Kudos.withdrawn_at).is_(None))
            .values(withdrawn_at=now)
        )
        taken = bool(self._session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]
        self._session.refresh(kudos)
        if taken:  # the digest's count of its week, if rolled up, no longer holds
            day = kudos.created_at.astimezone(UTC).date()
            drop_rollups(self._session, KUDOS, day - timedelta(days=6), day)
        return taken

    def record_celebration(self, kudos_id: int, channel_id: str, ts: str) -> None:
        self._session.connection().execute(
            update(Kudos)
            .where(col(Kudos.id) == kudos_id)
            .values(celebration_channel=channel_id, celebration_ts=ts)
        )

    def given_since(self, since: datetime) -> list[GivenEdge]:
        """Every live kudos since `since`, one row per receiver: the patterns admins review."""
        query = (
            sa_select(
                col(Kudos.id),
                col(Kudos.giver_id),
                col(KudosReceiver.receiver_id),
                col(Kudos.created_at),
                col(Kudos.limit_units),
            )
            .join(KudosReceiver, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(*_live_since(since))
            .order_by(col(Kudos.created_at), col(Kudos.id))
        )
        rows = self._session.connection().execute(query)
        return [GivenEdge(int(a or 0), str(b), str(c), d, int(e)) for a, b, c, d, e in rows]

    def record_self_reaction(
        self, channel_id: str, message_ts: str, user_id: str, now: datetime
    ) -> bool:
        """Keeps a kudos emoji put on one's own message; False when it was kept already."""
        row = {"channel_id": channel_id, "message_ts": message_ts, "user_id": user_id}
        return insert_ignoring_duplicates(self._session, SelfReaction, {**row, "created_at": now})

    def self_reactions_since(self, since: datetime) -> dict[str, int]:
        """How many of their own messages each person reacted to with a kudos emoji."""
        query = (
            sa_select(col(SelfReaction.user_id), func.count())
            .where(col(SelfReaction.created_at) >= since)
            .group_by(col(SelfReaction.user_id))
        )
        rows = self._session.connection().execute(query)
        return {str(user_id): int(count) for user_id, count in rows}

    def live_from_message(
        self, channel_id: str, message_ts: str, source_kinds: Sequence[str]
    ) -> list[Kudos]:
        """The kudos a Slack message still stands behind: its @mention, or the reactions to it."""
        query = (
            select(Kudos)
            .where(
                col(Kudos.channel_id) == channel_id,
                col(Kudos.message_ts) == message_ts,
                col(Kudos.source_kind).in_(list(source_kinds)),
                col(Kudos.withdrawn_at).is_(None),
            )
            .order_by(col(Kudos.id))
        )
        return list(self._session.exec(query))

    def reword(self, kudos: Kudos, message: str, value_key: str | None) -> None:
        """The words (and value) of a kudos whose message was edited in Slack."""
        kudos.message = message
        kudos.value_key = value_key
        self._session.add(kudos)
        self._session.flush()
