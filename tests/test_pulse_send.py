"""Sending the weekly pulse: who is due when, exactly once, in their language, and reminders."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from bot.adapters.pulse_messenger import SlackPulseMessenger
from engagement.periods import (
    closed_before,
    closes_at,
    due_week,
    month_of,
    open_weeks,
    recent_weeks,
    week_number,
)
from engagement.pulse import ensure_bank
from engagement.pulse_model import PulseInvite
from engagement.pulse_questions import person_questions
from engagement.reports import Outcome, RunReport, Tally
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import (
    ANA,
    EMMA,
    LUIS,
    NOAH,
    TUESDAY,
    WEEK,
    click_score,
    make_team,
    pulses_to,
    question_keys,
    run,
)


@pytest.mark.parametrize(
    ("tz", "moment", "expected"),
    [
        ("Europe/Madrid", datetime(2026, 11, 24, 9, 0, tzinfo=UTC), date(2026, 11, 23)),  # 10:00
        ("Europe/Madrid", datetime(2026, 11, 24, 8, 59, tzinfo=UTC), None),
        ("America/Los_Angeles", datetime(2026, 11, 24, 9, 0, tzinfo=UTC), None),  # 01:00 local
        ("America/Los_Angeles", datetime(2026, 11, 24, 18, 0, tzinfo=UTC), date(2026, 11, 23)),
        # Sunday night still belongs to the week; Monday morning is a new week, before pulse day
        ("Europe/Madrid", datetime(2026, 11, 29, 22, 0, tzinfo=UTC), date(2026, 11, 23)),
        ("Europe/Madrid", datetime(2026, 11, 29, 23, 30, tzinfo=UTC), None),
        # daylight saving ended on 1 November in Los Angeles: 10:00 moved from 17:00 to 18:00 UTC
        ("America/Los_Angeles", datetime(2026, 10, 27, 17, 0, tzinfo=UTC), date(2026, 10, 26)),
        ("America/Los_Angeles", datetime(2026, 11, 3, 17, 0, tzinfo=UTC), None),
        ("America/Los_Angeles", datetime(2026, 11, 3, 18, 0, tzinfo=UTC), date(2026, 11, 2)),
    ],
)
def test_a_pulse_is_due_from_pulse_day_and_hour_in_the_persons_own_time(
    tz: str, moment: datetime, expected: date | None
) -> None:
    assert due_week(ZoneInfo(tz), moment, weekday=1, hour=10) == expected


@pytest.mark.parametrize(
    ("now", "still_open"),
    [
        (datetime(2026, 11, 24, 12, tzinfo=UTC), [date(2026, 11, 23)]),
        # last week closes on Monday at 14:00 UTC: the end of Sunday in the earliest zone
        (datetime(2026, 11, 23, 13, 59, tzinfo=UTC), [date(2026, 11, 23), date(2026, 11, 16)]),
        (datetime(2026, 11, 23, 14, 0, tzinfo=UTC), [date(2026, 11, 23)]),
    ],
)
def test_a_week_stays_open_until_sunday_has_ended_everywhere(
    now: datetime, still_open: list[date]
) -> None:
    assert open_weeks(now) == still_open
    assert set(still_open) <= set(recent_weeks(now))
    for week in recent_weeks(now):
        assert (week < closed_before(now)) == (now >= closes_at(week))


def test_weeks_and_months_are_numbered_the_same_everywhere() -> None:
    assert week_number(date(2024, 1, 1)) == 0
    assert week_number(date(2026, 11, 23)) - week_number(date(2026, 11, 16)) == 1
    assert month_of(date(2026, 12, 7)) == date(2026, 12, 1)


def test_a_tally_counts_from_many_threads_and_says_each_note_once() -> None:
    tally = Tally()
    for outcome in (Outcome.SENT, Outcome.SENT, Outcome.FAILED):
        tally.count(outcome)
    tally.note("resumed")
    tally.note("resumed")
    assert tally.report() == RunReport(sent=2, skipped=0, failed=1, notes=("resumed",))


def test_the_job_reaches_madrid_in_the_morning_and_los_angeles_later(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, NOAH])
    run(app, "pulse", TUESDAY.replace(hour=9, minute=15))
    assert len(pulses_to(app, LUIS)) == 1
    assert pulses_to(app, NOAH) == []
    run(app, "pulse", TUESDAY.replace(hour=18, minute=15))
    assert len(pulses_to(app, NOAH)) == 1
    assert len(pulses_to(app, LUIS)) == 1


def test_running_the_job_twice_sends_nothing_twice(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, ANA])
    first = run(app, "pulse", TUESDAY.replace(hour=20))
    second = run(app, "pulse", TUESDAY.replace(hour=20, minute=15))
    assert first.startswith("pulse: sent 2")
    assert second.startswith("pulse: sent 0")
    assert len(pulses_to(app, LUIS)) == 1


def test_everyone_gets_the_same_questions_in_their_own_language(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [spanish] = pulses_to(app, LUIS)
    [english] = pulses_to(app, NOAH)
    assert question_keys(spanish) == question_keys(english)
    assert len(question_keys(english)) >= 3
    assert "Tu pulso semanal" in json.dumps(spanish, ensure_ascii=False)
    assert "Your weekly pulse" in json.dumps(english)


def test_one_reminder_goes_two_days_later_to_those_who_have_not_answered(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    for key in question_keys(message):
        click_score(app, NOAH, message, key, 3)
    assert run(app, "reminders", TUESDAY.replace(hour=21) + timedelta(days=1)).startswith(
        "reminders: sent 0"
    )
    assert run(app, "reminders", TUESDAY.replace(hour=21) + timedelta(days=2)).startswith(
        "reminders: sent 1"
    )
    run(app, "reminders", TUESDAY.replace(hour=22) + timedelta(days=3))
    assert len(pulses_to(app, LUIS)) == 2
    assert "recordatorio" in json.dumps(pulses_to(app, LUIS)[-1], ensure_ascii=False)
    assert len(pulses_to(app, NOAH)) == 1


def test_a_dm_slack_refuses_is_recorded_and_not_retried(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    app.fake.fail_next("chat.postMessage", status=200, error="user_disabled")
    report = run(app, "pulse", TUESDAY.replace(hour=20))
    assert "failed 1" in report
    assert "sent 0" in run(app, "pulse", TUESDAY.replace(hour=20, minute=15))


def test_a_claim_left_by_a_dead_run_is_sent_once_by_the_next_run(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, NOAH])
    claimed_at = TUESDAY.replace(hour=20)
    last_beat = datetime.now(UTC) - timedelta(minutes=1)  # the run died a minute ago
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
        for user_id in (LUIS, NOAH):
            keys = [q.key for q in person_questions(uow, user_id, WEEK, claimed_at)]
            uow.pulse.claim(user_id, WEEK, keys, claimed_at, owner="dead-run", alive_at=last_beat)
        noah_questions = person_questions(uow, NOAH, WEEK, claimed_at)
    # Noah's DM went out just before the crash; Luis's never did.
    client = WebClient(base_url=app.fake.api_url, token=app.fake.bot_token)
    SlackPulseMessenger(client).send_pulse(PulseInvite(NOAH, "en", WEEK, noah_questions))
    report = run(app, "pulse", claimed_at + timedelta(minutes=1))
    assert report.startswith("pulse: sent 1"), (report, app.fake.dm_messages(NOAH))
    assert "resumed a pulse claimed by a run that died" in report
    assert len(pulses_to(app, LUIS)) == 1
    assert len(pulses_to(app, NOAH)) == 1
    assert run(app, "pulse", claimed_at + timedelta(minutes=30)).startswith("pulse: sent 0")
    with app.database.unit_of_work() as uow:
        statuses = {uow.pulse.delivery(u, WEEK).status for u in (LUIS, NOAH)}  # type: ignore[union-attr]
    assert statuses == {"sent"}
