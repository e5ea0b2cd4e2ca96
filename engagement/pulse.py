"""Weekly pulse: who is due, what they are asked, and how answers are kept anonymous.

Sending is claimed per person-week in the database before anything reaches Slack, so a job
run twice, or on two instances, sends nothing twice. Answers are stored without a person and
without a time finer than the week; results are read only through `team_results`, which
refuses groups smaller than the anonymity threshold.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from engagement.directory import is_targetable, language_of
from engagement.errors import DomainError
from engagement.local_time import local_now, monday_of
from engagement.pulse_bank import (
    DEFAULT_BANK,
    BankQuestion,
    Driver,
    Scale,
    is_enps_week,
    week_questions,
)
from storage.models import Person, PulseAnswer, PulseQuestion, ServiceRating, Team
from storage.unit_of_work import Database, UnitOfWork

QuestionInfo = BankQuestion
"""What a person is asked: bank questions and the monthly service ratings alike."""

EPOCH_MONDAY = date(2024, 1, 1)
ANSWER_MIX = 10
COMMENT_MAX = 500
CLOSE_AFTER = timedelta(days=7, hours=14)  # the end of Sunday in the earliest time zone
STALE_CLAIM = timedelta(minutes=10)
SEND_WORKERS = 4

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PulseInvite:
    """Everything a DM needs: who, in which language, which week, what to ask."""

    user_id: str
    lang: str
    week_start: date
    questions: tuple[QuestionInfo, ...]
    answered_keys: tuple[str, ...] = ()
    anonymity_k: int = 5


@dataclass(frozen=True)
class SentPulse:
    channel_id: str
    message_ts: str


class DeliveryFailedError(Exception):
    """Slack refused the DM (user gone, DMs blocked): recorded, never retried in a loop."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PulseMessenger(Protocol):
    def send_pulse(self, invite: PulseInvite) -> SentPulse: ...

    def already_sent(self, invite: PulseInvite) -> SentPulse | None:
        """The pulse Slack already shows in the person's DM for that week, if any."""

    def send_reminder(self, invite: PulseInvite) -> SentPulse: ...


@dataclass
class RunReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, outcome: str) -> None:
        """Sends run on several threads; counting goes through one lock."""
        with self._lock:
            setattr(self, outcome, getattr(self, outcome) + 1)


def question_info(question: PulseQuestion) -> QuestionInfo:
    return QuestionInfo(
        key=question.key,
        driver=Driver(question.driver),
        scale=Scale(question.scale),
        text_en=question.text_en,
        text_es=question.text_es,
        low_en=question.low_en,
        high_en=question.high_en,
        low_es=question.low_es,
        high_es=question.high_es,
    )


def ensure_bank(uow: UnitOfWork) -> None:
    """Adds default questions that are missing; never revives a retired one."""
    uow.pulse.seed_questions(
        [
            {
                "key": q.key,
                "driver": q.driver.value,
                "scale": q.scale.value,
                "text_en": q.text_en,
                "text_es": q.text_es,
                "low_en": q.low_en,
                "high_en": q.high_en,
                "low_es": q.low_es,
                "high_es": q.high_es,
                "custom": False,
                "retired": False,
            }
            for q in DEFAULT_BANK
        ]
    )


def week_number(week_start: date) -> int:
    return (week_start - EPOCH_MONDAY).days // 7


def closes_at(week_start: date) -> datetime:
    return datetime.combine(week_start, time(0), UTC) + CLOSE_AFTER


def plan_week(uow: UnitOfWork, week_start: date) -> tuple[QuestionInfo, ...]:
    """The week's questions, fixed the first time they are needed, the same for everyone."""
    active = [question_info(q) for q in uow.pulse.questions()]
    chosen = week_questions(week_number(week_start), active, include_enps=is_enps_week(week_start))
    keys = uow.pulse.week_plan(week_start, [q.key for q in chosen])
    questions = {q.key: q for q in uow.pulse.questions(include_retired=True)}
    return tuple(question_info(questions[key]) for key in keys if key in questions)


