"""What `/healthz` reports beside the database: the Slack connection and the scheduler.

A process that cannot reach Slack, whose token was revoked, whose Socket Mode connection
dropped or whose scheduler stopped can do nothing useful, so it must not answer 200.
Each check answers (healthy, state) and never raises.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.slack_checks import error_code
from bot.slack_client import make_web_client

HealthCheck = Callable[[], tuple[bool, str]]
SLACK_PROBE_TIMEOUT_SECONDS = 3
SLACK_OK_REMEMBERED_SECONDS = 30.0


class SlackLiveness:
    """auth.test, remembered for a while when it succeeds so that frequent probes do not
    spend Slack's rate limit; a failure is asked again on the next probe."""

    def __init__(
        self,
        client: WebClient,
        remember: float = SLACK_OK_REMEMBERED_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._remember = remember
        self._clock = clock
        self._ok_at: float | None = None
        self._lock = threading.Lock()

    def __call__(self) -> tuple[bool, str]:
        with self._lock:
            if self._ok_at is not None and self._clock() - self._ok_at < self._remember:
                return True, "ok"
        try:
            self._client.auth_test()
        except SlackApiError as error:
            return False, f"refused: {error_code(error)}"
        except (SlackClientError, OSError) as error:
            return False, f"unreachable: {type(error).__name__}"
        with self._lock:
            self._ok_at = self._clock()
        return True, "ok"


def slack_liveness(settings: Settings) -> SlackLiveness:
    """Its own client: no retries and a short timeout, so a probe answers within seconds."""
    client = make_web_client(settings)
    client.timeout = SLACK_PROBE_TIMEOUT_SECONDS
    client.retry_handlers = []
    return SlackLiveness(client)


def with_socket(slack: HealthCheck, connected: Callable[[], bool]) -> HealthCheck:
    """In Socket Mode, Slack is only reachable for Aplauso while its socket is connected."""

    def check() -> tuple[bool, str]:
        if not connected():
            return False, "disconnected"
        return slack()

    return check


def scheduler_check(running: Callable[[], bool] | None) -> HealthCheck:
    """`off` (healthy) under --no-scheduler; `stopped` when it should run and does not."""

    def check() -> tuple[bool, str]:
        if running is None:
            return True, "off"
        return (True, "ok") if running() else (False, "stopped")

    return check


def serve_checks(
    settings: Settings, scheduler: Any | None, socket_handler: Callable[[], Any] | None
) -> dict[str, HealthCheck]:
    """The checks of `serve`: Slack (and its socket in Socket Mode) and the scheduler."""
    slack: HealthCheck = slack_liveness(settings)
    if socket_handler is not None:
        get_handler = socket_handler

        def connected() -> bool:
            handler = get_handler()
            return handler is not None and bool(handler.client.is_connected())

        slack = with_socket(slack, connected)
    running = None if scheduler is None else (lambda: bool(scheduler.running))
    return {"slack": slack, "scheduler": scheduler_check(running)}
