"""Deliveries that survive Slack: each way a post fails, through the real jobs and the fake Slack.

A passing failure (a 5xx, a dropped connection, a run of 429s, an outage) is retried in the
same run or by a later one, and a post Slack took before failing is never sent twice; a refusal
is recorded, shown to admins and not retried. The command line's exit codes and a kill -9 are
in test_delivery_processes.py.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.adapters.digest_messenger import DIGEST_EVENT
from bot.adapters.pulse_messenger import PULSE_EVENT
from bot.views.digest import digest_message
from engagement.claim_heartbeat import ABANDONED_AFTER
from engagement.reports import next_attempt
from engagement.teams import TeamSpec
from sandbox.fake_slack import FakeSlack
from sandbox.fault_injection import outage
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import EMMA, LUIS, NOAH, TUESDAY, WEEK, make_team, run

POST = "chat.postMessage"
PEOPLE = ["U02ANA", "U03LUIS", "U10NOAH"]
MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # digests of the week of 23 November
IT = ["U17PABLO", "U18GRACE", "U19TOMAS"]

Fault = Callable[[FakeSlack], None]


def tagged(app: RunningApp, user_id: str, event: str) -> list[dict[str, Any]]:
    """The bot's messages in a person's DM that carry `event` metadata."""
    app.settle()
    return [
        m
        for m in app.fake.dm_messages(user_id)
        if (m.get("metadata") or {}).get("event_type") == event
    ]


def charts_under(fake: FakeSlack, user_id: str, ts: str) -> int:
    """Chart uploads in the thread of the message `ts` in a person's DM."""
    return sum(1 for m in fake.dm_messages(user_id) if m.get("files") and m.get("thread_ts") == ts)


def statuses(app: RunningApp, table: str) -> Counter[str]:
    with app.database.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"SELECT status FROM {table}")  # noqa: S608
        return Counter(str(row[0]) for row in rows)


# -- the pulse, one person, one fault --------------------------------------------------------
SAME_RUN = "pulse: sent 1, skipped 0, failed 0"
PULSE_FAULTS: dict[str, tuple[Fault, str]] = {
    "a single 502 gateway page": (lambda f: f.fail_next(POST, status=502, html=True), SAME_RUN),
    "a single 504 gateway page": (lambda f: f.fail_next(POST, status=504, html=True), SAME_RUN),
    "three 500s in a row": (lambda f: f.fail_next(POST, status=500, times=3), SAME_RUN),
    "a connection reset": (lambda f: f.reset_next(POST), SAME_RUN),
    "accepted, then answered 500": (lambda f: f.accept_then_fail_next(POST, status=500), ""),
    "accepted, then answered 502": (lambda f: f.accept_then_fail_next(POST, status=502), ""),
    "seven 429s in a row": (
        lambda f: f.fail_next(POST, status=429, retry_after=1, times=7),
        "pulse: sent 0, skipped 0, failed 1 (ratelimited (retried later) ×1)",
    ),
}


@pytest.mark.parametrize("name", list(PULSE_FAULTS))
def test_a_slack_hiccup_never_loses_nor_doubles_a_pulse(app: RunningApp, name: str) -> None:
    fault, first_expected = PULSE_FAULTS[name]
    make_team(app, "Ops", EMMA, [NOAH])
    fault(app.fake)
    first = run(app, "pulse", TUESDAY.replace(hour=20))
    second = run(app, "pulse", TUESDAY.replace(hour=20, minute=15))
    assert len(tagged(app, NOAH, PULSE_EVENT)) == 1, (first, second)
    assert first.startswith(first_expected), first
    if "failed 1" in first:
        assert second.startswith("pulse: sent 1, skipped 0, failed 0"), second
        assert "retried pulses Slack had failed to take" in second
    else:
        assert second.startswith("pulse: sent 0, skipped 0, failed 0"), second
    assert statuses(app, "pulse_deliveries") == {"sent": 1}


def test_a_post_slack_took_before_answering_5xx_is_found_not_resent(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH])
    app.fake.accept_then_fail_next(POST, status=503)
    assert run(app, "pulse", TUESDAY.replace(hour=20)).startswith(SAME_RUN)
    stored = [call for call in app.fake.calls_to(POST) if call.params.get("channel") == NOAH]
    assert len(stored) == 1  # looked in the DM's history, found it, did not post again
    assert len(app.fake.calls_to("conversations.history")) >= 1


