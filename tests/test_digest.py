"""Managers' weekly digests: content, anonymity rules, exactly once across re-runs, crashes and instances."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from engagement.digest import compute_digests
from engagement.pulse import ensure_bank, person_questions, record_answer
from engagement.teams import TeamSpec, set_team
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp, running_app

WEEK = date(2026, 11, 23)  # the reported week (Monday)
TUESDAY = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
NEXT_MONDAY_NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # past 09:00 in Madrid and London
IT = ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"]
LEGAL = ["U23DANIEL", "U24CHLOE", "U25MATEO"]


def teams(app: RunningApp, *specs: TeamSpec) -> dict[str, int]:
    fetch = app.runtime.context.directory.fetch_profile
    ids = {}
    with app.database.unit_of_work() as uow:
        for spec in specs:
            team = set_team(uow, spec, fetch, app.clock()).team
            assert team.id is not None
            ids[spec.name] = team.id
    return ids


def answer_all(app: RunningApp, people: list[str], score_of: Any) -> None:
    """Everyone answers every question of the week through the pulse service."""
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
    for index, user_id in enumerate(people):
        with app.database.unit_of_work() as uow:
            questions = person_questions(uow, user_id, WEEK, TUESDAY)
            uow.pulse.claim(user_id, WEEK, [q.key for q in questions], TUESDAY)
            uow.pulse.mark_delivery(user_id, WEEK, status="sent", channel_id="D", message_ts="1")
        for number, question in enumerate(questions):
            with app.database.unit_of_work() as uow:
                record_answer(
                    uow, user_id, WEEK, question.key, score_of(index, question.scale), TUESDAY,
                    lang="en", comment="Más formación, por favor" if index == number == 0 else None,
                )  # fmt: skip


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
    return JOBS["digest"].run(app.runtime.job_dependencies(), at).summary()


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
    with app.database.unit_of_work() as uow:
        it = compute_digests(uow, WEEK)[ids["IT"]]
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
    with app.database.unit_of_work() as uow:
        legal = compute_digests(uow, WEEK)[ids["Legal"]]
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
    with app.database.unit_of_work() as uow:
        digests = compute_digests(uow, WEEK)
    hidden = [d for d in (digests[ids["IT"]], digests[ids["Platform"]]) if d.drivers is None]
    assert [d.hidden_reason for d in hidden] == ["overlap"]


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
    from bot.digest_messenger import SlackDigestMessenger

    ids = teams(app, TeamSpec("IT", "U16PRIYA", IT), TeamSpec("Sales", "U01CARMEN", ["U02ANA"]))
    crash_time = NEXT_MONDAY_NOON
    with app.database.unit_of_work() as uow:
        uow.digest.claim(ids["IT"], WEEK, crash_time)
        uow.digest.claim(ids["Sales"], WEEK, crash_time)
        it = compute_digests(uow, WEEK)[ids["IT"]]
    SlackDigestMessenger(app.runtime.context.client).send_digest(
        "U16PRIYA", "en", it
    )  # then: crash
    assert run(app, crash_time + timedelta(minutes=5)).startswith("digest: sent 0")
    assert run(app, crash_time + timedelta(minutes=15)).startswith("digest: sent 1")
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
                JOBS["digest"].run(app.runtime.job_dependencies(), NEXT_MONDAY_NOON).summary()
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

    from bot.config import Settings
    from bot.runtime import open_database
    from bot.slack_client import make_web_client
    from bot.slack_directory import SlackDirectory
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