SERVICE_KEY_PREFIX = "svc_"
MAX_SUPPLIERS = 3
SUGGESTION_WINDOW = timedelta(days=90)


def service_key(rating_team_id: int, rated_team_id: int) -> str:
    return f"{SERVICE_KEY_PREFIX}{rating_team_id}_{rated_team_id}"


def parse_service_key(key: str) -> tuple[int, int] | None:
    if not key.startswith(SERVICE_KEY_PREFIX):
        return None
    try:
        rating, rated = key[len(SERVICE_KEY_PREFIX) :].split("_")
        return int(rating), int(rated)
    except ValueError:
        return None


def month_of(week_start: date) -> date:
    return week_start.replace(day=1)


def suppliers_of(uow: UnitOfWork, team_id: int, now: datetime) -> list[Team]:
    """The teams a team depends on: as its manager or an admin set them, or else suggested
    from where its people sent kudos in the last three months."""
    teams = {team.id: team for team in uow.teams.all()}
    chosen = [teams[i] for i in uow.teams.supplier_ids(team_id) if i in teams]
    if not chosen:
        flows = [
            (count, rated)
            for giving, rated, count in uow.kudos.team_flows(now - SUGGESTION_WINDOW)
            if giving == team_id and rated in teams
        ]
        chosen = [teams[rated] for _, rated in sorted(flows, key=lambda f: (-f[0], f[1]))]
    return chosen[:MAX_SUPPLIERS]


def _service_question(rating: Team, rated: Team) -> QuestionInfo:
    assert rating.id is not None
    assert rated.id is not None
    return QuestionInfo(
        key=service_key(rating.id, rated.id),
        driver=Driver.INTERNAL_SERVICE,
        scale=Scale.LIKERT,
        text_en=f"How well did {rated.name} serve {rating.name} this month?",
        text_es=f"¿Qué tan bien atendió {rated.name} a {rating.name} este mes?",
        low_en="Very poorly",
        high_en="Very well",
        low_es="Muy mal",
        high_es="Muy bien",
    )


def service_questions(
    uow: UnitOfWork, user_id: str, week_start: date, now: datetime
) -> list[QuestionInfo]:
    """Once a month (the eNPS week), each person rates the teams that serve their teams."""
    if not is_enps_week(week_start):
        return []
    questions = []
    for team in uow.teams.teams_of(user_id):
        if team.id is not None:
            questions += [_service_question(team, s) for s in suppliers_of(uow, team.id, now)]
    return questions


def person_questions(
    uow: UnitOfWork, user_id: str, week_start: date, now: datetime
) -> tuple[QuestionInfo, ...]:
    return (*plan_week(uow, week_start), *service_questions(uow, user_id, week_start, now))


def describe_question(uow: UnitOfWork, key: str) -> QuestionInfo | None:
    service = parse_service_key(key)
    if service is not None:
        rating, rated = (uow.teams.get(i) for i in service)
        return _service_question(rating, rated) if rating and rated else None
    question = uow.pulse.question(key)
    return question_info(question) if question else None


def due_week(person: Person, now: datetime, weekday: int, hour: int) -> date | None:
    """The week whose pulse the person is owed now: from the pulse day and hour in their own
    time zone until the end of their Sunday."""
    local = local_now(person, now)
    if (local.weekday(), local.hour) < (weekday, hour):
        return None
    return monday_of(local.date())


