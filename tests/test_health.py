"""`/healthz` is honest: 200 only while the database, Slack and the scheduler all work, and a
503 names the part that does not."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.background_server import BackgroundServer
from bot.config import Settings
from bot.health import (
    SlackLiveness,
    scheduler_check,
    serve_checks,
    slack_liveness,
    socket_checks,
)
from bot.http_server import AplausoWSGI
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        demo_workspace.seed(slack)
        yield slack


def probe(fake: FakeSlack, token: str | None = None, remember: float = 0) -> SlackLiveness:
    client = WebClient(token=token or fake.bot_token, base_url=fake.api_url, timeout=3)
    client.retry_handlers = []
    return SlackLiveness(client, remember=remember)


def test_slack_is_healthy_while_it_accepts_the_token(fake: FakeSlack) -> None:
    assert probe(fake)() == (True, "ok")
    assert probe(fake, token="xoxb-revoked")() == (False, "refused: invalid_auth")


def test_slack_that_went_away_is_unhealthy_at_once_and_healthy_again_when_back(
    fake: FakeSlack,
) -> None:
    check = probe(fake)
    assert check() == (True, "ok")
    fake.reset_next("auth.test")
    healthy, state = check()
    assert not healthy
    assert state.startswith("unreachable: ")
    assert check() == (True, "ok")


def test_a_success_is_remembered_so_frequent_probes_spare_slacks_rate_limit(
    fake: FakeSlack,
) -> None:
    check = probe(fake, remember=60)
    for _ in range(5):
        assert check() == (True, "ok")
    assert len(fake.calls_to("auth.test")) == 1


class Socket:
    """The Socket Mode connection as /healthz sees it (bot/socket_mode.py's supervisor)."""

    def __init__(self) -> None:
        self.current = "connected"
        self.since: float | None = 0.0

    def state(self) -> str:
        return self.current

    def seconds_since_connected(self) -> float | None:
        return self.since


def test_in_socket_mode_a_dropped_socket_is_unhealthy_once_its_grace_period_is_over() -> None:
    socket = Socket()
    checks = socket_checks(socket, grace=10)
    state, since = checks["socket_mode"], checks["socket_mode_seconds_since_connected"]
    assert (state(), since()) == ((True, "connected"), (True, "0"))
    socket.current, socket.since = "connecting", 3.4  # Slack's refresh: back in a moment
    assert (state(), since()) == ((True, "connecting"), (True, "3"))
    socket.since = 12.0
    assert state() == (False, "connecting")
    socket.since = None  # never connected since the start
    assert (state(), since()) == ((False, "connecting"), (True, "never"))
    socket.current, socket.since = "disconnected", 1.0  # stopped
    assert state() == (False, "disconnected")


def test_over_http_healthz_has_no_socket_to_report() -> None:
    assert set(serve_checks(Settings(), Scheduler(), None)) == {"slack", "scheduler"}
    socket_mode = serve_checks(Settings(), Scheduler(), Socket())
    assert set(socket_mode) == {
        "slack", "scheduler", "socket_mode", "socket_mode_seconds_since_connected"
    }  # fmt: skip


class Scheduler:
    running = True


def test_the_scheduler_is_off_when_asked_and_unhealthy_when_it_stopped() -> None:
    assert scheduler_check(None)() == (True, "off")
    scheduler = Scheduler()
    check = serve_checks(Settings(), scheduler, None)["scheduler"]
    assert check() == (True, "ok")
    scheduler.running = False
    assert check() == (False, "stopped")


def get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback http
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code), json.loads(error.read())


def test_healthz_is_503_and_names_the_part_that_is_down(fake: FakeSlack) -> None:
    settings = Settings(slack_bot_token=fake.bot_token, slack_api_url=fake.api_url)
    scheduler = Scheduler()
    checks = serve_checks(settings, scheduler, None)
    app = AplausoWSGI(None, lambda: None, None, health_checks=checks)
    with BackgroundServer(app) as server:
        assert get(server.url + "/healthz") == (
            200,
            {"status": "ok", "database": "ok", "slack": "ok", "scheduler": "ok"},
        )
        scheduler.running = False
        assert get(server.url + "/healthz") == (
            503,
            {"status": "error", "database": "ok", "slack": "ok", "scheduler": "stopped"},
        )


def test_the_serve_probe_uses_a_client_that_answers_within_seconds(fake: FakeSlack) -> None:
    liveness = slack_liveness(Settings(slack_bot_token="xoxb-x", slack_api_url=fake.api_url))
    assert liveness() == (False, "refused: invalid_auth")
