"""The digest's frozen weeks: who was in each team per pulse week, and results once reported.

A mixin of `DigestRepository` (reached as `uow.digest`), kept apart so each file stays short.
Nothing here ties a person to an answer: memberships are written when the pulse goes out, and
frozen results are counts per team and question.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple, Protocol

from sqlalchemy import ColumnElement, case, func, literal, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models.digest import DigestWeek, DigestWeekFigure, TeamWeekMember
from storage.models.people import Person, TeamMember
from storage.models.pulse import ClaimStatus, PulseAnswer, PulseDelivery, PulseOptOut, PulsePending
from storage.repositories._sql import dialect_insert, insert_ignoring_duplicates


class WeekMember(NamedTuple):
    week_start: date
    team_id: int
    user_id: str


class FigureRow(Protocol):
    """Whatever stores a team's figures for a week: a frozen figure, a rolled-up group."""

    @property
    def week_start(self) -> date: ...
    @property
    def team_id(self) -> int: ...
    @property
    def question_key(self) -> str: ...
    @property
    def answers(self) -> int: ...
    @property
    def score_sum(self) -> int: ...
    @property
    def promoters(self) -> int: ...
    @property
    def passives(self) -> int: ...
    @property
    def detractors(self) -> int: ...


class Figure(NamedTuple):
    """A team's answers to one question in one week: how many, their sum, eNPS categories."""

    week_start: date
    team_id: int
    question_key: str
    answers: int
    score_sum: int
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @classmethod
    def of(cls, row: FigureRow) -> Figure:
        return cls(
            row.week_start,
            row.team_id,
            row.question_key,
            row.answers,
            row.score_sum,
            row.promoters,
            row.passives,
            row.detractors,
        )


class FrozenWeek(NamedTuple):
    k: int
    salt: str
    sealed: bool = False


class QuestionComment(NamedTuple):
    team_id: int
    question_key: str
    comment: str


