"""The people directory, teams and their members, and event deduplication."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import case, delete, func
from sqlmodel import Session, col, select

from storage.models.people import Person, ProcessedEvent, Team, TeamMember, TeamSupplier
from storage.repositories._sql import dialect_insert, insert_ignoring_duplicates


class Membership(NamedTuple):
    user_id: str
    team_id: int
    channel_id: str | None


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, user_id: str) -> Person | None:
        return self._session.get(Person, user_id)

    def get_many(self, user_ids: Iterable[str]) -> dict[str, Person]:
        ids = list(set(user_ids))
        if not ids:
            return {}
        rows = self._session.exec(select(Person).where(col(Person.user_id).in_(ids)))
        return {person.user_id: person for person in rows}

    def upsert(self, person: Person) -> Person:
        """Insert-or-update in one statement: two requests meeting a new person at once
        must both succeed, not race on the primary key."""
        values = person.model_dump()
        statement = dialect_insert(self._session)(Person).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={key: value for key, value in values.items() if key != "user_id"},
        )
        self._session.execute(statement)
        stored = self._session.get(Person, person.user_id, populate_existing=True)
        assert stored is not None
        return stored

    def upsert_many(self, people: Sequence[Person]) -> None:
        """Insert-or-update many in one executemany (a directory crawl, an event); no re-read."""
        if not people:
            return
        statement = dialect_insert(self._session)(Person)
        statement = statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={
                column.name: statement.excluded[column.name]
                for column in Person.__table__.columns  # type: ignore[attr-defined]
                if column.name != "user_id"
            },
        )
        self._session.execute(statement, [person.model_dump() for person in people])

    def everyone(self) -> list[Person]:
        return list(self._session.exec(select(Person)))

    def count_synced_before(self, moment: datetime) -> tuple[int, int]:
        """(people, people last synced before `moment`): is the directory worth a crawl?"""
        stale = func.sum(case((col(Person.synced_at) < moment, 1), else_=0))
        total, old = self._session.exec(select(func.count(), stale)).one()
        return int(total), int(old or 0)

    def add_all(self, people: Sequence[Person]) -> None:
        """Plain INSERTs for people known to be new (bulk seeding): no upsert, no re-read."""
        self._session.add_all(people)
        self._session.flush()

    def find_by_name(self, name: str) -> list[Person]:
        """People whose handle, display or real name is `name`, case-insensitively."""
        lowered = name.lower()
        query = select(Person).where(
            (func.lower(col(Person.name)) == lowered)
            | (func.lower(col(Person.display_name)) == lowered)
            | (func.lower(col(Person.real_name)) == lowered)
        )
        return list(self._session.exec(query))

    def count(self) -> int:
        return int(self._session.exec(select(func.count()).select_from(Person)).one())

    def lock(self, user_id: str) -> None:
        """Serialises concurrent actions of one person (PostgreSQL row lock; SQLite already
        serialises writers with BEGIN IMMEDIATE), so a daily limit cannot be raced past."""
        if self._session.get_bind().dialect.name == "sqlite":
            return  # the transaction already holds the only write lock
        self._session.exec(
            select(Person.user_id).where(col(Person.user_id) == user_id).with_for_update()
        )


class TeamRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_name(self, name: str) -> Team | None:
        query = select(Team).where(func.lower(col(Team.name)) == name.lower())
        return self._session.exec(query).first()

    def all(self) -> list[Team]:
        return list(self._session.exec(select(Team).order_by(col(Team.name))))

    def get(self, team_id: int) -> Team | None:
        return self._session.get(Team, team_id)

    def add(self, team: Team) -> Team:
        self._session.add(team)
        self._session.flush()
        return team

    def member_ids(self, team_id: int) -> list[str]:
        query = select(TeamMember.user_id).where(col(TeamMember.team_id) == team_id)
        return sorted(self._session.exec(query))

    def add_members(self, team_id: int, user_ids: Sequence[str]) -> None:
        """Adds people who are not members yet, keeping the members the team has."""
        for user_id in dict.fromkeys(user_ids):
            self._session.add(TeamMember(team_id=team_id, user_id=user_id))
        self._session.flush()

    def replace_members(self, team_id: int, user_ids: Sequence[str]) -> None:
        self._session.execute(delete(TeamMember).where(col(TeamMember.team_id) == team_id))
        self.add_members(team_id, user_ids)

    def teams_of(self, user_id: str) -> list[Team]:
        query = (
            select(Team)
            .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
            .where(col(TeamMember.user_id) == user_id)
            .order_by(col(Team.name))
        )
        return list(self._session.exec(query))

    def memberships(self, user_ids: Sequence[str]) -> list[Membership]:
        """Every team of each of these people, by team name: one query for a whole kudos."""
        if not user_ids:
            return []
        query = (
            select(col(TeamMember.user_id), col(Team.id), col(Team.channel_id))
            .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
            .where(col(TeamMember.user_id).in_(list(set(user_ids))))
            .order_by(col(Team.name))
        )
        rows = self._session.connection().execute(query)  # Core: every kudos asks
        return [Membership(str(u), int(t), c) for u, t, c in rows if t]

    def managed_by(self, user_id: str) -> list[Team]:
        return list(self._session.exec(select(Team).where(col(Team.manager_id) == user_id)))

    def supplier_ids(self, team_id: int) -> list[int]:
        query = select(TeamSupplier.supplier_team_id).where(col(TeamSupplier.team_id) == team_id)
        return list(self._session.exec(query))

    def replace_suppliers(self, team_id: int, supplier_ids: Sequence[int]) -> None:
        self._session.execute(delete(TeamSupplier).where(col(TeamSupplier.team_id) == team_id))
        for supplier_id in dict.fromkeys(supplier_ids):
            self._session.add(TeamSupplier(team_id=team_id, supplier_team_id=supplier_id))
        self._session.flush()

    def remove(self, team_id: int) -> None:
        """Deletes the team; members, suppliers and per-team rows go by ON DELETE CASCADE."""
        self._session.execute(delete(Team).where(col(Team.id) == team_id))


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, event_id: str, kind: str, now: datetime) -> bool:
        """True the first time an event id is seen, False for every retry of it."""
        return insert_ignoring_duplicates(
            self._session, ProcessedEvent, {"event_id": event_id, "kind": kind, "received_at": now}
        )