def send_due_pulses(database: Database, messenger: PulseMessenger, now: datetime) -> RunReport:
    report = RunReport()
    with database.unit_of_work() as uow:
        ensure_bank(uow)
        settings = uow.settings.get()
        audience = [p for p in uow.pulse.audience() if is_targetable(p)]
        due = [(p, due_week(p, now, settings.pulse_weekday, settings.pulse_hour)) for p in audience]
        weeks = [week for _, week in due if week is not None]
        already = uow.pulse.delivered_ids(weeks)
    owed = [
        (person, week)
        for person, week in due
        if week is not None and (person.user_id, week) not in already and now < closes_at(week)
    ]

    def send_one(person: Person, week: date) -> None:
        with database.unit_of_work() as uow:
            questions = person_questions(uow, person.user_id, week, now)
            if not questions or not uow.pulse.claim(
                person.user_id, week, [q.key for q in questions], now
            ):
                report.count("skipped")
                return
            workspace = uow.settings.get()
            lang = language_of(person, workspace.default_language)
        invite = PulseInvite(
            person.user_id, lang, week, questions, anonymity_k=workspace.anonymity_k
        )
        _deliver(database, messenger, invite, report, resend=False)

    run_bounded(owed, send_one, workers=SEND_WORKERS)
    _recover_stale_claims(database, messenger, now, report)
    return report


def run_bounded(
    items: Sequence[tuple[Person, date]],
    work: Callable[[Person, date], None],
    *,
    workers: int,
) -> None:
    """A few sends in flight at once: while one waits out a 429 or a slow round trip to Slack,
    the others keep the allowed rate used. At most `workers` items are queued, so memory
    stays flat however many people are owed a pulse."""
    slots = threading.BoundedSemaphore(workers)

    def guarded(person: Person, week: date) -> None:
        try:
            work(person, week)
        except Exception as error:  # one person's failure must not stop the others
            logger.error("pulse send failed: %s", type(error).__name__)
        finally:
            slots.release()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aplauso-pulse") as pool:
        for person, week in items:
            slots.acquire()
            pool.submit(guarded, person, week)


def _deliver(
    database: Database,
    messenger: PulseMessenger,
    invite: PulseInvite,
    report: RunReport,
    *,
    resend: bool,
) -> None:
    """Sends a claimed pulse and records the outcome. After a crash (`resend`), Slack's own
    DM history is asked first, so a pulse Slack accepted just before the crash is not sent again."""
    try:
        sent = messenger.already_sent(invite) if resend else None
        if sent is None:
            sent = messenger.send_pulse(invite)
            report.count("sent")
    except DeliveryFailedError as error:
        with database.unit_of_work() as uow:
            uow.pulse.mark_delivery(
                invite.user_id, invite.week_start, status="failed", error=error.reason[:64]
            )
        report.count("failed")
        return
    with database.unit_of_work() as uow:
        uow.pulse.mark_delivery(
            invite.user_id,
            invite.week_start,
            status="sent",
            channel_id=sent.channel_id,
            message_ts=sent.message_ts,
        )


def _recover_stale_claims(
    database: Database, messenger: PulseMessenger, now: datetime, report: RunReport
) -> None:
    with database.unit_of_work() as uow:
        stale = uow.pulse.reclaim_stale(now - STALE_CLAIM, now)
    for delivery in stale:
        with database.unit_of_work() as uow:
            person = uow.people.get(delivery.user_id)
            workspace = uow.settings.get()
            questions = person_questions(uow, delivery.user_id, delivery.week_start, now)
            pending = set(uow.pulse.pending_keys(delivery.user_id, delivery.week_start))
        invite = PulseInvite(
            delivery.user_id,
            language_of(person, workspace.default_language),
            delivery.week_start,
            questions,
            answered_keys=tuple(q.key for q in questions if q.key not in pending),
            anonymity_k=workspace.anonymity_k,
        )
        report.notes.append("resumed a pulse claimed before a crash")
        _deliver(database, messenger, invite, report, resend=True)


