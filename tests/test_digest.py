"""Managers' weekly digests: content, anonymity rules, exactly once across re-runs, crashes and instances."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from engagement.digest_model import DigestData, FeedbackSummary
from engagement.errors import DomainError
from engagement.feedback_model import FeedbackKind, FeedbackRequest
from engagement.pulse import ensure_bank
from engagement.pulse_questions import person_questions
from engagement.teams import TeamSpec, set_team
from schedules.jobs import JOBS
from storage.models import Attempt, ClaimStatus
from tests.support.app_harness import RunningApp, running_app
from tests.support.cli_runner import ROOT

WEEK = date(2026, 11, 23)  # the reported week (Monday)
TUESDAY = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
NEXT_MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # past 09:00 in Madrid and London
IT = ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"]
LEGAL = ["U23DANIEL", "U24CHLOE", "U25MATEO"]


def teams(app: RunningApp, *specs: TeamSpec) -> dict[str, int]:
    ids = {}
    for spec in specs:
        team = app.runtime.services.teams.set_team(spec).team
        assert team.id is not None
        ids[spec.name] = team.id
    return ids


def answer_all(app: RunningApp, people: list[str], score_of: Any) -> None:
    """Everyone is sent the week's questions and answers them all through the pulse service."""
    app.clock.set(TUESDAY)
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
        asked = {user_id: person_questions(uow, user_id, WEEK, TUESDAY) for user_id in people}
        for user_id, questions in asked.items():
            uow.pulse.claim(user_id, WEEK, [q.key for q in questions], TUESDAY)
            uow.pulse.mark_delivery(user_id, WEEK, Attempt(ClaimStatus.SENT), ("D", "1"))
    pulse = app.runtime.services.pulse
    for index, user_id in enumerate(people):
        for number, question in enumerate(asked[user_id]):
            score = score_of(index, question.scale)
            if index == number == 0:
                pulse.comment(user_id, WEEK, question.key, score, "Más formación, por favor")
            else:
                pulse.answer(user_id, WEEK, question.key, score)


def digests(app: RunningApp, week: date = WEEK) -> dict[int, DigestData]:
    """Every team's digest of the week, as its manager would read it."""
    return {letter.team_id: letter.data for letter in app.runtime.services.digest.letters(week)}


def likert(index: int, scale: str) -> int:
    return 10 if scale == "enps" else 3 + index % 3


