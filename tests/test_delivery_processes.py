"""Deliveries that survive Slack, seen from outside: `aplauso jobs run` as a real process
(its exit code and the line saying why), a kill -9 in the middle of the digests, the Slack
client's own retries, and the admins' list of what Slack did not take.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.digest_messenger import DIGEST_EVENT
from bot.adapters.pulse_messenger import PULSE_EVENT
from engagement.teams import TeamSpec, set_team
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from tests.support.cli_runner import aplauso, cli_env, demo_slack
from tests.support.pulse_app import EMMA, LUIS, NOAH, WEEK
from tests.test_delivery_retries import MONDAY_NOON, POST, charts_under


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with demo_slack() as slack:
        yield slack


def jobs_run(env: dict[str, str], name: str, at: str) -> subprocess.CompletedProcess[str]:
    return aplauso("jobs", "run", name, "--at", at, env=env, timeout=120)


def seed_teams(fake: FakeSlack, database_url: str, specs: list[TeamSpec]) -> None:
    from bot.adapters.slack_directory import SlackDirectory
    from bot.config import Settings
    from bot.slack_client import make_web_client
    from bot.wiring import open_database

    settings = Settings(
        slack_bot_token=fake.bot_token, slack_api_url=fake.api_url, database_url=database_url
    )
    database = open_database(settings, migrate=False)
    fetch = SlackDirectory(make_web_client(settings)).fetch_profile
    with database.unit_of_work() as uow:
        for spec in specs:
            set_team(uow, spec, fetch, MONDAY_NOON)
    database.dispose()


def test_jobs_run_exits_non_zero_and_says_how_many_failed_and_why(
    fake: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    seed_teams(fake, database_url, [TeamSpec("Ops", EMMA, [NOAH, LUIS])])
    env = cli_env(fake, database_url, tmp_path)
    fake.fail_next(POST, error="user_not_found")
    fake.fail_next(POST, error="invalid_auth")  # the installation's, fixed later: retried
    first = jobs_run(env, "pulse", "2026-11-24T20:00:00+00:00")
    assert first.returncode == 1, first
    assert first.stdout.startswith("pulse: sent 0, skipped 0, failed 2")
    [line] = [x for x in first.stderr.splitlines() if x.startswith("aplauso: ")]
    assert line.startswith("aplauso: 2 deliveries failed (")
    assert "user_not_found ×1" in line
    assert "invalid_auth (retried later) ×1" in line
    again = jobs_run(env, "pulse", "2026-11-24T20:15:00+00:00")
    assert again.returncode == 0, again
    assert again.stdout.startswith("pulse: sent 1, skipped 0, failed 0")
    assert again.stderr == ""


def test_a_kill_9_mid_digest_is_finished_at_once_by_a_restart_chart_and_all(
    fake: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    managers = [p.user_id for p in demo_workspace.PEOPLE[:4]]
    others = [p.user_id for p in demo_workspace.PEOPLE[4:]]
    specs = [
        TeamSpec(f"Team {n:02d}", managers[n % 4], [others[(n + i) % 21] for i in range(3)])
        for n in range(6)
    ]
    seed_teams(fake, database_url, specs)
    env = cli_env(fake, database_url, tmp_path)
    fake.delay_next("files.getUploadURLExternal", 0, times=2)
    fake.delay_next("files.getUploadURLExternal", 5)  # the third chart is slow: kill it there

    def digests() -> list[dict[str, Any]]:
        return [
            m
            for user in managers
            for m in fake.dm_messages(user)
            if (m.get("metadata") or {}).get("event_type") == DIGEST_EVENT
        ]

    command = [sys.executable, "-m", "bot", "jobs", "run", "digest", "--at"]
    victim = subprocess.Popen([*command, "2026-11-30T16:00:00+00:00"], env=env, cwd=tmp_path)
    deadline = time.monotonic() + 60
    while len(digests()) < 3 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.01)
    time.sleep(0.3)
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    assert len(digests()) == 3
    owner = {m["ts"]: who for who in managers for m in fake.dm_messages(who)}
    assert [charts_under(fake, owner[m["ts"]], m["ts"]) for m in digests()].count(0) == 1
    started = time.monotonic()
    restart = jobs_run(env, "digest", "2026-11-30T16:01:00+00:00")
    took = time.monotonic() - started
    assert restart.returncode == 0, restart.stderr
    assert "resumed a digest claimed by a run that died" in restart.stdout
    assert took < 60  # seconds after the kill, not the next scheduled run 15 minutes later
    by_team = Counter(m["metadata"]["event_payload"]["team"] for m in digests())
    assert by_team == Counter(spec.name for spec in specs)
    owner = {m["ts"]: who for who in managers for m in fake.dm_messages(who)}
    charts = [charts_under(fake, owner[m["ts"]], m["ts"]) for m in digests()]
    assert charts == [1] * len(specs)


# -- the client ----------------------------------------------------------------------------
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_the_client_retries_each_server_error_but_leaves_findable_posts_to_their_sender(
    fake: FakeSlack, status: int
) -> None:
    from slack_sdk.errors import SlackApiError

    from bot.config import Settings
    from bot.slack_client import make_web_client

    client = make_web_client(Settings(slack_bot_token=fake.bot_token, slack_api_url=fake.api_url))
    fake.fail_next("users.info", status=status, html=status in (502, 504))
    assert client.users_info(user=NOAH)["user"]["id"] == NOAH
    assert [call.status for call in fake.calls_to("users.info")] == [status, 200]
    fake.fail_next(POST, status=status)
    metadata = {"event_type": PULSE_EVENT, "event_payload": {"week": "2026-11-23"}}
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=NOAH, text="hi", metadata=metadata)
    assert len(fake.calls_to(POST)) == 1  # not resent blindly: Slack may have taken it


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_report_lists_failed_deliveries_within_slacks_limits(lang: str) -> None:
    from bot.views.limits import block_problems
    from bot.views.report import DELIVERY_ROWS_MAX, report_message
    from engagement.digest_model import CompanyReport
    from engagement.reports import DeliveryProblem

    problems = tuple(
        DeliveryProblem(
            "digest", f"U{n:08d}", "<!channel> " + "x" * 300, WEEK, "odd_<code>", n, True
        )
        for n in range(DELIVERY_ROWS_MAX + 40)
    )
    _text, blocks = report_message(CompanyReport((), (), 5, deliveries=problems), lang)
    assert block_problems(blocks) == []
    shown = str(blocks)
    assert shown.count("<@U") == DELIVERY_ROWS_MAX
    assert "<!channel>" not in shown  # a team name cannot ping anyone
    assert ("…and 40 more." if lang == "en" else "…y 40 más.") in shown
