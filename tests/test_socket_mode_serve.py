"""`aplauso serve` in Socket Mode never goes deaf: a failed first connection is retried with
backoff, a dropped socket comes back, /healthz says when the socket is down, and an app token
Slack refuses stops the process with one line. A real `serve` process against the fake Slack,
whose envelopes travel over a real WebSocket and whose acknowledgements are counted."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, settings_from_mapping
from bot.socket_mode import retry_delay
from sandbox.fake_slack import FakeSlack
from sandbox.socket_mode_kit import SocketModeSlackClient
from tests.support.cli_runner import cli_env, free_port, health
from tests.test_workers import count_kudos, wait_for

ANA = "U02ANA"
RETRY_CAP_SECONDS = "0.3"  # the backoff's cap, short so that retries take a moment
REFUSED_LINE = "Slack refused SLACK_APP_TOKEN (invalid_auth)"


@pytest.fixture
def env(fake: FakeSlack, database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **cli_env(fake, database_url, tmp_path),
        "SLACK_APP_TOKEN": fake.app_token,
        "APLAUSO_SOCKET_RETRY_MAX_SECONDS": RETRY_CAP_SECONDS,
    }


@contextmanager
def serving(
    env: dict[str, str], *, jobs: bool = False
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`aplauso serve` (`--no-scheduler` unless `jobs`) with its log in serve.log; killed if
    a test leaves it running."""
    port = free_port()
    log = open(Path(env["APLAUSO_TEST_CWD"]) / "serve.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), *([] if jobs else ["--no-scheduler"])],
        env=env, cwd=env["APLAUSO_TEST_CWD"], stdout=log, stderr=log, text=True,
    )  # fmt: skip
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        log.close()


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(30)


def server_log(env: dict[str, str]) -> str:
    return (Path(env["APLAUSO_TEST_CWD"]) / "serve.log").read_text()


def healthz(port: int) -> tuple[int, dict[str, Any]]:
    answer = health(port)
    assert answer is not None, "serve never answered /healthz"
    return answer[0], json.loads(answer[1])


def give_kudos(fake: FakeSlack, giver: str, reason: str) -> str:
    """`/kudos` typed by `giver`, delivered as a Socket Mode envelope; its envelope id."""
    answer = SocketModeSlackClient(fake).slash_command(
        "/kudos", f"<@{ANA}> #helpful {reason}", user_id=giver
    )
    assert answer.status == 200, "the app did not acknowledge the envelope"
    return answer.headers["envelope_id"]


def kudos_dms(fake: FakeSlack, reason: str) -> list[dict[str, Any]]:
    return [m for m in fake.dm_messages(ANA) if reason in json.dumps(m)]


def test_the_first_connections_fail_then_a_retry_connects_and_kudos_arrive_over_the_socket(
    fake: FakeSlack, env: dict[str, str], database_url: str
) -> None:
    fake.fail_next("apps.connections.open", status=503)
    fake.reset_next("apps.connections.open")
    with serving(env) as (process, port):
        assert fake.socket_mode.wait_for_connections(1, timeout=30)
        # the socket opens a moment before the client reads Slack's hello and calls itself connected
        assert wait_for(lambda: healthz(port)[0] == 200, timeout=10)
        assert healthz(port)[1]["socket_mode"] == "connected"
        envelope_id = give_kudos(fake, "U04EMMA", "thanks for the retry")
        assert fake.socket_mode.ack_count(envelope_id) == 1
        assert wait_for(lambda: count_kudos(database_url) == 1)
        assert wait_for(lambda: len(kudos_dms(fake, "thanks for the retry")) == 1)
        assert stop(process) == 0
    opened = fake.calls_to("apps.connections.open")
    assert [call.status for call in opened] == [503, 0, 200]
    log = server_log(env)
    complaints = [line for line in log.splitlines() if " WARNING " in line or " ERROR " in line]
    assert len(complaints) == 2, log  # one line per failed attempt, nothing from the libraries
    assert "apps.connections.open answered 503 service_unavailable; retrying in" in complaints[0]
    assert "Slack unreachable: Connection reset by peer; retrying in" in complaints[1]
    assert "(attempt 3)" in complaints[1]
    assert "Traceback" not in log
    assert fake.app_token not in log


def test_a_dropped_socket_comes_back_and_the_next_kudos_is_handled_exactly_once(
    fake: FakeSlack, env: dict[str, str], database_url: str
) -> None:
    with serving(env) as (process, port):
        assert fake.socket_mode.wait_for_connections(1, timeout=30)
        assert healthz(port)[0] == 200
        assert fake.socket_mode.drop_connections() == 1
        assert fake.socket_mode.wait_for_connections(2, timeout=20, opened=True)
        assert wait_for(lambda: fake.socket_mode.connections == 1)
        envelope_id = give_kudos(fake, "U06OLIVIA", "thanks after the drop")
        assert wait_for(lambda: count_kudos(database_url) == 1)
        assert wait_for(lambda: len(kudos_dms(fake, "thanks after the drop")) == 1)
        time.sleep(0.5)  # a second delivery or a second ack would show by now
        assert fake.socket_mode.ack_count(envelope_id) == 1
        assert stop(process) == 0
    assert count_kudos(database_url) == 1
    assert len(kudos_dms(fake, "thanks after the drop")) == 1
    log = server_log(env)
    assert "Socket Mode: the connection to Slack was lost; reconnecting" in log
    assert "Traceback" not in log


