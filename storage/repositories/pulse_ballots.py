"""The ballot box's queries: sealed pulse ballots waiting to be counted, and what decides when.

A mixin of `PulseRepository` (reached as `uow.pulse`), kept apart so each file stays short.
It never sees a person next to a ballot: ballots hold no person, and the completeness check
only counts who is still to be sent the pulse or still has a question open.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage.models.people import Person, Team, TeamMember
from storage.models.pulse import (
    PulseAnswer,
    PulseBallot,
    PulseDelivery,
    PulseOptOut,
    PulsePending,
    ServiceRating,
)


class BallotGroup(NamedTuple):
    """Ballots waiting in the box for one week, team and question."""

    week_start: date
    team_id: int
    question_key: str
    waiting: int


class BallotQueries:
    _session: Session

    def add_ballots(self, ballots: Sequence[PulseBallot]) -> None:
        self._session.add_all(ballots)
        self._session.flush()

    def waiting_groups(self, week_starts: Sequence[date] | None = None) -> list[BallotGroup]:
        """Every group with ballots waiting, or only those of `week_starts`."""
        query = select(
            col(PulseBallot.week_start),
            col(PulseBallot.team_id),
            col(PulseBallot.question_key),
            func.count(),
        ).group_by(
            col(PulseBallot.week_start), col(PulseBallot.team_id), col(PulseBallot.question_key)
        )
        if week_starts is not None:
            query = query.where(col(PulseBallot.week_start).in_(list(week_starts)))
        return [BallotGroup(w, int(t), str(k), int(n)) for w, t, k, n in self._session.exec(query)]

    def ballots(self, week_start: date, team_id: int, key: str) -> list[PulseBallot]:
        query = select(PulseBallot).where(
            col(PulseBallot.week_start) == week_start,
            col(PulseBallot.team_id) == team_id,
            col(PulseBallot.question_key) == key,
        )
        return list(self._session.exec(query))

    def take_ballots(self, ids: Sequence[str]) -> int:
        """Deletes these ballots; how many this transaction deleted (a concurrent count may
        have taken some first)."""
        if not ids:
            return 0
        statement = (
            delete(PulseBallot)
            .where(col(PulseBallot.id).in_(list(ids)))
            .returning(col(PulseBallot.id))
        )
        return len(self._session.execute(statement).all())

    def group_complete(self, week_start: date, team_id: int, key: str) -> bool:
        """Everyone in the team who gets the pulse has been sent this week's, and none of them
        still has `key` open: no more ballots can come for this group, barring newcomers.
        A removed team is never complete (it has no members left to say so): its late
        ballots wait for 2k of them or the week's close, never a batch of one."""
        active = select(Team.id).where(col(Team.id) == team_id, col(Team.removed_at).is_(None))
        if self._session.exec(active).first() is None:
            return False
        members = select(TeamMember.user_id).where(col(TeamMember.team_id) == team_id)
        sent = select(PulseDelivery.user_id).where(col(PulseDelivery.week_start) == week_start)
        opted_out = select(PulseOptOut.user_id)
        not_yet_sent = select(func.count()).where(
            col(Person.user_id).in_(members),
            col(Person.user_id).not_in(sent),
            col(Person.user_id).not_in(opted_out),
            col(Person.is_bot).is_(False),
            col(Person.deleted).is_(False),
        )
        still_open = select(func.count()).where(
            col(PulsePending.week_start) == week_start,
            col(PulsePending.question_key) == key,
            col(PulsePending.user_id).in_(members),
        )
        return int(self._session.exec(not_yet_sent).one()) == 0 and (
            int(self._session.exec(still_open).one()) == 0
        )

    def has_answers(self, week_start: date, team_id: int, key: str) -> bool:
        return self._any(PulseAnswer, week_start=week_start, team_id=team_id, question_key=key)

    def has_ratings(self, month: date, rating_team_id: int, rated_team_id: int) -> bool:
        rating = {"rating_team_id": rating_team_id, "rated_team_id": rated_team_id}
        return self._any(ServiceRating, month=month, **rating)

    def _any(self, model: type[PulseAnswer | ServiceRating], **equal: object) -> bool:
        query = select(model).filter_by(**equal).limit(1)
        return self._session.exec(query).first() is not None

    def write_batch(self, rows: Sequence[PulseAnswer]) -> None:
        """Writes a counted batch of one group (week, team, question) together with the
        group's earlier answers, all under fresh random ids and in one shuffled order: the
        group's rows never lie in the order their batches were counted."""
        if not rows:
            return
        first = rows[0]
        scope = (
            col(PulseAnswer.week_start) == first.week_start,
            col(PulseAnswer.team_id) == first.team_id,
            col(PulseAnswer.question_key) == first.question_key,
        )
        earlier = list(self._session.exec(select(PulseAnswer).where(*scope)))
        copies = [PulseAnswer(**{**row.model_dump(), "id": uuid.uuid4().hex}) for row in earlier]
        self._session.execute(delete(PulseAnswer).where(*scope))
        batch = [*rows, *copies]
        secrets.SystemRandom().shuffle(batch)
        for row in batch:
            self._session.add(row)
            self._session.flush()