def digests_to(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [
        m
        for m in app.fake.dm_messages(user_id)
        if (m.get("metadata") or {}).get("event_type") == "aplauso_digest"
        or "digest" in json.dumps(m).lower()
    ]


def run(app: RunningApp, at: datetime) -> str:
    app.clock.set(at)
    return JOBS["digest"].run(app.runtime.services, at).summary("digest")


def test_a_digest_reports_participation_scores_and_the_internal_service_map(
    app: RunningApp,
) -> None:
    ids = teams(
        app,
        TeamSpec("IT", "U16PRIYA", IT),
        TeamSpec("Sales", "U01CARMEN", ["U02ANA", "U03LUIS"]),
    )
    app.clock.set(TUESDAY)
    answer_all(app, IT, likert)
    app.slack.slash_command("/kudos", "<@U17PABLO> <@U18GRACE> #reliable gracias", user_id="U02ANA")
    app.settle()
    it = digests(app)[ids["IT"]]
    assert (it.answered, it.invited) == (6, 6)
    assert it.drivers
    assert all(1 <= d.score <= 5 for d in it.drivers)
    assert it.kudos_received == 1
    assert [(f.team_name, f.kudos) for f in it.thanked_by] == [("Sales", 1)]
    assert it.comments == ("Más formación, por favor",)
    assert it.suggestion is not None


def test_below_k_respondents_the_digest_shows_no_scores_or_comments(app: RunningApp) -> None:
    ids = teams(app, TeamSpec("Legal", "U22ISABEL", LEGAL))
    answer_all(app, LEGAL, likert)
    legal = digests(app)[ids["Legal"]]
    assert legal.drivers is None
    assert legal.hidden_reason == "threshold"
    assert legal.comments == ()
    assert legal.enps is None


def test_overlapping_teams_whose_difference_would_expose_people_are_not_both_shown(
    app: RunningApp,
) -> None:
    ids = teams(
        app,
        TeamSpec("IT", "U16PRIYA", IT),
        TeamSpec("Platform", "U16PRIYA", IT[:5]),  # IT minus one person
    )
    answer_all(app, IT, likert)
    week = digests(app)
    hidden = [d for d in (week[ids["IT"]], week[ids["Platform"]]) if d.drivers is None]
    assert [d.hidden_reason for d in hidden] == ["overlap"]


def test_the_company_report_is_for_admins_and_marks_the_teams_whose_scores_are_hidden(
    app: RunningApp,
) -> None:
    teams(
        app,
        TeamSpec("IT", "U16PRIYA", IT),
        TeamSpec("Platform", "U16PRIYA", IT[:5]),
        TeamSpec("Legal", "U22ISABEL", LEGAL),
    )
    answer_all(app, IT + LEGAL, likert)
    service = app.runtime.services.digest
    with pytest.raises(DomainError) as refused:
        service.company_report("U16PRIYA", NEXT_MONDAY_NOON)
    assert refused.value.key == "admin.errors.not_admin"
    with app.database.unit_of_work() as uow:
        uow.admins.add("U16PRIYA", TUESDAY)
    report = service.company_report("U16PRIYA", NEXT_MONDAY_NOON)
    assert [
        (r.team_name, r.answered, r.invited, r.hidden_reason) for r in report.participation
    ] == [
        ("IT", 6, 6, None),
        ("Legal", 3, 3, "threshold"),
        ("Platform", 5, 5, "overlap"),
    ]
    assert report.k == 5


def test_feedback_held_back_for_delivery_is_not_in_the_digest_before_it_arrives(
    app: RunningApp,
) -> None:
    ids = teams(app, TeamSpec("IT", "U16PRIYA", IT))
    app.clock.set(TUESDAY)
    request = FeedbackRequest(
        "U02ANA", ids["IT"], FeedbackKind.CONCERN, "Tickets wait", True, True, "view-1"
    )
    app.runtime.services.feedback.submit(request, lambda: None)
    assert digests(app)[ids["IT"]].feedback == FeedbackSummary(0, 0, 0, None, None)
    later = TUESDAY + timedelta(hours=6)
    app.clock.set(later)
    assert JOBS["feedback"].run(app.runtime.services, later).sent == 1
    summary = digests(app)[ids["IT"]].feedback
    assert (summary.new, summary.open, summary.resolved, summary.oldest_open_days) == (1, 1, 0, 6)


def test_each_manager_gets_one_digest_per_team_in_their_language_with_a_chart(
    app: RunningApp,
) -> None:
    teams(
        app,
        TeamSpec("IT", "U16PRIYA", IT),
        TeamSpec("Sales", "U01CARMEN", ["U02ANA", "U03LUIS"]),
        TeamSpec("Logistics", "U01CARMEN", ["U09JAVIER"]),
    )
    answer_all(app, IT, likert)
    assert run(app, NEXT_MONDAY_NOON).startswith("digest: sent 3")
    assert run(app, NEXT_MONDAY_NOON + timedelta(minutes=15)).startswith("digest: sent 0")
    priya = digests_to(app, "U16PRIYA")
    carmen = digests_to(app, "U01CARMEN")
    assert len([m for m in priya if m.get("metadata")]) == 1
    assert len([m for m in carmen if m.get("metadata")]) == 2
    assert "IT" in json.dumps(priya)
    pngs = [f for f in app.fake.files.values() if (f.content or b"").startswith(b"\x89PNG")]
    assert len(pngs) == 3


def test_a_digest_missed_on_monday_goes_out_once_when_the_app_is_back(app: RunningApp) -> None:
    teams(app, TeamSpec("IT", "U16PRIYA", IT))
    assert run(app, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)).startswith(
        "digest: sent 0"
    )  # 08:00 London
    assert run(app, datetime(2026, 12, 2, 15, 0, tzinfo=UTC)).startswith(
        "digest: sent 1"
    )  # Wednesday
    assert run(app, datetime(2026, 12, 3, 15, 0, tzinfo=UTC)).startswith("digest: sent 0")


