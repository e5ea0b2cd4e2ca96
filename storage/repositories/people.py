"""The people directory, teams and their members, and event deduplication."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, bindparam, case, delete, func
from sqlmodel import Session, col, select

from storage.models.people import (
    TEAM_NAME_LENGTH,
    Person,
    ProcessedEvent,
    Team,
    TeamMember,
    TeamSupplier,
)
from storage.repositories._sql import dialect_insert, insert_ignoring_duplicates


def _folded(text: str) -> str:
    """`Núñez` -> `nunez`: how a name compares when someone types it without its accents."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Membership(NamedTuple):
    user_id: str
    team_id: int
    channel_id: str | None


_LOCK_PEOPLE = (
    select(Person.user_id)
    .where(col(Person.user_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(Person.user_id))
    .with_for_update(key_share=True)
)


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
        """People whose handle, display or real name is `name`, ignoring case and, when nobody
        matches exactly, accents too: people type `@sofia` for Sofía and `@nunez` for Núñez."""
        lowered = name.lower()
        query = select(Person).where(
            (func.lower(col(Person.name)) == lowered)
            | (func.lower(col(Person.display_name)) == lowered)
            | (func.lower(col(Person.real_name)) == lowered)
        )
        found = list(self._session.exec(query))
        if found:
            return found
        wanted = _folded(name)
        names = select(Person.user_id, Person.name, Person.display_name, Person.real_name)
        ids = [
            row[0]
            for row in self._session.exec(names)
            if wanted in {_folded(text) for text in row[1:] if text}
        ]
        return list(self.get_many(ids).values()) if ids else []

    def count(self) -> int:
        return int(self._session.exec(select(func.count()).select_from(Person)).one())

    def lock(self, *user_ids: str) -> None:
        """Serialises concurrent actions of the same people (PostgreSQL row locks; SQLite
        already serialises writers with BEGIN IMMEDIATE), so a daily limit cannot be raced past.

        Rows are locked in one order, and as NO KEY UPDATE: two people thanking each other at
        the same moment would otherwise deadlock, each holding their own row while the foreign
        key check of the other's kudos waits on it."""
        if self._session.get_bind().dialect.name == "sqlite":
            return  # the transaction already holds the only write lock
        self._session.connection().execute(_LOCK_PEOPLE, {"ids": sorted(set(user_ids))})


REMOVED_MARK = "  (removed {id})"
"""Appended to a removed team's name: two spaces, which no active team's name can hold
(`engagement.teams.clean_team_name` folds them), so the name is free again."""


def _active() -> ColumnElement[bool]:
    """Removed teams keep their rows for their history; every look-up skips them."""
    return col(Team.removed_at).is_(None)


_MEMBERSHIPS = (
    select(col(TeamMember.user_id), col(Team.id), col(Team.channel_id))
    .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
    .where(col(TeamMember.user_id).in_(bindparam("ids", expanding=True)), _active())
    .order_by(col(Team.name))
)


class TeamRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_name(self, name: str) -> Team | None:
        query = select(Team).where(func.lower(col(Team.name)) == name.lower(), _active())
        return self._session.exec(query).first()

    def all(self) -> list[Team]:
        return list(self._session.exec(select(Team).where(_active()).order_by(col(Team.name))))

    def get(self, team_id: int) -> Team | None:
        """The team, or None once it is removed: nothing new is filed under a removed team."""
        team = self._session.get(Team, team_id)
        return team if team is not None and team.removed_at is None else None

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

    def remove_members(self, team_id: int, user_ids: Sequence[str]) -> None:
        if user_ids:
            self._session.execute(
                delete(TeamMember).where(
                    col(TeamMember.team_id) == team_id,
                    col(TeamMember.user_id).in_(list(set(user_ids))),
                )
            )

    def leave_all(self, user_id: str) -> int:
        """Takes a person off every team (they left the workspace); returns how many."""
        query = select(TeamMember).where(col(TeamMember.user_id) == user_id)
        left = len(list(self._session.exec(query)))
        self._session.execute(delete(TeamMember).where(col(TeamMember.user_id) == user_id))
        return left

    def bound_to(self, usergroup_id: str | None = None) -> list[Team]:
        """Teams that mirror a Slack user group: that one, or any when None."""
        bound = (
            col(Team.usergroup_id).is_not(None)
            if usergroup_id is None
            else col(Team.usergroup_id) == usergroup_id
        )
        query = select(Team).where(bound, _active()).order_by(col(Team.name))
        return list(self._session.exec(query))

    def members_who_left(self) -> list[str]:
        """Deactivated people still on a team: their `user_change` never arrived."""
        query = (
            select(TeamMember.user_id)
            .join(Person, col(Person.user_id) == col(TeamMember.user_id))
            .where(col(Person.deleted).is_(True))
            .distinct()
        )
        return sorted(self._session.exec(query))

    def teams_of(self, user_id: str) -> list[Team]:
        query = (
            select(Team)
            .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
            .where(col(TeamMember.user_id) == user_id, _active())
            .order_by(col(Team.name))
        )
        return list(self._session.exec(query))

    def memberships(self, user_ids: Sequence[str]) -> list[Membership]:
        """Every team of each of these people, by team name: one query for a whole kudos."""
        if not user_ids:
            return []
        core = self._session.connection()  # Core, built once: every kudos asks
        rows = core.execute(_MEMBERSHIPS, {"ids": list(set(user_ids))})
        return [Membership(str(u), int(t), c) for u, t, c in rows if t]

    def managed_by(self, user_id: str) -> list[Team]:
        query = select(Team).where(col(Team.manager_id) == user_id, _active())
        return list(self._session.exec(query))

    def supplier_ids(self, team_id: int) -> list[int]:
        query = select(TeamSupplier.supplier_team_id).where(col(TeamSupplier.team_id) == team_id)
        return list(self._session.exec(query))

    def replace_suppliers(self, team_id: int, supplier_ids: Sequence[int]) -> None:
        self._session.execute(delete(TeamSupplier).where(col(TeamSupplier.team_id) == team_id))
        for supplier_id in dict.fromkeys(supplier_ids):
            self._session.add(TeamSupplier(team_id=team_id, supplier_team_id=supplier_id))
        self._session.flush()

    def remove(self, team_id: int, now: datetime) -> None:
        """Marks the team removed and unlinks it: its members, the teams it rates and the
        teams rating it go; its row, and the per-team history that names it, stay."""
        team = self._session.get(Team, team_id)
        assert team is not None
        mark = REMOVED_MARK.format(id=team_id)
        team.name = team.name[: TEAM_NAME_LENGTH - len(mark)] + mark
        team.removed_at = team.updated_at = now
        self._session.execute(delete(TeamMember).where(col(TeamMember.team_id) == team_id))
        self._session.execute(
            delete(TeamSupplier).where(
                (col(TeamSupplier.team_id) == team_id)
                | (col(TeamSupplier.supplier_team_id) == team_id)
            )
        )
        self._session.add(team)
        self._session.flush()


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, event_id: str, kind: str, now: datetime) -> bool:
        """True the first time an event id is seen, False for every retry of it."""
        return insert_ignoring_duplicates(
            self._session, ProcessedEvent, {"event_id": event_id, "kind": kind, "received_at": now}
        )
