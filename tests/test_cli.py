"""The `aplauso` command line, driven as outside tests drive it: a real process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "cli-test-secret"
SECRET_KEY = Fernet.generate_key().decode()


def aplauso(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=env.get("APLAUSO_TEST_CWD", str(ROOT)),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        demo_workspace.seed(slack)
        yield slack


@pytest.fixture
def env(fake: FakeSlack, database_url: str, tmp_path: Path) -> dict[str, str]:
    """A clean environment (no .env in cwd) pointed at the fake Slack and a fresh database."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "APLAUSO_TEST_CWD": str(tmp_path),
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "APLAUSO_SECRET_KEY": SECRET_KEY,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
    }


def teams(env: dict[str, str]) -> list[dict[str, Any]]:
    result = aplauso("team", "list", "--json", env=env)
    assert result.returncode == 0, result.stderr
    loaded: list[dict[str, Any]] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["demo"],
        ["db", "upgrade"],
        ["jobs", "run"],
        ["team", "set"],
        ["team", "list"],
        ["admin", "add"],
        ["admin", "remove"],
    ],
)
def test_every_contract_command_has_help(command: list[str], env: dict[str, str]) -> None:
    result = aplauso(*command, "--help", env=env)
    assert result.returncode == 0
    assert "usage: aplauso" in result.stdout


