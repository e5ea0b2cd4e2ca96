"""The weekly pulse: the question bank, exactly-once delivery, anonymous answers and ratings
(the ballot box's queries are in `pulse_ballots.py`)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, NamedTuple

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from storage.models.people import Person, TeamMember
from storage.models.pulse import (
    Attempt,
    ClaimStatus,
    PulseAnswer,
    PulseDelivery,
    PulseOptOut,
    PulsePending,
    PulseQuestion,
    PulseWeek,
    ServiceRating,
)
from storage.repositories._sql import delete_by_key, insert_ignoring_duplicates
from storage.repositories.claims import SendClaims
from storage.repositories.pulse_ballots import BallotQueries


class PersonWeek(NamedTuple):
    user_id: str
    week_start: date


class QuestionScore(NamedTuple):
    question_key: str
    score: int


class AnswerCount(NamedTuple):
    team_id: int
    question_key: str
    answered: int
    skipped: int


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


class PulseRepository(BallotQueries):
    def __init__(self, session: Session) -> None:
        self._session = session
        self.claims = SendClaims(session, PulseDelivery)

    # -- questions and weeks ------------------------------------------------------------
    def seed_questions(self, rows: Sequence[dict[str, object]]) -> None:
        for row in rows:
            insert_ignoring_duplicates(self._session, PulseQuestion, dict(row))

    def questions(self, *, include_retired: bool = False) -> list[PulseQuestion]:
        query = select(PulseQuestion).order_by(col(PulseQuestion.key))
        if not include_retired:
            query = query.where(col(PulseQuestion.retired).is_(False))
        return list(self._session.exec(query))

    def questions_with_keys(self, keys: Sequence[str]) -> list[PulseQuestion]:
        """These questions, retired ones too (a week keeps the questions it was planned with)."""
        if not keys:
            return []
        return list(
            self._session.exec(select(PulseQuestion).where(col(PulseQuestion.key).in_(keys)))
        )

    def question(self, key: str) -> PulseQuestion | None:
        return self._session.get(PulseQuestion, key)

    def add_question(self, question: PulseQuestion) -> None:
        self.save_question(question)

    def save_question(self, question: PulseQuestion) -> None:
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

    def planned_keys(self, week_start: date) -> list[str] | None:
        """The week's questions if some caller has fixed them already."""
        query = select(PulseWeek.question_keys).where(col(PulseWeek.week_start) == week_start)
        keys = self._session.exec(query).first()
        return None if keys is None else list(keys)

    def week_plan(self, week_start: date, keys: Sequence[str]) -> list[str]:
        """The week's questions: the first caller fixes them, every later caller reads them."""
        insert_ignoring_duplicates(
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

    def delivered_ids(self, week_starts: Sequence[date]) -> set[PersonWeek]:
        if not week_starts:
            return set()
        query = select(col(PulseDelivery.user_id), col(PulseDelivery.week_start)).where(
            col(PulseDelivery.week_start).in_(list(set(week_starts)))
        )
        return {PersonWeek(user_id, week) for user_id, week in self._session.exec(query)}

    def claim(
        self,
        user_id: str,
        week_start: date,
        keys: Sequence[str],
        now: datetime,
        *,
        owner: str | None = None,
        alive_at: datetime | None = None,
    ) -> bool:
        """Claims the person-week for the run `owner` and writes their pending questions;
        False if already claimed. Without an owner the claim counts as abandoned at once."""
        claimed = insert_ignoring_duplicates(
            self._session,
            PulseDelivery,
            {
                "user_id": user_id,
                "week_start": week_start,
                "status": ClaimStatus.CLAIMED,
                "claimed_at": now,
                "reminded": False,
                "claimed_by": owner,
                "heartbeat_at": alive_at,
            },
        )
        if claimed:
            for key in keys:
                self._session.add(
                    PulsePending(user_id=user_id, week_start=week_start, question_key=key)
                )
            self._session.flush()
        return claimed

    def give_up_closed(self, closed_before: date) -> int:
        """Retries of weeks that have closed fail for good; their questions were never asked."""
        given_up = self.claims.give_up(closed_before)
        for delivery in given_up:
            self._forget_pending(delivery.user_id, delivery.week_start)
        return len(given_up)

    def delivery(self, user_id: str, week_start: date) -> PulseDelivery | None:
        query = select(PulseDelivery).where(
            col(PulseDelivery.user_id) == user_id, col(PulseDelivery.week_start) == week_start
        )
        return self._session.exec(query).first()

    def mark_delivery(
        self,
        user_id: str,
        week_start: date,
        attempt: Attempt,
        sent_as: tuple[str, str] | None = None,
    ) -> None:
        """Records how sending went (`sent_as`: the DM's channel and ts); a retry keeps the
        pending questions for the next attempt."""
        channel_id, message_ts = sent_as or (None, None)
        self._session.execute(
            update(PulseDelivery)
            .where(
                col(PulseDelivery.user_id) == user_id, col(PulseDelivery.week_start) == week_start
            )
            .values(
                channel_id=channel_id,
                message_ts=message_ts,
                **self.claims.outcome(*attempt),
            )
        )
        if attempt.status == ClaimStatus.FAILED:  # never asked, so never counted as not answering
            self._forget_pending(user_id, week_start)

    def _forget_pending(self, user_id: str, week_start: date) -> None:
        self._session.execute(
            delete(PulsePending).where(
                col(PulsePending.user_id) == user_id, col(PulsePending.week_start) == week_start
            )
        )

    def forget_person(self, user_id: str) -> int:
        """Someone left the workspace: their unanswered questions go (never counted as not
        answering, never reminded) and sends not yet made fail for good. Returns the rows gone."""
        gone = self._session.execute(
            delete(PulsePending)
            .where(col(PulsePending.user_id) == user_id)
            .returning(col(PulsePending.question_key))
        ).all()
        self._session.execute(
            update(PulseDelivery)
            .where(
                col(PulseDelivery.user_id) == user_id,
                col(PulseDelivery.status) == ClaimStatus.RETRY,
            )
            .values(status=ClaimStatus.FAILED, error="deactivated", retry_at=None)
        )
        return len(gone)

    def forget_open_questions(self, user_ids: Sequence[str]) -> int:
        """People left in no team (theirs was removed): their unanswered questions go, so no
        reminder asks them about a team that is gone. Returns the rows gone."""
        if not user_ids:
            return 0
        statement = (
            delete(PulsePending)
            .where(col(PulsePending.user_id).in_(list(set(user_ids))))
            .returning(col(PulsePending.question_key))
        )
        return len(self._session.execute(statement).all())

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

    def add_service_ratings(self, rows: Sequence[ServiceRating], *, mix_with: int) -> None:
        if rows:
            _insert_mixed(
                self._session,
                ServiceRating,
                rows,
                col(ServiceRating.month) == rows[0].month,
                mix_with,
            )

    # -- results ----------------------------------------------------------------------------
    def answer_counts(self, week_start: date) -> list[AnswerCount]:
        """Answered and skipped per team and question, for participation figures."""
        answered = func.count(col(PulseAnswer.score)).label("answered")
        total = func.count().label("total")
        query = (
            select(col(PulseAnswer.team_id), col(PulseAnswer.question_key), answered, total)
            .where(col(PulseAnswer.week_start) == week_start)
            .group_by(col(PulseAnswer.team_id), col(PulseAnswer.question_key))
        )
        return [
            AnswerCount(int(t), str(q), int(a), int(n) - int(a))
            for t, q, a, n in self._session.exec(query)
        ]

    def invited_counts(self, week_start: date) -> dict[int, int]:
        query = (
            select(col(TeamMember.team_id), func.count(func.distinct(col(PulseDelivery.user_id))))
            .join(TeamMember, col(TeamMember.user_id) == col(PulseDelivery.user_id))
            .where(
                col(PulseDelivery.week_start) == week_start,
                col(PulseDelivery.status) == ClaimStatus.SENT,
            )
            .group_by(col(TeamMember.team_id))
        )
        return {int(team): int(n) for team, n in self._session.exec(query)}

    def scores(self, team_id: int, week_start: date) -> list[QuestionScore]:
        query = select(col(PulseAnswer.question_key), col(PulseAnswer.score)).where(
            col(PulseAnswer.team_id) == team_id,
            col(PulseAnswer.week_start) == week_start,
            col(PulseAnswer.score).is_not(None),
        )
        return [
            QuestionScore(str(key), int(score or 0)) for key, score in self._session.exec(query)
        ]

    # -- reminders and opting out -----------------------------------------------------------
    def reminder_candidates(
        self, sent_before: datetime, weeks: Sequence[date]
    ) -> list[PulseDelivery]:
        pending = select(PulsePending.user_id).where(
            col(PulsePending.week_start) == col(PulseDelivery.week_start)
        )
        query = select(PulseDelivery).where(
            col(PulseDelivery.status) == ClaimStatus.SENT,
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
        """Kept to the day: nothing in storage records the moment a person acted."""
        day = datetime.combine(now.date(), time(0), now.tzinfo)
        return insert_ignoring_duplicates(
            self._session, PulseOptOut, {"user_id": user_id, "since": day}
        )

    def opt_in(self, user_id: str) -> bool:
        return delete_by_key(self._session, PulseOptOut, user_id)

    def deliveries_count(self, user_id: str) -> int:
        query = (
            select(func.count())
            .select_from(PulseDelivery)
            .where(
                col(PulseDelivery.user_id) == user_id,
                col(PulseDelivery.status) == ClaimStatus.SENT,
            )
        )
        return int(self._session.exec(query).one())

    def is_opted_out(self, user_id: str) -> bool:
        return self._session.get(PulseOptOut, user_id) is not None
