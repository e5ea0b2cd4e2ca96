"""Weekly pulse: who is due, what they are asked, and how answers are kept anonymous.

Sending is claimed per person-week in the database before anything reaches Slack, so a job
run twice, or on two instances, sends nothing twice. Answers are stored without a person and
without a time finer than the week. A click deletes the person's pending row and drops a
sealed ballot in the box in one transaction; answers are written in plaintext only later, a
shuffled batch at a time (`pulse_ballots`), so no transaction in storage history links a
person to an answer. A closed week is rewritten once in random order.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, replace
from datetime import date, datetime

from engagement.clock import Clock
from engagement.directory import ensure_person, is_targetable, language_of
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.local_time import zone_of
from engagement.people import PeopleService
from engagement.periods import closed_before, closes_at, due_week, recent_weeks
from engagement.ports import PulseMessenger, Transactions
from engagement.pulse_ballots import (
    Answer,
    BatchRaced,
    Group,
    cast,
    count_at_close,
    count_if_ready,
    waiting,
)
from engagement.pulse_bank import DEFAULT_BANK
from engagement.pulse_delivery import Owed, PulseDelivery
from engagement.pulse_model import (
    COMMENT_MAX,
    AnswerOutcome,
    Participation,
    QuestionInfo,
    WeekClosed,
)
from engagement.pulse_questions import describe_question, invite_as_it_stands
from engagement.reports import RunReport, Tally
from engagement.sealing import Sealer
from engagement.service_ratings import suppliers_of
from engagement.team_weeks import freeze_membership
from engagement.teams_model import TeamRef
from storage.unit_of_work import UnitOfWork

SEND_WORKERS = 4

logger = logging.getLogger(__name__)


def ensure_bank(uow: UnitOfWork) -> None:
    """Adds default questions that are missing; never revives a retired one."""
    uow.pulse.seed_questions(
        [
            {
                **asdict(q),
                "driver": q.driver.value,
                "scale": q.scale.value,
                "custom": False,
                "retired": False,
            }
            for q in DEFAULT_BANK
        ]
    )


def clean_answer(
    question: QuestionInfo | None, score: int | None, comment: str | None
) -> str | None:
    """The comment as stored (trimmed, None when empty), once the answer fits its question."""
    if question is None:
        raise DomainError("pulse.errors.unknown_question")
    if score is not None and score not in question.scores:
        raise DomainError("pulse.errors.bad_score", field="score")
    text = (comment or "").strip() or None
    if text and len(text) > COMMENT_MAX:
        raise DomainError(
            "pulse.errors.comment_too_long", field="comment", max=COMMENT_MAX, length=len(text)
        )
    return text


def record_answer(
    uow: UnitOfWork, sealer: Sealer, answer: Answer, now: datetime
) -> list[Group] | None:
    """Stores one answer (or a skip, `score=None`) exactly once, as sealed ballots: the pending
    row's delete decides, in the same transaction. The groups it went into when this call
    stored it, None when an earlier click had."""
    if now >= closes_at(answer.week_start):
        raise WeekClosed()
    text = clean_answer(describe_question(uow, answer.key), answer.score, answer.comment)
    if not uow.pulse.take_pending(answer.user_id, answer.week_start, answer.key):
        return None
    return cast(uow, sealer, replace(answer, comment=text))


def participation(uow: UnitOfWork, week_start: date) -> list[Participation]:
    """Counts only: how many were asked and how many answered, per team."""
    invited = uow.pulse.invited_counts(week_start)
    took_part = waiting(uow, week_start)  # ballots not yet counted: answered or skipped
    for team_id, key, count, _skipped in uow.pulse.answer_counts(week_start):
        took_part[(team_id, key)] = took_part.get((team_id, key), 0) + count
    answered: dict[int, int] = {}
    for (team_id, _key), count in took_part.items():
        answered[team_id] = max(answered.get(team_id, 0), count)
    return [
        Participation(team.name, invited.get(team.id, 0), answered.get(team.id, 0))
        for team in uow.teams.all()
        if team.id is not None
    ]


class PulseService:
    """Sends the pulse, records answers and opt-outs; every Slack call after its transaction."""

    def __init__(
        self,
        store: Transactions,
        people: PeopleService,
        messenger: PulseMessenger,
        clock: Clock,
        *,
        send_workers: int = SEND_WORKERS,
        sealer: Sealer | None = None,
    ) -> None:
        """`sealer` is None when APLAUSO_SECRET_KEY is not set: answers are then refused
        politely (a ballot cannot be sealed) and waiting ballots stay uncounted."""
        self._store = store
        self._people = people
        self._clock = clock
        self._sealer = sealer
        self._delivery = PulseDelivery(store, messenger, workers=send_workers)

    # -- the jobs -----------------------------------------------------------------------
    def send_due(self, now: datetime) -> RunReport:
        """Everyone owed this week's pulse at `now` in their own time zone gets it, once."""
        with self._store.unit_of_work() as uow:
            ensure_bank(uow)
            settings = uow.settings.get()
            due = [
                (p, due_week(zone_of(p), now, settings.pulse_weekday, settings.pulse_hour))
                for p in uow.pulse.audience()
                if is_targetable(p)
            ]
            already = uow.pulse.delivered_ids([week for _, week in due if week is not None])
            owed = [
                Owed(
                    p.user_id,
                    language_of(p, settings.default_language),
                    week,
                    settings.anonymity_k,
                )
                for p, week in due
                if week is not None and (p.user_id, week) not in already and now < closes_at(week)
            ]
            freeze_membership(uow, {o.week_start for o in owed})  # the teams its answers go to
        tally = Tally()
        self._delivery.send(owed, now, tally)
        return tally.report()

    def send_reminders(self, now: datetime) -> RunReport:
        tally = Tally()
        self._delivery.remind(now, tally)
        return tally.report()

    def close_weeks(self, now: datetime) -> int:
        """Counts the ballots the rules allow (every group of a closed week), then rewrites each
        closed week's answers once in random order. Returns the rows rewritten."""
        self.count_ballots(now)
        with self._store.unit_of_work() as uow:
            weeks = uow.pulse.claim_shuffle(closed_before(now))
            return sum(uow.pulse.reshuffle(week) for week in weeks)

    def count_ballots(self, now: datetime) -> int:
        """Every waiting group: counted when ready, or in full once its week has closed (a
        pending row dropped by an opt-out or a failed send can complete a group too)."""
        if self._sealer is None:
            return 0
        with self._store.unit_of_work() as uow:
            groups = [
                Group(g.week_start, g.team_id, g.question_key) for g in uow.pulse.waiting_groups()
            ]
        closed = closed_before(now)
        return sum(self._count(group, at_close=group.week_start < closed) for group in groups)

    def _count(self, group: Group, *, at_close: bool = False) -> int:
        """One group's count in its own transaction; a count that raced another run is rolled
        back whole and left to the next click or job."""
        assert self._sealer is not None
        try:
            with self._store.unit_of_work() as uow:
                k = uow.settings.get().anonymity_k
                if not at_close:
                    return count_if_ready(uow, self._sealer, group, k)
                written, dropped = count_at_close(uow, self._sealer, group, k)
        except BatchRaced:
            return 0
        if dropped:
            logger.info("dropped %d late ballots that would have stood alone", dropped)
        return written

    # -- a person's clicks --------------------------------------------------------------
    def answer(self, user_id: str, week: date, question_key: str, score: int) -> AnswerOutcome:
        """A score button: a second click on the same question stores nothing."""
        return self._record(user_id, week, question_key, score, None)

    def comment(
        self, user_id: str, week: date, question_key: str, score: int, comment: str | None
    ) -> AnswerOutcome:
        """The answer-and-comment modal: a comment comes with its answer, or not at all."""
        outcome = self._record(user_id, week, question_key, score, comment)
        if not outcome.recorded:
            raise DomainError("pulse.errors.already_answered", field="score")
        return outcome

    def skip_week(self, user_id: str, week: date) -> AnswerOutcome:
        """Every open question of the week is stored as skipped, which counts as taking part."""
        sealer = self._require_sealer()
        now = self._clock()
        groups: list[Group] = []
        with self._store.unit_of_work() as uow:
            if now >= closes_at(week):
                raise WeekClosed()
            recorded = False
            for key in uow.pulse.pending_keys(user_id, week):
                cast_into = record_answer(uow, sealer, Answer(user_id, week, key, None), now)
                recorded = recorded or cast_into is not None
                groups += cast_into or []
            outcome = AnswerOutcome(recorded, invite_as_it_stands(uow, user_id, week, now))
        self._count_after_click(groups)
        return outcome

    def question(self, key: str) -> QuestionInfo | None:
        with self._store.unit_of_work() as uow:
            return describe_question(uow, key)

    def opt_out(self, user_id: str) -> bool:
        """Stops the surveys; False when they were already off. The opt-out row needs the
        person, so an unseen one is looked up in Slack before the transaction."""
        profiles = self._people.prefetch([user_id])
        now = self._clock()
        with self._store.unit_of_work() as uow:
            try:
                ensure_person(uow, user_id, profiles, now)
            except DirectoryUnavailable:
                raise DomainError("errors.slack_unavailable") from None
            changed = uow.pulse.opt_out(user_id, now)
            for week in recent_weeks(now):  # this week's open questions go too: they count nowhere
                for key in uow.pulse.pending_keys(user_id, week):
                    uow.pulse.take_pending(user_id, week, key)
            return changed

    def opt_in(self, user_id: str) -> bool:
        """False when the surveys were already on."""
        with self._store.unit_of_work() as uow:
            return uow.pulse.opt_in(user_id)

    # -- reading ------------------------------------------------------------------------
    def participation(self, week: date) -> list[Participation]:
        with self._store.unit_of_work() as uow:
            return participation(uow, week)

    def suppliers(self, team_id: int) -> list[TeamRef]:
        """The teams a team rates each month (chosen, or suggested from its kudos)."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            return suppliers_of(uow, team_id, now)

    def _record(
        self, user_id: str, week: date, key: str, score: int | None, comment: str | None
    ) -> AnswerOutcome:
        sealer = self._require_sealer()
        now = self._clock()
        with self._store.unit_of_work() as uow:
            answer = Answer(user_id, week, key, score, comment)
            groups = record_answer(uow, sealer, answer, now)
            outcome = AnswerOutcome(
                groups is not None, invite_as_it_stands(uow, user_id, week, now)
            )
        self._count_after_click(groups or [])
        return outcome

    def _count_after_click(self, groups: list[Group]) -> None:
        """In transactions of their own, after the click's: a count never shares a transaction
        with a person's pending row. A failure here loses nothing; the next job counts."""
        for group in groups:
            try:
                self._count(group)
            except Exception as error:  # the click is stored; counting can wait for the job
                logger.warning("ballot count deferred: %s", type(error).__name__)

    def _require_sealer(self) -> Sealer:
        if self._sealer is None:
            raise DomainError("pulse.errors.secret_missing")
        return self._sealer