def test_a_crash_between_slack_accepting_and_recording_sends_nothing_twice(app: RunningApp) -> None:
    from bot.adapters.digest_messenger import SlackDigestMessenger

    ids = teams(app, TeamSpec("IT", "U16PRIYA", IT), TeamSpec("Sales", "U01CARMEN", ["U02ANA"]))
    crash_time = NEXT_MONDAY_NOON
    last_beat = datetime.now(UTC) - timedelta(minutes=1)  # the run died a minute ago
    with app.database.unit_of_work() as uow:
        for team in ("IT", "Sales"):
            uow.digest.claim(ids[team], WEEK, crash_time, owner="dead", alive_at=last_beat)
    [it] = [x for x in app.runtime.services.digest.letters(WEEK) if x.team_id == ids["IT"]]
    SlackDigestMessenger(app.runtime.client).send_digest(it)  # then: crash
    resumed = run(app, crash_time + timedelta(minutes=1))
    assert resumed.startswith("digest: sent 1, skipped 0, failed 0"), resumed
    assert "resumed a digest claimed by a run that died" in resumed
    assert run(app, crash_time + timedelta(minutes=15)).startswith("digest: sent 0")
    assert len([m for m in digests_to(app, "U16PRIYA") if m.get("metadata")]) == 1
    assert len([m for m in digests_to(app, "U01CARMEN") if m.get("metadata")]) == 1


def test_two_instances_running_the_job_at_once_send_each_digest_once(
    database_url: str, clock: Any
) -> None:
    with running_app(database_url, clock) as first, running_app(database_url, clock) as second:
        teams(first, TeamSpec("IT", "U16PRIYA", IT), TeamSpec("Sales", "U01CARMEN", ["U02ANA"]))
        # the second instance talks to its own fake Slack; count what both fakes received
        reports: list[str] = []
        barrier = threading.Barrier(2)

        def go(app: RunningApp) -> None:
            barrier.wait()
            reports.append(
                JOBS["digest"].run(app.runtime.services, NEXT_MONDAY_NOON).summary("digest")
            )

        threads = [threading.Thread(target=go, args=(app,)) for app in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        sent = sum(
            1
            for app in (first, second)
            for user in ("U16PRIYA", "U01CARMEN")
            for m in app.fake.dm_messages(user)
            if (m.get("metadata") or {}).get("event_type") == "aplauso_digest"
        )
    assert sent == 2, reports


def test_a_kill_9_in_the_middle_of_a_run_then_a_restart_leaves_exactly_one_digest_each(
    database_url: str, tmp_path: Any
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from cryptography.fernet import Fernet

    from bot.adapters.slack_directory import SlackDirectory
    from bot.config import Settings
    from bot.slack_client import make_web_client
    from bot.wiring import open_database
    from sandbox import demo_workspace
    from sandbox.fake_slack import FakeSlack

    with FakeSlack() as fake:
        demo_workspace.seed(fake)
        settings = Settings(
            slack_bot_token=fake.bot_token, slack_api_url=fake.api_url, database_url=database_url
        )
        database = open_database(settings, migrate=False)
        fetch = SlackDirectory(make_web_client(settings)).fetch_profile
        people = [p.user_id for p in demo_workspace.PEOPLE]
        with database.unit_of_work() as uow:
            for n in range(30):
                spec = TeamSpec(
                    f"Team {n:02d}", people[n % 4], [people[4 + (n + i) % 21] for i in range(3)]
                )
                set_team(uow, spec, fetch, NEXT_MONDAY_NOON)
        database.dispose()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
            "APLAUSO_SECRET_KEY": Fernet.generate_key().decode(),
            "PYTHONPATH": str(ROOT),  # the code under test, wherever the interpreter is installed
        }

        def digests() -> list[dict[str, Any]]:
            return [
                m
                for user in people[:4]
                for m in fake.dm_messages(user)
                if (m.get("metadata") or {}).get("event_type") == "aplauso_digest"
            ]

        run = [sys.executable, "-m", "bot", "jobs", "run", "digest", "--at"]
        victim = subprocess.Popen([*run, "2026-11-30T16:00:00+00:00"], env=env, cwd=tmp_path)
        deadline = time.monotonic() + 60
        while len(digests()) < 3 and time.monotonic() < deadline and victim.poll() is None:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        assert 0 < len(digests()) < 30  # it died part-way
        restart = subprocess.run(
            [*run, "2026-11-30T16:15:00+00:00"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert restart.returncode == 0, restart.stderr
        teams_reported = sorted(m["metadata"]["event_payload"]["team"] for m in digests())
    assert teams_reported == [f"Team {n:02d}" for n in range(30)]