def reshuffle_closed_weeks(database: Database, now: datetime) -> int:
    """Each closed week's answers are rewritten once in random order (see add_answers for the
    mixing that protects the order while the week is still open)."""
    last_closed_start = (now - CLOSE_AFTER).date()  # weeks starting by then have closed
    limit = last_closed_start + timedelta(days=1)
    with database.unit_of_work() as uow:
        weeks = uow.pulse.claim_shuffle(limit)
        return sum(uow.pulse.reshuffle(week) for week in weeks)


def send_reminders(database: Database, messenger: PulseMessenger, now: datetime) -> RunReport:
    """One reminder, `reminder_delay_days` after the pulse, to whoever still has questions open."""
    report = RunReport()
    this_week = monday_of(now.date())
    open_weeks = [w for w in (this_week, this_week - timedelta(days=7)) if now < closes_at(w)]
    with database.unit_of_work() as uow:
        delay = timedelta(days=uow.settings.get().reminder_delay_days)
        candidates = uow.pulse.reminder_candidates(now - delay, open_weeks)
    for delivery in candidates:
        with database.unit_of_work() as uow:
            if delivery.id is None or not uow.pulse.claim_reminder(delivery.id):
                report.skipped += 1
                continue
            person = uow.people.get(delivery.user_id)
            if person is None or uow.pulse.is_opted_out(delivery.user_id):
                report.skipped += 1
                continue
            workspace = uow.settings.get()
            lang = language_of(person, workspace.default_language)
            questions = person_questions(uow, delivery.user_id, delivery.week_start, now)
            pending = set(uow.pulse.pending_keys(delivery.user_id, delivery.week_start))
        invite = PulseInvite(
            delivery.user_id,
            lang,
            delivery.week_start,
            questions,
            answered_keys=tuple(q.key for q in questions if q.key not in pending),
            anonymity_k=workspace.anonymity_k,
        )
        try:
            messenger.send_reminder(invite)
        except DeliveryFailedError:
            report.failed += 1
            continue
        report.sent += 1
    return report


@dataclass(frozen=True)
class AnswerOutcome:
    recorded: bool
    invite: PulseInvite


def _invite_after(
    uow: UnitOfWork, user_id: str, week_start: date, lang: str, now: datetime
) -> PulseInvite:
    questions = person_questions(uow, user_id, week_start, now)
    pending = set(uow.pulse.pending_keys(user_id, week_start))
    return PulseInvite(
        user_id,
        lang,
        week_start,
        questions,
        answered_keys=tuple(q.key for q in questions if q.key not in pending),
        anonymity_k=uow.settings.get().anonymity_k,
    )


def _anonymous_rows(
    uow: UnitOfWork,
    user_id: str,
    week_start: date,
    key: str,
    score: int | None,
    comment: str | None,
) -> list[PulseAnswer]:
    """One row per team the person is in: never the set of teams, which could single them out."""
    return [
        PulseAnswer(
            id=uuid.uuid4().hex,
            week_start=week_start,
            question_key=key,
            team_id=team.id,
            score=score,
            comment=comment,
        )
        for team in uow.teams.teams_of(user_id)
        if team.id is not None
    ]


def record_answer(
    uow: UnitOfWork,
    user_id: str,
    week_start: date,
    key: str,
    score: int | None,
    now: datetime,
    *,
    lang: str,
    comment: str | None = None,
) -> AnswerOutcome:
    """Stores one answer (or a skip, `score=None`) exactly once: the pending row's delete
    decides, in the same transaction as the insert."""
    if now >= closes_at(week_start):
        raise DomainError("pulse.errors.closed")
    question = describe_question(uow, key)
    if question is None:
        raise DomainError("pulse.errors.unknown_question")
    if score is not None and score not in question.scores:
        raise DomainError("pulse.errors.bad_score")
    text = (comment or "").strip() or None
    if text and len(text) > COMMENT_MAX:
        raise DomainError("pulse.errors.comment_too_long", max=COMMENT_MAX, length=len(text))
    recorded = uow.pulse.take_pending(user_id, week_start, key)
    service = parse_service_key(key)
    if recorded and service is not None:
        if score is not None:  # a skipped rating leaves nothing behind
            uow.pulse.add_service_ratings(
                [
                    ServiceRating(
                        id=uuid.uuid4().hex,
                        month=month_of(week_start),
                        rating_team_id=service[0],
                        rated_team_id=service[1],
                        score=score,
                        comment=text,
                    )
                ],
                mix_with=ANSWER_MIX,
            )
    elif recorded:
        uow.pulse.add_answers(
            _anonymous_rows(uow, user_id, week_start, key, score, text), mix_with=ANSWER_MIX
        )
    return AnswerOutcome(recorded, _invite_after(uow, user_id, week_start, lang, now))