def test_a_4_second_503_outage_delays_pulses_but_loses_none(app: RunningApp) -> None:
    """Each person's post is tried again within the run for about 3.5 s; whether the last try
    lands inside the outage depends on the machine's load, so both ends are accepted: sent in
    this run after the outage, or due again and sent by the next run. Never lost, never twice."""
    make_team(app, "Ops", EMMA, PEOPLE)
    ended = outage(app.fake._faults, POST, 4.0, status=503)
    first = run(app, "pulse", TUESDAY.replace(hour=20))
    ended.join()
    assert len([call for call in app.fake.calls_to(POST) if call.status == 503]) >= len(PEOPLE)
    with app.database.unit_of_work() as uow:
        after = [uow.pulse.delivery(person, WEEK) for person in PEOPLE]
    outcomes = Counter((d.status, d.error, d.attempts) for d in after if d is not None)
    waiting = outcomes[("retry", "http_503", 1)]
    assert outcomes == Counter({("retry", "http_503", 1): waiting, ("sent", None, 0): 3 - waiting})
    assert first.startswith(f"pulse: sent {3 - waiting}, skipped 0, failed {waiting}"), first
    assert run(app, "pulse", TUESDAY.replace(hour=20, minute=5)).startswith("pulse: sent 0")
    second = run(app, "pulse", TUESDAY.replace(hour=20, minute=15))
    assert second.startswith(f"pulse: sent {waiting}, skipped 0, failed 0"), second
    assert [len(tagged(app, person, PULSE_EVENT)) for person in PEOPLE] == [1, 1, 1]


def test_a_pulse_that_keeps_failing_is_retried_ever_more_rarely_until_its_week_closes(
    app: RunningApp,
) -> None:
    make_team(app, "Ops", EMMA, [NOAH])
    app.fake.fail_next(POST, error="internal_error", times=2)  # ok:false, not a refusal
    at = TUESDAY.replace(hour=20)
    assert "internal_error (retried later)" in run(app, "pulse", at)
    assert "internal_error (retried later)" in run(app, "pulse", at + timedelta(minutes=15))
    with app.database.unit_of_work() as uow:
        delivery = uow.pulse.delivery(NOAH, WEEK)
    assert delivery is not None
    assert delivery.attempts == 2
    assert delivery.retry_at == next_attempt(at + timedelta(minutes=15), 2)
    assert next_attempt(at, 2) - at == timedelta(minutes=20)
    assert next_attempt(at, 30) - at == timedelta(hours=6)
    assert run(app, "pulse", at + timedelta(minutes=30)).startswith("pulse: sent 0")
    assert run(app, "pulse", at + timedelta(minutes=45)).startswith("pulse: sent 1")


