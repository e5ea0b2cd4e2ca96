"""Queries over the tables, grouped by aggregate. Callers own the transaction (see UnitOfWork)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import (
    Admin,
    DigestClaim,
    FeedbackDailyCount,
    FeedbackMessage,
    FeedbackThread,
    Kudos,
    KudosReceiver,
    KudosTeamLink,
    Person,
    ProcessedEvent,
    PulseAnswer,
    PulseDelivery,
    PulseOptOut,
    PulsePending,
    PulseQuestion,
    PulseWeek,
    ServiceRating,
    ServiceValue,
    Team,
    TeamMember,
    TeamSupplier,
    WorkspaceSettings,
)


def _dialect_insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _insert_ignoring_duplicates(session: Session, table: type, values: dict[str, object]) -> bool:
    """INSERT that reports False instead of failing when the row's key exists already.

    The unique key is the exactly-once guard: two instances racing to record the same thing
    both succeed at the SQL level, and exactly one of them learns that it was first.
    """
    insert = _dialect_insert(session)
    key_column = next(iter(table.__table__.primary_key.columns))  # type: ignore[attr-defined]
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(key_column)
    return session.execute(statement).first() is not None


def _insert_mixed(
    session: Session, model: Any, rows: Sequence[Any], scope: Any, mix_with: int
) -> None:
    """Stores new anonymous rows among `mix_with` older rows of the same period, rewritten
    with them in shuffled order under fresh random ids.

    Storage order would otherwise follow answer order (PostgreSQL's heap, `pg_dump`), and
    answer order follows send order closely enough to guess who answered what.
    """
    new_ids = [row.id for row in rows]
    older = list(
        session.exec(
            select(model)
            .where(scope, col(model.id).not_in(new_ids))
            .order_by(func.random())
            .limit(mix_with)
        )
    )
    copies = [model(**{**row.model_dump(), "id": uuid.uuid4().hex}) for row in older]
    for row in older:
        session.delete(row)
    session.flush()
    batch = [*rows, *copies]
    secrets.SystemRandom().shuffle(batch)
    for row in batch:
        session.add(row)
        session.flush()


def _kudos_between(since: datetime, until: datetime | None) -> Any:
    """Kudos ids of a period. Filtering team links by this subquery lets the database start
    from the created_at index instead of reading every link of the whole history (measured by
    bench/digest_scale.py: 8.7 s to under 1 s on SQLite with a year of data)."""
    query = select(Kudos.id).where(
        col(Kudos.created_at) >= since, col(Kudos.withdrawn_at).is_(None)
    )
    if until is not None:
        query = query.where(col(Kudos.created_at) < until)
    return query


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self) -> WorkspaceSettings:
        settings = self._session.get(WorkspaceSettings, 1)
        if settings is None:  # only possible if someone deleted the row by hand
            settings = WorkspaceSettings(id=1)
            self._session.add(settings)
            self._session.flush()
        return settings

    def values(self, *, include_retired: bool = False) -> list[ServiceValue]:
        query = select(ServiceValue).order_by(col(ServiceValue.position), col(ServiceValue.key))
        if not include_retired:
            query = query.where(col(ServiceValue.retired).is_(False))
        return list(self._session.exec(query))


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
        statement = _dialect_insert(self._session)(Person).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["user_id"],
            set_={key: value for key, value in values.items() if key != "user_id"},
        )
        self._session.execute(statement)
        stored = self._session.get(Person, person.user_id, populate_existing=True)
        assert stored is not None
        return stored

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

    def member_counts(self) -> dict[int, int]:
        query = select(col(TeamMember.team_id), func.count()).group_by(col(TeamMember.team_id))
        return {team_id: count for team_id, count in self._session.execute(query)}

    def replace_members(self, team_id: int, user_ids: Sequence[str]) -> None:
        self._session.execute(delete(TeamMember).where(col(TeamMember.team_id) == team_id))
        for user_id in dict.fromkeys(user_ids):
            self._session.add(TeamMember(team_id=team_id, user_id=user_id))
        self._session.flush()

    def teams_of(self, user_id: str) -> list[Team]:
        query = (
            select(Team)
            .join(TeamMember, col(TeamMember.team_id) == col(Team.id))
            .where(col(TeamMember.user_id) == user_id)
            .order_by(col(Team.name))
        )
        return list(self._session.exec(query))

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


class AdminRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def is_admin(self, user_id: str) -> bool:
        return self._session.get(Admin, user_id) is not None

    def all_ids(self) -> list[str]:
        return sorted(self._session.exec(select(Admin.user_id)))

    def add(self, user_id: str, now: datetime) -> bool:
        return _insert_ignoring_duplicates(
            self._session, Admin, {"user_id": user_id, "added_at": now}
        )

    def remove(self, user_id: str) -> bool:
        admin = self._session.get(Admin, user_id)
        if admin is None:
            return False
        self._session.delete(admin)
        self._session.flush()
        return True


class EventRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, event_id: str, kind: str, now: datetime) -> bool:
        """True the first time an event id is seen, False for every retry of it."""
        return _insert_ignoring_duplicates(
            self._session, ProcessedEvent, {"event_id": event_id, "kind": kind, "received_at": now}
        )


class KudosRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_source_key(self, source_key: str) -> Kudos | None:
        return self._session.exec(select(Kudos).where(col(Kudos.source_key) == source_key)).first()

    def get(self, kudos_id: int) -> Kudos | None:
        return self._session.get(Kudos, kudos_id)

    def receiver_ids(self, kudos_id: int) -> list[str]:
        query = (
            select(KudosReceiver.receiver_id)
            .where(col(KudosReceiver.kudos_id) == kudos_id)
            .order_by(col(KudosReceiver.id))
        )
        return list(self._session.exec(query))

    def insert(
        self,
        values: dict[str, object],
        receiver_ids: Sequence[str],
        team_links: Sequence[tuple[int, str, str]],
    ) -> int | None:
        """Inserts the kudos with its receivers and team links; None when its source exists.

        The unique source key decides, inside the database, which of two racing deliveries
        of the same Slack action is the real one.
        """
        insert = _dialect_insert(self._session)
        statement = insert(Kudos).values(**values).on_conflict_do_nothing().returning(col(Kudos.id))
        kudos_id = self._session.execute(statement).scalar()
        if kudos_id is None:
            return None
        for receiver_id in receiver_ids:
            self._session.add(KudosReceiver(kudos_id=kudos_id, receiver_id=receiver_id))
        for team_id, role, user_id in team_links:
            self._session.add(
                KudosTeamLink(kudos_id=kudos_id, team_id=team_id, role=role, user_id=user_id)
            )
        self._session.flush()
        return int(kudos_id)

    def units_given_since(self, giver_id: str, since: datetime) -> int:
        query = select(func.coalesce(func.sum(Kudos.limit_units), 0)).where(
            col(Kudos.giver_id) == giver_id,
            col(Kudos.created_at) >= since,
            col(Kudos.withdrawn_at).is_(None),
        )
        return int(self._session.exec(query).one())

    def count_received(self, user_id: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(KudosReceiver)
            .join(Kudos, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(
                col(KudosReceiver.receiver_id) == user_id,
                col(Kudos.created_at) >= since,
                col(Kudos.withdrawn_at).is_(None),
            )
        )
        return int(self._session.exec(query).one())

    def count_given(self, user_id: str, since: datetime) -> int:
        query = (
            select(func.count())
            .select_from(Kudos)
            .where(
                col(Kudos.giver_id) == user_id,
                col(Kudos.created_at) >= since,
                col(Kudos.withdrawn_at).is_(None),
            )
        )
        return int(self._session.exec(query).one())

    def top_values_received(
        self, user_id: str, since: datetime, limit: int = 3
    ) -> list[tuple[str, int]]:
        count = func.count().label("n")
        query = (
            select(col(Kudos.value_key), count)
            .join(KudosReceiver, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(
                col(KudosReceiver.receiver_id) == user_id,
                col(Kudos.created_at) >= since,
                col(Kudos.withdrawn_at).is_(None),
                col(Kudos.value_key).is_not(None),
            )
            .group_by(col(Kudos.value_key))
            .order_by(count.desc(), col(Kudos.value_key))
            .limit(limit)
        )
        return [(str(key), int(n)) for key, n in self._session.exec(query)]

    def recent_received(self, user_id: str, limit: int = 10) -> list[Kudos]:
        query = (
            select(Kudos)
            .join(KudosReceiver, col(Kudos.id) == col(KudosReceiver.kudos_id))
            .where(col(KudosReceiver.receiver_id) == user_id, col(Kudos.withdrawn_at).is_(None))
            .order_by(col(Kudos.created_at).desc(), col(Kudos.id).desc())
            .limit(limit)
        )
        return list(self._session.exec(query))

    def most_thanked_by_team(self, since: datetime) -> list[tuple[str, str, int]]:
        """(team name, receiver, kudos received since) for receivers linked to each team."""
        count = func.count(func.distinct(col(Kudos.id))).label("n")
        query = (
            select(col(Team.name), col(KudosTeamLink.user_id), count)
            .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
            .join(Team, col(Team.id) == col(KudosTeamLink.team_id))
            .where(
                col(KudosTeamLink.role) == "receiver",
                col(Kudos.created_at) >= since,
                col(Kudos.withdrawn_at).is_(None),
            )
            .group_by(col(Team.name), col(KudosTeamLink.user_id))
            .order_by(col(Team.name), count.desc(), col(KudosTeamLink.user_id))
        )
        return [(str(team), str(user), int(n)) for team, user, n in self._session.exec(query)]

    def team_flows(
        self, since: datetime, until: datetime | None = None
    ) -> list[tuple[int, int, int]]:
        """(giving team, receiving team, kudos) in a period: the internal-service map."""
        giver = aliased(KudosTeamLink)
        receiver = aliased(KudosTeamLink)
        count = func.count(func.distinct(col(giver.kudos_id))).label("n")
        query = (
            select(col(giver.team_id), col(receiver.team_id), count)
            .join(receiver, col(receiver.kudos_id) == col(giver.kudos_id))
            .where(
                col(giver.kudos_id).in_(_kudos_between(since, until)),
                col(giver.role) == "giver",
                col(receiver.role) == "receiver",
                col(giver.team_id) != col(receiver.team_id),
            )
            .group_by(col(giver.team_id), col(receiver.team_id))
        )
        return [(int(a), int(b), int(n)) for a, b, n in self._session.exec(query)]

    def withdraw(self, kudos: Kudos, now: datetime) -> None:
        kudos.withdrawn_at = now
        self._session.add(kudos)
        self._session.flush()

    def record_celebration(self, kudos_id: int, channel_id: str, ts: str) -> None:
        kudos = self._session.get(Kudos, kudos_id)
        if kudos is not None:
            kudos.celebration_channel = channel_id
            kudos.celebration_ts = ts
            self._session.add(kudos)
            self._session.flush()


class PulseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- questions and weeks ------------------------------------------------------------
    def seed_questions(self, rows: Sequence[dict[str, object]]) -> None:
        for row in rows:
            _insert_ignoring_duplicates(self._session, PulseQuestion, dict(row))

    def questions(self, *, include_retired: bool = False) -> list[PulseQuestion]:
        query = select(PulseQuestion).order_by(col(PulseQuestion.key))
        if not include_retired:
            query = query.where(col(PulseQuestion.retired).is_(False))
        return list(self._session.exec(query))

    def question(self, key: str) -> PulseQuestion | None:
        return self._session.get(PulseQuestion, key)

    def add_question(self, question: PulseQuestion) -> None:
        self._session.add(question)
        self._session.flush()

    def claim_shuffle(self, closed_before: date) -> list[date]:
        """Closed weeks whose answers are not yet reshuffled, claimed by this run only."""
        statement = (
            update(PulseWeek)
            .where(col(PulseWeek.week_start) < closed_before, col(PulseWeek.shuffled).is_(False))
            .values(shuffled=True)
            .returning(col(PulseWeek.week_start))
        )
        return [row[0] for row in self._session.execute(statement)]

    def reshuffle(self, week_start: date) -> int:
        """Rewrites a week's answers under fresh random ids in random order: once the week is
        closed, nothing of the order in which people answered is left in storage."""
        rows = list(
            self._session.exec(select(PulseAnswer).where(col(PulseAnswer.week_start) == week_start))
        )
        copies = [PulseAnswer(**{**row.model_dump(), "id": uuid.uuid4().hex}) for row in rows]
        self._session.execute(delete(PulseAnswer).where(col(PulseAnswer.week_start) == week_start))
        secrets.SystemRandom().shuffle(copies)
        self._session.add_all(copies)
        self._session.flush()
        return len(copies)

    def week_plan(self, week_start: date, keys: Sequence[str]) -> list[str]:
        """The week's questions: the first caller fixes them, every later caller reads them."""
        _insert_ignoring_duplicates(
            self._session, PulseWeek, {"week_start": week_start, "question_keys": list(keys)}
        )
        plan = self._session.get(PulseWeek, week_start, populate_existing=True)
        assert plan is not None
        return list(plan.question_keys)

    # -- who gets it ----------------------------------------------------------------------
    def audience(self) -> list[Person]:
        """Active people in at least one team who have not opted out."""
        members = select(TeamMember.user_id)
        opted_out = select(PulseOptOut.user_id)
        query = (
            select(Person)
            .where(
                col(Person.user_id).in_(members),
                col(Person.user_id).not_in(opted_out),
                col(Person.is_bot).is_(False),
                col(Person.deleted).is_(False),
            )
            .order_by(col(Person.user_id))
        )
        return list(self._session.exec(query))

    def delivered_ids(self, week_starts: Sequence[date]) -> set[tuple[str, date]]:
        if not week_starts:
            return set()
        query = select(col(PulseDelivery.user_id), col(PulseDelivery.week_start)).where(
            col(PulseDelivery.week_start).in_(list(set(week_starts)))
        )
        return {(user_id, week) for user_id, week in self._session.exec(query)}

    def claim(self, user_id: str, week_start: date, keys: Sequence[str], now: datetime) -> bool:
        """Claims the person-week and writes their pending questions; False if already claimed."""
        claimed = _insert_ignoring_duplicates(
            self._session,
            PulseDelivery,
            {
                "user_id": user_id,
                "week_start": week_start,
                "status": "claimed",
                "claimed_at": now,
                "reminded": False,
            },
        )
        if claimed:
            for key in keys:
                self._session.add(
                    PulsePending(user_id=user_id, week_start=week_start, question_key=key)
                )
            self._session.flush()
        return claimed

    def reclaim_stale(self, older_than: datetime, now: datetime) -> list[PulseDelivery]:
        """Claims left 'claimed' by a crash, taken over by this run (and only this one)."""
        statement = (
            update(PulseDelivery)
            .where(
                col(PulseDelivery.status) == "claimed", col(PulseDelivery.claimed_at) < older_than
            )
            .values(claimed_at=now)
            .returning(col(PulseDelivery.id))
        )
        ids = [row[0] for row in self._session.execute(statement)]
        if not ids:
            return []
        return list(self._session.exec(select(PulseDelivery).where(col(PulseDelivery.id).in_(ids))))

    def delivery(self, user_id: str, week_start: date) -> PulseDelivery | None:
        query = select(PulseDelivery).where(
            col(PulseDelivery.user_id) == user_id, col(PulseDelivery.week_start) == week_start
        )
        return self._session.exec(query).first()

    def mark_delivery(
        self,
        user_id: str,
        week_start: date,
        *,
        status: str,
        channel_id: str | None = None,
        message_ts: str | None = None,
        error: str | None = None,
    ) -> None:
        delivery = self.delivery(user_id, week_start)
        if delivery is None:
            return
        delivery.status, delivery.channel_id, delivery.message_ts = status, channel_id, message_ts
        delivery.error = error
        self._session.add(delivery)
        if status == "failed":  # never asked, so never counted as not answering
            self._session.execute(
                delete(PulsePending).where(
                    col(PulsePending.user_id) == user_id, col(PulsePending.week_start) == week_start
                )
            )
        self._session.flush()

    # -- answering --------------------------------------------------------------------------
    def pending_keys(self, user_id: str, week_start: date) -> list[str]:
        query = select(PulsePending.question_key).where(
            col(PulsePending.user_id) == user_id, col(PulsePending.week_start) == week_start
        )
        return sorted(self._session.exec(query))

    def take_pending(self, user_id: str, week_start: date, key: str) -> bool:
        """Deletes the pending row; True only for the one request that deleted it."""
        statement = (
            delete(PulsePending)
            .where(
                col(PulsePending.user_id) == user_id,
                col(PulsePending.week_start) == week_start,
                col(PulsePending.question_key) == key,
            )
            .returning(col(PulsePending.question_key))
        )
        return self._session.execute(statement).first() is not None

    def add_answers(self, rows: Sequence[PulseAnswer], *, mix_with: int) -> None:
        if rows:
            _insert_mixed(
                self._session,
                PulseAnswer,
                rows,
                col(PulseAnswer.week_start) == rows[0].week_start,
                mix_with,
            )

    def add_service_ratings(self, rows: Sequence[ServiceRating], *, mix_with: int) -> None:
        if rows:
            _insert_mixed(
                self._session,
                ServiceRating,
                rows,
                col(ServiceRating.month) == rows[0].month,
                mix_with,
            )

    def service_scores(self, rated_team_id: int, month: date) -> list[tuple[int, int, str | None]]:
        """(rating team, score, comment) for the month; read only through the k-guarded service."""
        query = select(
            col(ServiceRating.rating_team_id), col(ServiceRating.score), col(ServiceRating.comment)
        ).where(
            col(ServiceRating.rated_team_id) == rated_team_id, col(ServiceRating.month) == month
        )
        return [(int(t), int(score), comment) for t, score, comment in self._session.exec(query)]

    def answer_counts(self, week_start: date) -> list[tuple[int, str, int, int]]:
        """(team, question, answered, skipped) for the week, for participation figures."""
        answered = func.count(col(PulseAnswer.score)).label("answered")
        total = func.count().label("total")
        query = (
            select(col(PulseAnswer.team_id), col(PulseAnswer.question_key), answered, total)
            .where(col(PulseAnswer.week_start) == week_start)
            .group_by(col(PulseAnswer.team_id), col(PulseAnswer.question_key))
        )
        return [
            (int(t), str(q), int(a), int(n) - int(a)) for t, q, a, n in self._session.exec(query)
        ]

    def invited_counts(self, week_start: date) -> dict[int, int]:
        query = (
            select(col(TeamMember.team_id), func.count(func.distinct(col(PulseDelivery.user_id))))
            .join(TeamMember, col(TeamMember.user_id) == col(PulseDelivery.user_id))
            .where(col(PulseDelivery.week_start) == week_start, col(PulseDelivery.status) == "sent")
            .group_by(col(TeamMember.team_id))
        )
        return {int(team): int(n) for team, n in self._session.exec(query)}

    def scores(self, team_id: int, week_start: date) -> list[tuple[str, int]]:
        query = select(col(PulseAnswer.question_key), col(PulseAnswer.score)).where(
            col(PulseAnswer.team_id) == team_id,
            col(PulseAnswer.week_start) == week_start,
            col(PulseAnswer.score).is_not(None),
        )
        return [(str(key), int(score or 0)) for key, score in self._session.exec(query)]

    # -- reminders and opting out -----------------------------------------------------------
    def reminder_candidates(
        self, sent_before: datetime, weeks: Sequence[date]
    ) -> list[PulseDelivery]:
        pending = select(PulsePending.user_id).where(
            col(PulsePending.week_start) == col(PulseDelivery.week_start)
        )
        query = select(PulseDelivery).where(
            col(PulseDelivery.status) == "sent",
            col(PulseDelivery.reminded).is_(False),
            col(PulseDelivery.claimed_at) <= sent_before,
            col(PulseDelivery.week_start).in_(list(weeks)),
            col(PulseDelivery.user_id).in_(pending.correlate(PulseDelivery)),
        )
        return list(self._session.exec(query))

    def claim_reminder(self, delivery_id: int) -> bool:
        statement = (
            update(PulseDelivery)
            .where(col(PulseDelivery.id) == delivery_id, col(PulseDelivery.reminded).is_(False))
            .values(reminded=True)
            .returning(col(PulseDelivery.id))
        )
        return self._session.execute(statement).first() is not None

    def opt_out(self, user_id: str, now: datetime) -> bool:
        return _insert_ignoring_duplicates(
            self._session, PulseOptOut, {"user_id": user_id, "since": now}
        )

    def opt_in(self, user_id: str) -> bool:
        row = self._session.get(PulseOptOut, user_id)
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True

    def deliveries_count(self, user_id: str) -> int:
        query = (
            select(func.count())
            .select_from(PulseDelivery)
            .where(col(PulseDelivery.user_id) == user_id, col(PulseDelivery.status) == "sent")
        )
        return int(self._session.exec(query).one())

    def is_opted_out(self, user_id: str) -> bool:
        return self._session.get(PulseOptOut, user_id) is not None


class FeedbackRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def create_thread(self, values: dict[str, object]) -> bool:
        return _insert_ignoring_duplicates(self._session, FeedbackThread, values)

    def by_source_key(self, source_key: str) -> FeedbackThread | None:
        query = select(FeedbackThread).where(col(FeedbackThread.source_key) == source_key)
        return self._session.exec(query).first()

    def get(self, thread_id: str) -> FeedbackThread | None:
        return self._session.get(FeedbackThread, thread_id, populate_existing=True)

    def save(self, thread: FeedbackThread) -> None:
        self._session.add(thread)
        self._session.flush()

    def add_message(
        self, thread_id: str, author: str, text: str, source_key: str, day: date
    ) -> bool:
        return _insert_ignoring_duplicates(
            self._session,
            FeedbackMessage,
            {
                "thread_id": thread_id,
                "author": author,
                "text": text,
                "source_key": source_key,
                "created_on": day,
            },
        )

    def first_text(self, thread_id: str) -> str:
        query = (
            select(FeedbackMessage.text)
            .where(col(FeedbackMessage.thread_id) == thread_id)
            .order_by(col(FeedbackMessage.id))
        )
        return self._session.exec(query).first() or ""

    def for_manager(self, user_id: str) -> list[FeedbackThread]:
        query = select(FeedbackThread).where(
            col(FeedbackThread.manager_id) == user_id, col(FeedbackThread.status) != "resolved"
        )
        return list(self._session.exec(query.order_by(col(FeedbackThread.created_on))))

    def with_tokens(self) -> list[FeedbackThread]:
        query = select(FeedbackThread).where(col(FeedbackThread.writer_token).is_not(None))
        return list(self._session.exec(query))

    def undelivered(self, due_by: datetime) -> list[FeedbackThread]:
        query = select(FeedbackThread).where(
            col(FeedbackThread.delivered).is_(False),
            col(FeedbackThread.deliver_after).is_not(None),
            col(FeedbackThread.deliver_after) <= due_by,
        )
        return list(self._session.exec(query))

    def open_for_team(self, team_id: int) -> list[FeedbackThread]:
        query = select(FeedbackThread).where(
            col(FeedbackThread.team_id) == team_id, col(FeedbackThread.status) != "resolved"
        )
        return list(self._session.exec(query))

    def forget_writers(self, resolved_before: date) -> int:
        statement = (
            update(FeedbackThread)
            .where(
                col(FeedbackThread.status) == "resolved",
                col(FeedbackThread.resolved_on) < resolved_before,
                col(FeedbackThread.writer_token).is_not(None),
            )
            .values(writer_token=None)
            .returning(col(FeedbackThread.id))
        )
        return len(self._session.execute(statement).all())

    def flagged_count(self) -> int:
        query = (
            select(func.count())
            .select_from(FeedbackThread)
            .where(col(FeedbackThread.flagged).is_(True))
        )
        return int(self._session.exec(query).one())

    def count_today(self, writer_key: str, day: date) -> int:
        row = self._session.get(FeedbackDailyCount, writer_key)
        return row.count if row is not None and row.day == day else 0

    def bump_today(self, writer_key: str, day: date) -> None:
        """Old days' rows are deleted as they are touched: yesterday's keys mean nothing today."""
        self._session.execute(delete(FeedbackDailyCount).where(col(FeedbackDailyCount.day) < day))
        insert = _dialect_insert(self._session)
        statement = insert(FeedbackDailyCount).values(writer_key=writer_key, day=day, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["writer_key"], set_={"count": FeedbackDailyCount.count + 1}
        )
        self._session.execute(statement)


class DigestRepository:
    """Aggregates for every team at once: the number of statements does not grow with teams."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- claims ---------------------------------------------------------------------------
    def claim(self, team_id: int, week_start: date, now: datetime) -> bool:
        return _insert_ignoring_duplicates(
            self._session,
            DigestClaim,
            {"team_id": team_id, "week_start": week_start, "status": "claimed", "claimed_at": now},
        )

    def reclaim_stale(self, older_than: datetime, now: datetime) -> list[tuple[int, date]]:
        statement = (
            update(DigestClaim)
            .where(col(DigestClaim.status) == "claimed", col(DigestClaim.claimed_at) < older_than)
            .values(claimed_at=now)
            .returning(col(DigestClaim.team_id), col(DigestClaim.week_start))
        )
        return [(int(team), week) for team, week in self._session.execute(statement)]

    def mark(self, team_id: int, week_start: date, status: str, message_ts: str | None) -> None:
        self._session.execute(
            update(DigestClaim)
            .where(col(DigestClaim.team_id) == team_id, col(DigestClaim.week_start) == week_start)
            .values(status=status, message_ts=message_ts)
        )

    def claimed_weeks(self, week_start: date) -> set[int]:
        query = select(DigestClaim.team_id).where(col(DigestClaim.week_start) == week_start)
        return set(self._session.exec(query))

    # -- aggregates -----------------------------------------------------------------------
    def answer_sums(self, weeks: Sequence[date]) -> list[tuple[int, date, str, int, int]]:
        """(team, week, question, answers, sum of scores) over the given weeks."""
        query = (
            sa_select(
                col(PulseAnswer.team_id),
                col(PulseAnswer.week_start),
                col(PulseAnswer.question_key),
                func.count(col(PulseAnswer.score)),
                func.coalesce(func.sum(col(PulseAnswer.score)), 0),
            )
            .where(
                col(PulseAnswer.week_start).in_(list(weeks)), col(PulseAnswer.score).is_not(None)
            )
            .group_by(
                col(PulseAnswer.team_id), col(PulseAnswer.week_start), col(PulseAnswer.question_key)
            )
        )
        return [
            (int(t), w, str(q), int(n), int(s)) for t, w, q, n, s in self._session.execute(query)
        ]

    def enps_counts(self, week_start: date, key: str) -> dict[int, tuple[int, int, int]]:
        """(promoters 9-10, passives 7-8, detractors 0-6) per team."""
        score = col(PulseAnswer.score)
        query = (
            select(
                col(PulseAnswer.team_id),
                func.sum(case((score >= 9, 1), else_=0)),
                func.sum(case(((score >= 7) & (score <= 8), 1), else_=0)),
                func.sum(case((score <= 6, 1), else_=0)),
            )
            .where(
                col(PulseAnswer.week_start) == week_start,
                col(PulseAnswer.question_key) == key,
                score.is_not(None),
            )
            .group_by(col(PulseAnswer.team_id))
        )
        return {
            int(t): (int(p or 0), int(m or 0), int(d or 0))
            for t, p, m, d in self._session.exec(query)
        }

    def comments(self, week_start: date) -> list[tuple[int, str]]:
        query = select(col(PulseAnswer.team_id), col(PulseAnswer.comment)).where(
            col(PulseAnswer.week_start) == week_start, col(PulseAnswer.comment).is_not(None)
        )
        return [(int(t), str(c)) for t, c in self._session.exec(query)]

    def invited(self, weeks: Sequence[date]) -> list[tuple[int, date, int]]:
        query = (
            select(
                col(TeamMember.team_id),
                col(PulseDelivery.week_start),
                func.count(func.distinct(col(PulseDelivery.user_id))),
            )
            .join(TeamMember, col(TeamMember.user_id) == col(PulseDelivery.user_id))
            .where(
                col(PulseDelivery.week_start).in_(list(weeks)), col(PulseDelivery.status) == "sent"
            )
            .group_by(col(TeamMember.team_id), col(PulseDelivery.week_start))
        )
        return [(int(t), w, int(n)) for t, w, n in self._session.exec(query)]

    def kudos_by_week(self, starts: Sequence[datetime]) -> list[tuple[int, str, int, int]]:
        """(team, role, week index into `starts`, kudos) for consecutive week starts."""
        bucket = case(
            *[
                ((col(Kudos.created_at) >= start) & (col(Kudos.created_at) < end), index)
                for index, (start, end) in enumerate(
                    zip(starts, [*starts[1:], starts[-1] + (starts[-1] - starts[-2])], strict=True)
                )
            ],
            else_=-1,
        ).label("bucket")
        query = (
            select(
                col(KudosTeamLink.team_id),
                col(KudosTeamLink.role),
                bucket,
                func.count(func.distinct(col(Kudos.id))),
            )
            .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
            .where(col(KudosTeamLink.kudos_id).in_(_kudos_between(starts[0], None)))
            .group_by(col(KudosTeamLink.team_id), col(KudosTeamLink.role), bucket)
        )
        return [
            (int(t), str(r), int(b), int(n)) for t, r, b, n in self._session.exec(query) if b >= 0
        ]

    def values_received(self, since: datetime, until: datetime) -> list[tuple[int, str, int]]:
        query = (
            select(
                col(KudosTeamLink.team_id),
                col(Kudos.value_key),
                func.count(func.distinct(col(Kudos.id))),
            )
            .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
            .where(
                col(KudosTeamLink.kudos_id).in_(_kudos_between(since, until)),
                col(KudosTeamLink.role) == "receiver",
                col(Kudos.value_key).is_not(None),
            )
            .group_by(col(KudosTeamLink.team_id), col(Kudos.value_key))
        )
        return [(int(t), str(v), int(n)) for t, v, n in self._session.exec(query)]

    def service_summary(self, months: Sequence[date]) -> list[tuple[int, date, int, float]]:
        query = (
            select(
                col(ServiceRating.rated_team_id),
                col(ServiceRating.month),
                func.count(),
                func.avg(col(ServiceRating.score)),
            )
            .where(col(ServiceRating.month).in_(list(months)))
            .group_by(col(ServiceRating.rated_team_id), col(ServiceRating.month))
        )
        return [(int(t), m, int(n), float(a)) for t, m, n, a in self._session.exec(query)]

    def service_comments(self, month: date) -> list[tuple[int, str]]:
        query = select(col(ServiceRating.rated_team_id), col(ServiceRating.comment)).where(
            col(ServiceRating.month) == month, col(ServiceRating.comment).is_not(None)
        )
        return [(int(t), str(c)) for t, c in self._session.exec(query)]

    def feedback_counts(self, since: date) -> list[tuple[int, str, int, int]]:
        """(team, status, threads, of them new since `since`)."""
        new = func.sum(case((col(FeedbackThread.created_on) >= since, 1), else_=0))
        query = select(
            col(FeedbackThread.team_id), col(FeedbackThread.status), func.count(), new
        ).group_by(col(FeedbackThread.team_id), col(FeedbackThread.status))
        return [(int(t), str(s), int(n), int(m or 0)) for t, s, n, m in self._session.exec(query)]

    def oldest_open(self) -> list[tuple[int, str, date]]:
        query = (
            select(
                col(FeedbackThread.team_id), col(FeedbackThread.id), col(FeedbackThread.created_on)
            )
            .where(col(FeedbackThread.status) == "open", col(FeedbackThread.delivered).is_(True))
            .order_by(col(FeedbackThread.created_on))
        )
        return [(int(t), str(i), d) for t, i, d in self._session.exec(query)]

    def memberships(self) -> list[tuple[int, str]]:
        return [
            (int(t), str(u))
            for t, u in self._session.exec(select(col(TeamMember.team_id), col(TeamMember.user_id)))
        ]