def skip_week(
    uow: UnitOfWork, user_id: str, week_start: date, now: datetime, *, lang: str
) -> AnswerOutcome:
    if now >= closes_at(week_start):
        raise DomainError("pulse.errors.closed")
    recorded = False
    for key in uow.pulse.pending_keys(user_id, week_start):
        recorded = (
            record_answer(uow, user_id, week_start, key, None, now, lang=lang).recorded or recorded
        )
    return AnswerOutcome(recorded, _invite_after(uow, user_id, week_start, lang, now))


def opt_out(uow: UnitOfWork, user_id: str, now: datetime) -> bool:
    """Stops the surveys; this week's open questions go too, so they count nowhere."""
    changed = uow.pulse.opt_out(user_id, now)
    this_week = monday_of(now.date())
    for week in (this_week, this_week - timedelta(days=7)):
        for key in uow.pulse.pending_keys(user_id, week):
            uow.pulse.take_pending(user_id, week, key)
    return changed


def opt_in(uow: UnitOfWork, user_id: str) -> bool:
    return uow.pulse.opt_in(user_id)


@dataclass(frozen=True)
class Participation:
    team_name: str
    invited: int
    answered: int


def participation(uow: UnitOfWork, week_start: date) -> list[Participation]:
    """Counts only: how many were asked and how many answered, per team."""
    invited = uow.pulse.invited_counts(week_start)
    answered: dict[int, int] = {}
    for team_id, _key, count, _skipped in uow.pulse.answer_counts(week_start):
        answered[team_id] = max(answered.get(team_id, 0), count)
    return [
        Participation(team.name, invited.get(team.id, 0), answered.get(team.id, 0))
        for team in uow.teams.all()
        if team.id is not None
    ]


@dataclass(frozen=True)
class TeamResults:
    respondents: int
    averages: dict[str, float]


def team_results(uow: UnitOfWork, team_id: int, week_start: date) -> TeamResults:
    """The only way to read a team's scores; groups below k are refused, never shown."""
    k = uow.settings.get().anonymity_k
    scores = uow.pulse.scores(team_id, week_start)
    per_question: dict[str, list[int]] = {}
    for key, score in scores:
        per_question.setdefault(key, []).append(score)
    respondents = max((len(v) for v in per_question.values()), default=0)
    if respondents < k:
        raise DomainError("pulse.errors.too_few_respondents", have=respondents, need=k)
    return TeamResults(
        respondents=respondents,
        averages={key: sum(v) / len(v) for key, v in per_question.items() if len(v) >= k},
    )


@dataclass(frozen=True)
class ServiceResults:
    raters: int
    average: float
    comments: tuple[str, ...]


def service_results(uow: UnitOfWork, rated_team_id: int, month: date) -> ServiceResults:
    """How a team's internal customers rated its service; refused below k raters."""
    k = uow.settings.get().anonymity_k
    rows = uow.pulse.service_scores(rated_team_id, month)
    if len(rows) < k:
        raise DomainError("pulse.errors.too_few_respondents", have=len(rows), need=k)
    return ServiceResults(
        raters=len(rows),
        average=sum(score for _, score, _ in rows) / len(rows),
        comments=tuple(comment for _, _, comment in rows if comment),
    )