class TeamWeekQueries:
    _session: Session

    # -- membership per week -------------------------------------------------------------
    def freeze_members(self, week_start: date) -> None:
        """Files everyone in a team now under the week, unless they are filed already: the
        first call freezes the teams, later ones only add people new to the pulse."""
        filed = select(TeamWeekMember.user_id).where(col(TeamWeekMember.week_start) == week_start)
        current = sa_select(
            literal(week_start).label("week_start"),
            col(TeamMember.team_id),
            col(TeamMember.user_id),
        ).where(col(TeamMember.user_id).not_in(filed))
        statement = (
            dialect_insert(self._session)(TeamWeekMember)
            .from_select(["week_start", "team_id", "user_id"], current)
            .on_conflict_do_nothing()
        )
        self._session.execute(statement)

    def week_teams_of(self, user_id: str, week_start: date) -> list[int] | None:
        """The teams a person was filed under that week; None when the week has no frozen
        membership at all (a week from before it was kept)."""
        query = select(TeamWeekMember.team_id).where(
            col(TeamWeekMember.week_start) == week_start, col(TeamWeekMember.user_id) == user_id
        )
        teams = sorted(int(t) for t in self._session.exec(query))
        if teams:
            return teams
        any_row = select(TeamWeekMember.team_id).where(col(TeamWeekMember.week_start) == week_start)
        return [] if self._session.exec(any_row.limit(1)).first() is not None else None

    def week_members(self, weeks: Sequence[date]) -> list[WeekMember]:
        query = select(
            col(TeamWeekMember.week_start), col(TeamWeekMember.team_id), col(TeamWeekMember.user_id)
        ).where(col(TeamWeekMember.week_start).in_(list(weeks)))
        return [WeekMember(w, int(t), str(u)) for w, t, u in self._session.exec(query)]

    def invited_as_filed(self, weeks: Sequence[date]) -> list[tuple[int, date, int]]:
        """(team, week, people sent the pulse) by the week's frozen membership."""
        query = (
            select(
                col(TeamWeekMember.team_id),
                col(PulseDelivery.week_start),
                func.count(func.distinct(col(PulseDelivery.user_id))),
            )
            .join(
                TeamWeekMember,
                (col(TeamWeekMember.user_id) == col(PulseDelivery.user_id))
                & (col(TeamWeekMember.week_start) == col(PulseDelivery.week_start)),
            )
            .where(
                col(PulseDelivery.week_start).in_(list(weeks)),
                col(PulseDelivery.status) == ClaimStatus.SENT,
            )
            .group_by(col(TeamWeekMember.team_id), col(PulseDelivery.week_start))
        )
        return [(int(t), w, int(n)) for t, w, n in self._session.exec(query)]

    # -- live answers, counted -------------------------------------------------------------
    def figures(self, weeks: Sequence[date], enps_key: str) -> list[Figure]:
        """Answers with a score per team, week and question; eNPS categories for `enps_key`."""
        score = col(PulseAnswer.score)
        enps = col(PulseAnswer.question_key) == enps_key

        def category(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.sum(case((enps & condition, 1), else_=0))

        keys = (
            col(PulseAnswer.team_id),
            col(PulseAnswer.week_start),
            col(PulseAnswer.question_key),
        )
        query = (
            sa_select(
                *keys,
                func.count(score),
                func.coalesce(func.sum(score), 0),
                category(score >= 9),
                category((score >= 7) & (score <= 8)),
                category(score <= 6),
            )
            .where(col(PulseAnswer.week_start).in_(list(weeks)), score.is_not(None))
            .group_by(*keys)
        )
        return [
            Figure(w, int(t), str(q), int(n), int(s), int(p or 0), int(m or 0), int(d or 0))
            for t, w, q, n, s, p, m, d in self._session.execute(query)
        ]

    def comments_by_question(self, week_start: date) -> list[QuestionComment]:
        query = select(
            col(PulseAnswer.team_id), col(PulseAnswer.question_key), col(PulseAnswer.comment)
        ).where(col(PulseAnswer.week_start) == week_start, col(PulseAnswer.comment).is_not(None))
        return [QuestionComment(int(t), str(q), str(c)) for t, q, c in self._session.exec(query)]

    # -- what digests have shown ---------------------------------------------------------
    def frozen_weeks(self, weeks: Sequence[date]) -> dict[date, FrozenWeek]:
        query = select(DigestWeek).where(col(DigestWeek.week_start).in_(list(weeks)))
        return {w.week_start: FrozenWeek(w.k, w.salt, w.sealed) for w in self._session.exec(query)}

    def lock_week(self, week_start: date, new: FrozenWeek, now: datetime) -> FrozenWeek:
        """The week's record (created with `new` the first time), locked until this
        transaction ends: a second run adding to what the week shows waits for the first."""
        values = {"week_start": week_start, "k": new.k, "salt": new.salt, "frozen_at": now}
        insert_ignoring_duplicates(self._session, DigestWeek, {**values, "sealed": False})
        statement = (
            update(DigestWeek)
            .where(col(DigestWeek.week_start) == week_start)
            .values(frozen_at=now)
            .returning(col(DigestWeek.k), col(DigestWeek.salt), col(DigestWeek.sealed))
        )
        k, salt, sealed = self._session.execute(statement).one()
        return FrozenWeek(int(k), str(salt), bool(sealed))

    def seal_week(self, week_start: date) -> None:
        """Every count of the week is final and judged: what it shows is now all it will."""
        self._session.execute(
            update(DigestWeek).where(col(DigestWeek.week_start) == week_start).values(sealed=True)
        )

    def frozen_figures(self, weeks: Sequence[date]) -> list[Figure]:
        query = select(DigestWeekFigure).where(col(DigestWeekFigure.week_start).in_(list(weeks)))
        return [Figure.of(r) for r in self._session.exec(query)]

    def freeze_figures(self, figures: Sequence[Figure]) -> None:
        """Records groups a digest is about to show (under the week's lock)."""
        self._session.add_all(DigestWeekFigure(**f._asdict()) for f in figures)
        self._session.flush()

    # -- whether a week's counts may still change ------------------------------------------
    def open_groups(self, week_start: date) -> tuple[set[tuple[int, str]], set[int]]:
        """(team and question pairs someone of the team still has open, teams with someone
        still to be sent the pulse), by the week's frozen membership (teams as they stand now
        for a week without one)."""
        filed = self.weeks_with_members([week_start])
        team, user = (
            (col(TeamWeekMember.team_id), col(TeamWeekMember.user_id))
            if filed
            else (col(TeamMember.team_id), col(TeamMember.user_id))
        )
        scope = [col(TeamWeekMember.week_start) == week_start] if filed else []
        pending = (
            sa_select(team, col(PulsePending.question_key))
            .join(PulsePending, col(PulsePending.user_id) == user)
            .where(col(PulsePending.week_start) == week_start, *scope)
            .distinct()
        )
        sent = select(PulseDelivery.user_id).where(col(PulseDelivery.week_start) == week_start)
        unsent = (
            sa_select(team)
            .join(Person, col(Person.user_id) == user)
            .where(
                user.not_in(sent),
                user.not_in(select(PulseOptOut.user_id)),
                col(Person.is_bot).is_(False),
                col(Person.deleted).is_(False),
                *scope,
            )
            .distinct()
        )
        return (
            {(int(t), str(q)) for t, q in self._session.execute(pending)},
            {int(t) for (t,) in self._session.execute(unsent)},
        )

    def weeks_with_members(self, weeks: Sequence[date]) -> set[date]:
        week = col(TeamWeekMember.week_start)
        query = sa_select(week).where(week.in_(list(weeks))).distinct()
        return {w for (w,) in self._session.execute(query)}
