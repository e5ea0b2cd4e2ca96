"""What `/healthz` reports beside the database: the Slack connection and the scheduler.

A process that cannot reach Slack, whose token was revoked, whose Socket Mode connection
dropped or whose scheduler stopped can do nothing useful, so it must not answer 200.
Each check answers (healthy, state) and never raises.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.slack_checks import error_code
from bot.slack_client import make_web_client

HealthCheck = Callable[[], tuple[bool, str]]
SLACK_PROBE_TIMEOUT_SECONDS = 3
SLACK_OK_REMEMBERED_SECONDS = 30.0
SOCKET_GRACE_SECONDS = 10.0
"""How long a lost socket may take to come back before /healthz says 503: Slack refreshes
every connection every few hours, and the app reconnects within a second or two."""


class SocketView(Protocol):
    """What /healthz asks about the Socket Mode connection (bot/socket_mode.py answers)."""

    def state(self) -> str:
        """`connected`, `connecting` (retrying) or `disconnected` (stopped)."""
        ...

    def seconds_since_connected(self) -> float | None:
        """0 while connected, None if it never was."""
        ...


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


def socket_checks(
    socket: SocketView, grace: float = SOCKET_GRACE_SECONDS
) -> dict[str, HealthCheck]:
    """In Socket Mode Slack reaches Aplauso only through its socket: `socket_mode` is its state,
    healthy while connected or back within `grace`; and how long ago it was last connected."""

    def state() -> tuple[bool, str]:
        current = socket.state()
        since = socket.seconds_since_connected()
        returning = current == "connecting" and since is not None and since < grace
        return current == "connected" or returning, current

    def since_connected() -> tuple[bool, str]:
        seconds = socket.seconds_since_connected()
        return True, "never" if seconds is None else str(int(seconds))

    return {"socket_mode": state, "socket_mode_seconds_since_connected": since_connected}


def scheduler_check(running: Callable[[], bool] | None) -> HealthCheck:
    """`off` (healthy) under --no-scheduler; `stopped` when it should run and does not."""

    def check() -> tuple[bool, str]:
        if running is None:
            return True, "off"
        return (True, "ok") if running() else (False, "stopped")

    return check


def serve_checks(
    settings: Settings, scheduler: Any | None, socket: SocketView | None
) -> dict[str, HealthCheck]:
    """The checks of `serve`: Slack, the scheduler, and in Socket Mode the socket."""
    running = None if scheduler is None else (lambda: bool(scheduler.running))
    checks: dict[str, HealthCheck] = {
        "slack": slack_liveness(settings),
        "scheduler": scheduler_check(running),
    }
    return checks if socket is None else {**checks, **socket_checks(socket)}