def test_a_refresh_slack_asks_for_moves_to_a_new_connection_without_losing_an_envelope(
    fake: FakeSlack, env: dict[str, str], database_url: str
) -> None:
    with serving(env) as (process, _port):
        assert fake.socket_mode.wait_for_connections(1, timeout=30)
        fake.socket_mode.disconnect("refresh_requested", close_after=2.0)
        assert fake.socket_mode.wait_for_connections(2, timeout=20, opened=True)
        assert wait_for(lambda: fake.socket_mode.connections == 1)
        envelope_id = give_kudos(fake, "U08JAMES", "thanks across the refresh")
        assert wait_for(lambda: count_kudos(database_url) == 1)
        assert fake.socket_mode.ack_count(envelope_id) == 1
        assert stop(process) == 0
    log = server_log(env)
    assert "Socket Mode: Slack asked for a new connection; opening it" in log
    assert "lost" not in log
    assert len(fake.calls_to("apps.connections.open")) == 2


def test_an_app_token_slack_refuses_stops_serve_with_one_line(
    fake: FakeSlack, env: dict[str, str]
) -> None:
    refused = {**env, "SLACK_APP_TOKEN": "xapp-1-AAPLAUSO-1-revoked"}
    started = time.monotonic()
    with serving(refused) as (process, _port):
        assert process.wait(30) != 0
    assert time.monotonic() - started < 15
    log = server_log(env)
    assert log.count("\n") == 1, log
    assert log.startswith(f"aplauso: {REFUSED_LINE}")
    assert "connections:write" in log
    assert "Traceback" not in log


def test_a_token_revoked_while_serving_stops_serve_with_one_line(
    fake: FakeSlack, env: dict[str, str]
) -> None:
    with serving(env) as (process, _port):
        assert fake.socket_mode.wait_for_connections(1, timeout=30)
        fake.revoke_app_token()  # Slack closes the socket and refuses the token from now on
        assert process.wait(30) != 0
    lines = server_log(env).strip().splitlines()
    assert lines[-1].startswith(f"aplauso: {REFUSED_LINE}")
    assert "connections:write" in lines[-1]
    assert "Traceback" not in server_log(env)
    assert fake.calls_to("apps.connections.open")[-1].response["error"] == "invalid_auth"


def test_healthz_is_503_while_slack_refuses_the_connection_then_200_once_connected(
    fake: FakeSlack, env: dict[str, str]
) -> None:
    fake.fail_next("apps.connections.open", status=503, times=1000)
    with serving(env, jobs=True) as (process, port):
        status, body = healthz(port)
        assert status == 503
        assert body["socket_mode"] == "connecting"
        assert body["socket_mode_seconds_since_connected"] == "never"
        assert body["status"] == "error"
        assert (body["database"], body["slack"]) == ("ok", "ok")  # the socket is what is down
        assert body["scheduler"] == "stopped"  # no job runs before Slack can answer
        assert wait_for(lambda: len(fake.calls_to("apps.connections.open")) >= 3)
        assert healthz(port)[0] == 503
        fake.clear_failures()  # Slack is back
        assert fake.socket_mode.wait_for_connections(1, timeout=20)
        assert wait_for(lambda: healthz(port)[0] == 200)
        assert healthz(port)[1] == {
            "status": "ok", "database": "ok", "slack": "ok", "scheduler": "ok",
            "socket_mode": "connected", "socket_mode_seconds_since_connected": "0",
        }  # fmt: skip
        assert stop(process) == 0


def test_the_wait_between_attempts_doubles_up_to_its_cap_and_half_of_it_is_random() -> None:
    longest = [retry_delay(attempt, 30, lambda: 1.0) for attempt in range(1, 9)]
    shortest = [retry_delay(attempt, 30, lambda: 0.0) for attempt in range(1, 9)]
    assert longest == [1, 2, 4, 8, 16, 30, 30, 30]
    assert shortest == [wait / 2 for wait in longest]
    assert retry_delay(1000, 30) <= 30


def test_the_backoffs_cap_is_a_tuning_knob_with_a_sane_range() -> None:
    assert settings_from_mapping({}).socket_retry_max_seconds == 30
    tuned = settings_from_mapping({"APLAUSO_SOCKET_RETRY_MAX_SECONDS": "5"})
    assert tuned.socket_retry_max_seconds == 5
    for wrong in ("soon", "0", "3600"):
        with pytest.raises(ConfigError) as refused:
            settings_from_mapping({"APLAUSO_SOCKET_RETRY_MAX_SECONDS": wrong})
        assert (
            f"APLAUSO_SOCKET_RETRY_MAX_SECONDS must be a number of seconds from 0.05 to 600, got '{wrong}'"
            in str(refused.value)
        )