def test_a_wrong_argument_prints_one_clear_line_and_fails(env: dict[str, str]) -> None:
    result = aplauso("jobs", "run", "party", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "invalid choice: 'party'" in result.stderr


def test_serve_without_a_bot_token_names_the_variable(env: dict[str, str]) -> None:
    env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    result = aplauso("serve", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "SLACK_BOT_TOKEN" in result.stderr


def test_a_database_url_sqlalchemy_cannot_parse_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    result = aplauso("db", "upgrade", env={**env, "DATABASE_URL": "nonsense"})
    assert result.returncode == 2
    assert result.stderr.startswith("aplauso: DATABASE_URL")


def test_db_upgrade_applies_migrations(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "fresh.db"
    result = aplauso("db", "upgrade", env={**env, "DATABASE_URL": f"sqlite:///{target}"})
    assert result.returncode == 0, result.stderr
    assert target.exists()


def test_team_set_creates_a_team_from_member_ids_and_lists_it(env: dict[str, str]) -> None:
    result = aplauso(
        "team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS",
        "--channel", "C0SALES", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [sales] = teams(env)
    assert sales["name"] == "Sales"
    assert sales["manager"] == "U01CARMEN"
    assert sales["member_count"] == 2
    assert sales["channel"] == "C0SALES"


def test_team_set_syncs_members_from_a_slack_user_group(env: dict[str, str]) -> None:
    result = aplauso(
        "team", "set", "IT", "--manager", "U16PRIYA", "--usergroup", "S0ITTEAM", env=env
    )
    assert result.returncode == 0, result.stderr
    [it] = teams(env)
    assert it["usergroup"] == "S0ITTEAM"
    assert sorted(it["members"]) == sorted(
        next(team for team in demo_workspace.TEAMS if team.name == "IT").member_ids
    )


def test_served_by_names_the_teams_a_team_rates(env: dict[str, str]) -> None:
    aplauso("team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO", env=env)
    result = aplauso(
        "team", "set", "Sales", "--manager", "U01CARMEN", "--members", "U02ANA",
        "--served-by", "IT", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert next(t for t in teams(env) if t["name"] == "Sales")["served_by"] == ["IT"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--manager", "UNOBODY", "--members", "U02ANA"], "can't find the Slack user UNOBODY"),
        (["--manager", "U01CARMEN", "--members", "U02ANA,UGHOST"], "UGHOST"),
        (["--manager", "U01CARMEN", "--usergroup", "SNOPE"], "user group SNOPE"),
        (["--manager", "U01CARMEN", "--members", "U90DEPLOYBOT"], "is a bot"),
        (["--manager", "U91FORMER", "--members", "U02ANA"], "deactivated"),
    ],
)
def test_unknown_ids_are_a_clear_error_that_changes_nothing(
    env: dict[str, str], arguments: list[str], message: str
) -> None:
    result = aplauso("team", "set", "Sales", *arguments, env=env)
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert teams(env) == []


def test_admins_are_added_and_removed(env: dict[str, str]) -> None:
    added = aplauso("admin", "add", "U22ISABEL", env=env)
    assert (added.returncode, added.stdout.strip()) == (0, "U22ISABEL is now an admin")
    again = aplauso("admin", "add", "U22ISABEL", env=env)
    assert again.stdout.strip() == "U22ISABEL was already an admin"
    removed = aplauso("admin", "remove", "U22ISABEL", env=env)
    assert removed.stdout.strip() == "U22ISABEL is no longer an admin"
    unknown = aplauso("admin", "add", "UNOBODY", env=env)
    assert unknown.returncode == 1


def test_without_a_bot_token_asking_slack_is_one_line_naming_the_variable(
    env: dict[str, str],
) -> None:
    env = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"}
    for command in (
        ["admin", "add", "U22ISABEL"],
        ["team", "set", "IT", "--manager", "U16PRIYA", "--usergroup", "S0ITTEAM"],
    ):
        result = aplauso(*command, env=env)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1
        assert "SLACK_BOT_TOKEN is not set" in result.stderr
    assert aplauso("admin", "remove", "U22ISABEL", env=env).returncode == 0  # Slack not needed
    assert teams(env) == []


def first_health_status(port: int, timeout: float = 30) -> int | None:
    """Polls /healthz until the server answers or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                return int(r.status)
        except OSError:
            time.sleep(0.05)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_health_and_a_signed_help_then_stops_cleanly_on_sigterm(
    env: dict[str, str], fake: FakeSlack
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        env=env,
        cwd=env["APLAUSO_TEST_CWD"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first_health_status(port) == 200
        kit = SignedSlackClient(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake=fake)
        assert (
            kit.slash_command("/aplauso", "help", user_id="U04EMMA", channel_id="C0GENERAL").status
            == 200
        )
        deadline = time.monotonic() + 10
        while not fake.calls_to("response_url") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.calls_to("response_url")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "SIGTERM received, shutting down" in stderr
    assert fake.bot_token not in stderr
    assert SIGNING_SECRET not in stderr
    assert "POST /slack/events 200" in stderr


def test_jobs_run_digest_sends_each_manager_one_digest_per_team_and_week(
    env: dict[str, str], fake: FakeSlack
) -> None:
    aplauso("team", "set", "Ops", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS", env=env)
    first = aplauso("jobs", "run", "digest", "--at", "2026-11-30T12:00:00+00:00", env=env)
    again = aplauso("jobs", "run", "digest", "--at", "2026-11-30T12:15:00+00:00", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("digest: sent 1")
    assert again.stdout.startswith("digest: sent 0")
    digests = [m for m in fake.dm_messages("U01CARMEN") if m.get("metadata")]
    assert len(digests) == 1
    assert len(fake.files) == 1  # its chart


def test_socket_mode_still_serves_health_on_port(env: dict[str, str]) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--no-scheduler"],
        env={**env, "SLACK_APP_TOKEN": "xapp-1-sandbox"},
        cwd=env["APLAUSO_TEST_CWD"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first_health_status(port) == 200
        try:
            urllib.request.urlopen(
                urllib.request.Request(f"http://127.0.0.1:{port}/slack/events", data=b"{}"),
                timeout=2,
            )
            events_status = 200
        except urllib.error.HTTPError as error:
            events_status = error.code
        assert events_status == 404  # events arrive over the socket, not over HTTP
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Socket Mode on" in stderr
    assert "xapp-1-sandbox" not in stderr


def test_jobs_run_pulse_sends_once_per_week_as_if_the_clock_read_at(
    env: dict[str, str], fake: FakeSlack
) -> None:
    aplauso("team", "set", "Ops", "--manager", "U01CARMEN", "--members", "U02ANA,U03LUIS", env=env)
    first = aplauso("jobs", "run", "pulse", "--at", "2026-11-24T20:00:00+00:00", env=env)
    again = aplauso("jobs", "run", "pulse", "--at", "2026-11-24T20:15:00+00:00", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("pulse: sent 2")
    assert again.stdout.startswith("pulse: sent 0")
    assert len([m for m in fake.dm_messages("U02ANA") if m.get("bot_id")]) == 1
    reminders = aplauso("jobs", "run", "reminders", "--at", "2026-11-26T21:00:00+00:00", env=env)
    assert reminders.stdout.startswith("reminders: sent 2")


def test_serve_refuses_to_start_without_the_secret_key_and_says_how_to_make_one(
    env: dict[str, str],
) -> None:
    result = aplauso("serve", env={k: v for k, v in env.items() if k != "APLAUSO_SECRET_KEY"})
    assert result.returncode == 2
    assert "APLAUSO_SECRET_KEY" in result.stderr
    assert "Fernet.generate_key" in result.stderr


def test_serve_runs_the_scheduler_once_and_no_scheduler_means_no_jobs(
    env: dict[str, str], fake: FakeSlack, database_url: str
) -> None:
    from storage.db import make_engine
    from storage.unit_of_work import Database

    aplauso("team", "set", "Ops", "--manager", "U01CARMEN", "--members", "U02ANA", env=env)
    database = Database(make_engine(database_url))
    with database.unit_of_work() as uow:  # make the digest due whatever today is
        settings = uow.settings.get()
        settings.digest_weekday, settings.digest_hour = 0, 0
        uow.settings.save(settings)
    database.dispose()

    def serve_for_a_while(*flags: str, patience: float = 15) -> None:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(port), *flags],
            env=env, cwd=env["APLAUSO_TEST_CWD"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert first_health_status(port) == 200
            deadline = time.monotonic() + patience
            while time.monotonic() < deadline and not digests():
                time.sleep(0.1)
            time.sleep(1)
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=20)

    def digests() -> list[dict[str, Any]]:
        return [m for m in fake.dm_messages("U01CARMEN") if m.get("metadata")]

    serve_for_a_while("--no-scheduler", patience=3)
    assert digests() == []
    serve_for_a_while()
    assert len(digests()) == 1
    serve_for_a_while()  # a restart sends nothing twice
    assert len(digests()) == 1
