"""What a person is asked in a given week: the week's plan from the bank, plus, once a month,
the teams that serve theirs. The plan is fixed the first time a week is needed, so everyone,
on any instance, is asked the same questions."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime

from engagement.directory import language_of
from engagement.periods import week_number
from engagement.pulse_bank import Driver, Scale, is_enps_week, week_questions
from engagement.pulse_model import PulseInvite, QuestionInfo
from engagement.service_ratings import describe_rating, parse_service_key, service_questions
from storage.models import PulseQuestion
from storage.unit_of_work import UnitOfWork

_BANK_FIELDS = {field.name for field in fields(QuestionInfo)}


def question_info(question: PulseQuestion) -> QuestionInfo:
    """A stored question as the bank's type: the row has the same columns (and a few more),
    with the driver and the scale back as enums."""
    stored = question.model_dump(include=_BANK_FIELDS)
    return QuestionInfo(
        **{**stored, "driver": Driver(question.driver), "scale": Scale(question.scale)}
    )


def plan_week(uow: UnitOfWork, week_start: date) -> tuple[QuestionInfo, ...]:
    """The week's questions, fixed the first time they are needed, the same for everyone.

    Every pulse click redraws the DM from here, so a week already planned reads its plan
    and only its few questions, not the whole bank twice."""
    keys = uow.pulse.planned_keys(week_start)
    if keys is None:
        active = [question_info(q) for q in uow.pulse.questions()]
        number, enps = week_number(week_start), is_enps_week(week_start)
        chosen = week_questions(number, active, include_enps=enps)
        keys = uow.pulse.week_plan(week_start, [q.key for q in chosen])
    questions = {q.key: q for q in uow.pulse.questions_with_keys(keys)}
    return tuple(question_info(questions[key]) for key in keys if key in questions)


def person_questions(
    uow: UnitOfWork, user_id: str, week_start: date, now: datetime
) -> tuple[QuestionInfo, ...]:
    return (*plan_week(uow, week_start), *service_questions(uow, user_id, week_start, now))


def describe_question(uow: UnitOfWork, key: str) -> QuestionInfo | None:
    teams = parse_service_key(key)
    if teams is not None:
        return describe_rating(uow, teams)
    question = uow.pulse.question(key)
    return question_info(question) if question else None


def invite_as_it_stands(
    uow: UnitOfWork, user_id: str, week_start: date, now: datetime
) -> PulseInvite:
    """The person's pulse with what they have answered so far, in their cached language:
    for redrawing the DM after a click, a reminder, or a send resumed after a crash."""
    questions = person_questions(uow, user_id, week_start, now)
    settings = uow.settings.snapshot().settings  # for the DM's language and wording only
    pending = set(uow.pulse.pending_keys(user_id, week_start))
    return PulseInvite(
        user_id,
        language_of(uow.people.get(user_id), settings.default_language),
        week_start,
        questions,
        answered_keys=tuple(q.key for q in questions if q.key not in pending),
        anonymity_k=settings.anonymity_k,
    )
