"""The weekly digest: its exactly-once claims, and aggregates for every team at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import case, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models.digest import DigestClaim
from storage.models.feedback import FeedbackThread, ThreadStatus
from storage.models.kudos import Kudos, KudosTeamLink, LinkRole
from storage.models.people import TeamMember
from storage.models.pulse import Attempt, ClaimStatus, PulseAnswer, PulseDelivery, ServiceRating
from storage.repositories._sql import insert_ignoring_duplicates
from storage.repositories.claims import SendClaims
from storage.repositories.kudos import created_in, kudos_between
from storage.repositories.rollups import RollupQueries
from storage.repositories.team_weeks import TeamWeekQueries


class AnswerSum(NamedTuple):
    team_id: int
    week_start: date
    question_key: str
    answers: int
    score_sum: int


class EnpsCounts(NamedTuple):
    promoters: int  # 9-10
    passives: int  # 7-8
    detractors: int  # 0-6


class TeamComment(NamedTuple):
    team_id: int
    comment: str


class InvitedCount(NamedTuple):
    team_id: int
    week_start: date
    invited: int


class WeeklyKudos(NamedTuple):
    team_id: int
    role: str  # a LinkRole
    week_index: int  # into the `starts` asked for
    kudos: int


class TeamValueCount(NamedTuple):
    team_id: int
    value_key: str
    kudos: int


class ServiceSummary(NamedTuple):
    team_id: int  # the rated team
    month: date
    ratings: int
    average: float


class Membership(NamedTuple):
    team_id: int
    user_id: str


class DigestRepository(TeamWeekQueries, RollupQueries):
    """Aggregates for every team at once: the number of statements does not grow with teams."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.claims = SendClaims(session, DigestClaim)

    # -- claims ---------------------------------------------------------------------------
    def claim(
        self,
        team_id: int,
        week_start: date,
        now: datetime,
        *,
        owner: str | None,
        alive_at: datetime | None,
    ) -> bool:
        """Claims the team-week for the run `owner`; without one it counts as abandoned at once."""
        claim = {"team_id": team_id, "week_start": week_start, "status": ClaimStatus.CLAIMED}
        claim |= {"claimed_at": now, "claimed_by": owner, "heartbeat_at": alive_at}
        return insert_ignoring_duplicates(self._session, DigestClaim, claim)

    def mark(
        self, team_id: int, week_start: date, attempt: Attempt, message_ts: str | None = None
    ) -> None:
        self._session.execute(
            update(DigestClaim)
            .where(col(DigestClaim.team_id) == team_id, col(DigestClaim.week_start) == week_start)
            .values(message_ts=message_ts, **self.claims.outcome(*attempt))
        )

    def claimed_weeks(self, week_start: date) -> set[int]:
        query = select(DigestClaim.team_id).where(col(DigestClaim.week_start) == week_start)
        return set(self._session.exec(query))

    # -- aggregates -----------------------------------------------------------------------
    def answer_sums(self, weeks: Sequence[date]) -> list[AnswerSum]:
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
            AnswerSum(int(t), w, str(q), int(n), int(s))
            for t, w, q, n, s in self._session.execute(query)
        ]

    def enps_counts(self, week_start: date, key: str) -> dict[int, EnpsCounts]:
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
            int(t): EnpsCounts(int(p or 0), int(m or 0), int(d or 0))
            for t, p, m, d in self._session.exec(query)
        }

    def comments(self, week_start: date) -> list[TeamComment]:
        query = select(col(PulseAnswer.team_id), col(PulseAnswer.comment)).where(
            col(PulseAnswer.week_start) == week_start, col(PulseAnswer.comment).is_not(None)
        )
        return [TeamComment(int(t), str(c)) for t, c in self._session.exec(query)]

    def invited(self, weeks: Sequence[date]) -> list[InvitedCount]:
        people = func.count(func.distinct(col(PulseDelivery.user_id)))
        query = (
            select(col(TeamMember.team_id), col(PulseDelivery.week_start), people)
            .join(TeamMember, col(TeamMember.user_id) == col(PulseDelivery.user_id))
            .where(
                col(PulseDelivery.week_start).in_(list(weeks)),
                col(PulseDelivery.status) == ClaimStatus.SENT,
            )
            .group_by(col(TeamMember.team_id), col(PulseDelivery.week_start))
        )
        return [InvitedCount(int(t), w, int(n)) for t, w, n in self._session.exec(query)]

    def kudos_by_week(self, starts: Sequence[datetime]) -> list[WeeklyKudos]:
        """Kudos per team and role in each of the consecutive weeks beginning at `starts`."""
        bucket = case(
            *[
                ((col(Kudos.created_at) >= start) & (col(Kudos.created_at) < end), index)
                for index, (start, end) in enumerate(
                    zip(starts, [*starts[1:], starts[-1] + timedelta(weeks=1)], strict=True)
                )
            ],
            else_=-1,
        ).label("bucket")
        kudos = func.count(func.distinct(col(Kudos.id)))
        query = (
            select(col(KudosTeamLink.team_id), col(KudosTeamLink.role), bucket, kudos)
            .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
            .where(
                col(KudosTeamLink.kudos_id).in_(kudos_between(starts[0], None)),
                *created_in(starts[0], None),
            )
            .group_by(col(KudosTeamLink.team_id), col(KudosTeamLink.role), bucket)
        )
        return [
            WeeklyKudos(int(t), str(r), int(b), int(n))
            for t, r, b, n in self._session.exec(query)
            if b >= 0
        ]

    def values_received(self, since: datetime, until: datetime) -> list[TeamValueCount]:
        kudos = func.count(func.distinct(col(Kudos.id)))
        query = (
            select(col(KudosTeamLink.team_id), col(Kudos.value_key), kudos)
            .join(Kudos, col(Kudos.id) == col(KudosTeamLink.kudos_id))
            .where(
                col(KudosTeamLink.role) == LinkRole.RECEIVER,
                col(Kudos.value_key).is_not(None),
                col(KudosTeamLink.kudos_id).in_(kudos_between(since, until)),
                *created_in(since, until),
            )
            .group_by(col(KudosTeamLink.team_id), col(Kudos.value_key))
            .order_by(col(KudosTeamLink.team_id), col(Kudos.value_key))  # ties: the same order
        )
        return [TeamValueCount(int(t), str(v), int(n)) for t, v, n in self._session.exec(query)]

    def service_summary(self, months: Sequence[date]) -> list[ServiceSummary]:
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
        return [
            ServiceSummary(int(t), m, int(n), float(a)) for t, m, n, a in self._session.exec(query)
        ]

    def service_comments(self, month: date) -> list[TeamComment]:
        query = select(col(ServiceRating.rated_team_id), col(ServiceRating.comment)).where(
            col(ServiceRating.month) == month, col(ServiceRating.comment).is_not(None)
        )
        return [TeamComment(int(t), str(c)) for t, c in self._session.exec(query)]

    def memberships(self) -> list[Membership]:
        query = sa_select(col(TeamMember.team_id), col(TeamMember.user_id))
        return [Membership._make(row) for row in self._session.connection().execute(query).all()]

    def feedback_by_recipient(self, since: date) -> list[tuple[int, str, str, bool, int, int]]:
        """(team, recipient, status, delivered, threads, of them new since `since`): a digest
        counts only what its reader has received (engagement.anonymity)."""
        thread = FeedbackThread
        keys = (col(thread.team_id), col(thread.manager_id), col(thread.status))
        new = func.sum(case((col(thread.created_on) >= since, 1), else_=0))
        query = sa_select(*keys, col(thread.delivered), func.count(), new).group_by(
            *keys, col(thread.delivered)
        )
        return [
            (int(t), str(m), str(s), bool(d), int(n), int(w or 0))
            for t, m, s, d, n, w in self._session.execute(query)
        ]

    def waiting_by_recipient(self) -> list[tuple[int, str, str, date, bool]]:
        """Open threads, oldest first: (team, recipient, thread id, created on, delivered)."""
        thread = FeedbackThread
        query = (
            sa_select(
                col(thread.team_id),
                col(thread.manager_id),
                col(thread.id),
                col(thread.created_on),
                col(thread.delivered),
            )
            .where(col(thread.status) == ThreadStatus.OPEN)
            .order_by(col(thread.created_on), col(thread.id))
        )
        return [
            (int(t), str(m), str(i), c, bool(d)) for t, m, i, c, d in self._session.execute(query)
        ]