def test_a_retry_still_due_when_its_week_closes_fails_for_good(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH])
    app.fake.fail_next(POST, status=429, retry_after=1, times=7)
    run(app, "pulse", datetime(2026, 11, 29, 23, 50, tzinfo=UTC))  # Sunday night, LA
    run(app, "pulse", datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # the week has closed
    with app.database.unit_of_work() as uow:
        delivery = uow.pulse.delivery(NOAH, WEEK)
        assert uow.pulse.pending_keys(NOAH, WEEK) == []
    assert delivery is not None
    assert (delivery.status, delivery.error) == ("failed", "ratelimited")
    assert tagged(app, NOAH, PULSE_EVENT) == []


def test_a_refused_dm_is_recorded_reported_to_admins_and_not_retried(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    app.fake.fail_next(POST, error="cannot_dm_bot")
    first = run(app, "pulse", TUESDAY.replace(hour=20))
    assert first.startswith("pulse: sent 1, skipped 0, failed 1 (cannot_dm_bot ×1)"), first
    for later in (timedelta(minutes=15), timedelta(days=1)):
        assert run(app, "pulse", TUESDAY.replace(hour=20) + later).startswith(
            "pulse: sent 0, skipped 0, failed 0"
        )
    assert len(app.fake.calls_to(POST)) == 2  # one each; the refusal was not tried again
    with app.database.unit_of_work() as uow:
        refused = [d for d in (uow.pulse.delivery(u, WEEK) for u in (NOAH, LUIS)) if d]
    [gone] = [d for d in refused if d.status == "failed"]
    assert gone.error == "cannot_dm_bot"
    assert app.runtime.services.admin.add_admin("U01CARMEN")
    app.slack.slash_command("/aplauso", "report", user_id="U01CARMEN")
    report = str(app.visible("response_url")[-1]["blocks"])
    assert f"Pulso para <@{gone.user_id}> (semana del {WEEK.isoformat()})" in report
    assert "un bot no puede recibir mensajes directos" in report
    assert "no se reintenta" in report


# -- the digest ----------------------------------------------------------------------------
ONCE = ("digest: sent 1, skipped 0, failed 0", "digest: sent 0, skipped 0, failed 0")
DIGEST_FAULTS: dict[str, tuple[Fault, tuple[str, str]]] = {  # the fault, then both runs' lines
    "a single 502 on the post": (lambda f: f.fail_next(POST, status=502, html=True), ONCE),
    "accepted, then answered 500": (lambda f: f.accept_then_fail_next(POST, status=500), ONCE),
    "a connection reset": (lambda f: f.reset_next(POST), ONCE),
    "seven 429s on the post": (
        lambda f: f.fail_next(POST, retry_after=1, times=7),
        ("digest: sent 0, skipped 0, failed 1 (ratelimited", "digest: sent 1, skipped 0"),
    ),
    "three 502s on the chart": (  # the text is out; the retry finds it and posts the chart
        lambda f: f.fail_next("files.completeUploadExternal", status=502, times=3),
        ("digest: sent 0, skipped 0, failed 1 (chart_http_502", "digest: sent 0, skipped 0"),
    ),
}


@pytest.mark.parametrize("name", list(DIGEST_FAULTS))
def test_a_slack_hiccup_never_loses_nor_doubles_a_digest_or_its_chart(
    app: RunningApp, name: str
) -> None:
    fault, (first_expected, second_expected) = DIGEST_FAULTS[name]
    app.runtime.services.teams.set_team(TeamSpec("IT", "U16PRIYA", IT))
    fault(app.fake)
    first = run(app, "digest", MONDAY_NOON)
    second = run(app, "digest", MONDAY_NOON + timedelta(minutes=15))
    [digest] = tagged(app, "U16PRIYA", DIGEST_EVENT)
    assert charts_under(app.fake, "U16PRIYA", digest["ts"]) == 1, (first, second)
    assert first.startswith(first_expected), first
    assert second.startswith(second_expected), second
    assert ("retried digests" in second) == (first_expected != ONCE[0])
    assert statuses(app, "digest_claims") == {"sent": 1}


def test_a_digest_whose_run_died_after_its_text_gets_its_chart_at_once(app: RunningApp) -> None:
    team = app.runtime.services.teams.set_team(TeamSpec("IT", "U16PRIYA", IT)).team
    assert team.id is not None
    silent = datetime.now(UTC) - ABANDONED_AFTER - timedelta(seconds=1)
    with app.database.unit_of_work() as uow:
        uow.digest.claim(team.id, WEEK, MONDAY_NOON, owner="dead-run", alive_at=silent)
    [letter] = app.runtime.services.digest.letters(WEEK)
    text, blocks = digest_message(letter.data, letter.lang, letter.values)
    metadata = {"event_type": DIGEST_EVENT, "event_payload": {"team": "IT", "week": "2026-11-23"}}
    app.runtime.client.chat_postMessage(
        channel="U16PRIYA", text=text, blocks=blocks, metadata=metadata
    )  # ...and the run died before the chart
    report = run(app, "digest", MONDAY_NOON + timedelta(minutes=1))
    assert report.startswith("digest: sent 0, skipped 0, failed 0"), report
    assert "resumed a digest claimed by a run that died" in report
    [digest] = tagged(app, "U16PRIYA", DIGEST_EVENT)
    assert charts_under(app.fake, "U16PRIYA", digest["ts"]) == 1
    assert statuses(app, "digest_claims") == {"sent": 1}


def test_a_live_runs_claim_is_left_alone(app: RunningApp) -> None:
    team = app.runtime.services.teams.set_team(TeamSpec("IT", "U16PRIYA", IT)).team
    assert team.id is not None
    with app.database.unit_of_work() as uow:
        uow.digest.claim(team.id, WEEK, MONDAY_NOON, owner="live", alive_at=datetime.now(UTC))
    stop = threading.Event()

    def beat() -> None:  # another run, alive and still sending
        while not stop.wait(0.5):
            with app.database.unit_of_work() as uow:
                uow.digest.claims.beat("live", datetime.now(UTC))

    beating = threading.Thread(target=beat)
    beating.start()
    try:
        started = time.monotonic()
        report = run(app, "digest", MONDAY_NOON + timedelta(minutes=1))
        waited = time.monotonic() - started
    finally:
        stop.set()
        beating.join()
    assert report.startswith("digest: sent 0, skipped 0, failed 0"), report
    assert tagged(app, "U16PRIYA", DIGEST_EVENT) == []
    assert waited < ABANDONED_AFTER.total_seconds()  # it saw the other run beat, and left


# -- both jobs at once, many faults ------------------------------------------------------------
TEAMS = [
    TeamSpec("IT", "U16PRIYA", ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH"]),
    TeamSpec("Sales", "U01CARMEN", ["U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO"]),
    TeamSpec("Logistics", "U01CARMEN", ["U06OLIVIA", "U07SOFIA", "U08JAMES", "U09JAVIER"]),
    TeamSpec("Support", "U11LUCIA", ["U10NOAH", "U12LIAM", "U13VALEN", "U14ETHAN"]),
    TeamSpec("Legal", "U22ISABEL", ["U23DANIEL", "U24CHLOE", "U25MATEO", "U21RAUL"]),
    TeamSpec("People", "U15MARTA", ["U01CARMEN", "U16PRIYA", "U11LUCIA", "U22ISABEL"]),
]
BOTH_DUE = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # pulses of 30 Nov, digests of 23 Nov


def faults_at_a_rate(fake: FakeSlack, rate: float, calls: int, seed: int) -> Counter[str]:
    """The next `calls` calls to each method fail at `rate`, each in one of Slack's ways."""
    ways: list[tuple[str, Fault]] = [
        ("502", lambda f: f.fail_next(POST, status=502, html=True)),
        ("504", lambda f: f.fail_next(POST, status=504, html=True)),
        ("500", lambda f: f.fail_next(POST, status=500)),
        ("503", lambda f: f.fail_next(POST, status=503)),
        ("reset", lambda f: f.reset_next(POST)),
        ("accepted-500", lambda f: f.accept_then_fail_next(POST, status=500)),
        ("accepted-502", lambda f: f.accept_then_fail_next(POST, status=502)),
        ("429", lambda f: f.fail_next(POST, retry_after=1)),
        ("chart-502", lambda f: f.fail_next("files.completeUploadExternal", status=502)),
        ("history-503", lambda f: f.fail_next("conversations.history", status=503)),
    ]
    chosen = random.Random(seed)
    injected: Counter[str] = Counter()
    for _ in range(calls):
        for method in (POST, "files.completeUploadExternal", "conversations.history"):
            if chosen.random() < rate:
                name, inject = chosen.choice([w for w in ways if _method_of(w[0]) == method])
                inject(fake)
                injected[name] += 1
            else:
                fake.delay_next(method, 0)  # this call goes through
    return injected


def _method_of(way: str) -> str:
    if way.startswith("chart"):
        return "files.completeUploadExternal"
    return "conversations.history" if way.startswith("history") else POST


def run_job(app: RunningApp, name: str, at: datetime, reports: list[str]) -> None:
    reports.append(JOBS[name].run(app.runtime.services, at).summary(name))


def test_pulse_and_digest_together_under_a_fault_rate_lose_and_double_nothing(
    app: RunningApp,
) -> None:
    for spec in TEAMS:
        app.runtime.services.teams.set_team(spec)
    members = sorted({member for spec in TEAMS for member in spec.member_ids})
    ended = outage(app.fake._faults, POST, 6.0)  # what is in flight first needs a later run
    injected = faults_at_a_rate(app.fake, rate=0.3, calls=60, seed=7)
    reports: list[str] = []
    for step in range(12):
        at = BOTH_DUE + timedelta(minutes=15 * step)
        app.clock.set(at)
        jobs = [
            threading.Thread(target=run_job, args=(app, name, at, reports))
            for name in ("pulse", "digest")
        ]
        for job in jobs:
            job.start()
        for job in jobs:
            job.join(120)
        sent = statuses(app, "pulse_deliveries")["sent"] + statuses(app, "digest_claims")["sent"]
        if sent == len(members) + len(TEAMS):
            break
    ended.join()
    assert sum(injected.values()) > 20, injected
    assert any("failed" in r and "failed 0" not in r for r in reports), reports
    pulses = {person: len(tagged(app, person, PULSE_EVENT)) for person in members}
    assert set(pulses.values()) == {1}, (pulses, reports)
    digests = {spec.manager_id: tagged(app, spec.manager_id, DIGEST_EVENT) for spec in TEAMS}
    teams = sorted(m["metadata"]["event_payload"]["team"] for d in digests.values() for m in d)
    assert teams == sorted(spec.name for spec in TEAMS), reports
    charts = [charts_under(app.fake, who, m["ts"]) for who, d in digests.items() for m in d]
    assert charts == [1] * len(TEAMS), reports
    assert statuses(app, "pulse_deliveries") == {"sent": len(members)}
    assert statuses(app, "digest_claims") == {"sent": len(TEAMS)}
