"""Socket Mode that never goes deaf: one supervisor owns the connection to Slack.

slack_sdk's built-in `SocketModeClient` does the WebSocket work (handshake, ping/pong, the
stale-connection check, envelopes and acknowledgements, Bolt on top), but its own reconnection
retries every few seconds without backoff, retries a refused token forever, and raises out of
a background thread when the first `apps.connections.open` fails. So its auto-reconnect is off
and this supervisor reconnects instead: exponential backoff with jitter for what may pass (a
5xx, a refused or reset connection, `ratelimited`, a dropped socket), one line per attempt,
and a stop with one line that says how to fix it when Slack refuses the app-level token.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from time import monotonic
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.config import Settings
from bot.slack_checks import TOKEN_REFUSED, SlackProblem, error_code, unreachable_reason
from bot.slack_client import make_web_client

logger = logging.getLogger("aplauso.socket_mode")

PERMANENT_REFUSALS = TOKEN_REFUSED | {"missing_scope"}
FIRST_RETRY_SECONDS = 1.0
PING_INTERVAL_SECONDS = 5.0  # slack_sdk calls a socket stale after four silent intervals
WATCH_SECONDS = 0.25  # how often the supervisor looks at the socket between wake-ups
OPEN_TIMEOUT_SECONDS = 10
CONNECTION_NOISE = (  # slack_sdk's lines about an attempt the supervisor reports itself
    "Received an unexpected response for handshake",
    "Failed to establish a connection",
    "on_error invoked",
    "Error code:",
    "Failed to check the state of sock",
    "Failed to retrieve WSS URL",
)


class _DropConnectionNoise(logging.Filter):
    """One line per attempt: the supervisor's, not slack_sdk's two or three about it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(CONNECTION_NOISE)


def retry_delay(attempt: int, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff with equal jitter: attempt n waits between half and all of
    min(cap, 2^(n-1) s), so a fleet of restarted apps does not knock on Slack in step."""
    ceiling = min(cap, FIRST_RETRY_SECONDS * 2.0 ** min(attempt - 1, 30))
    return ceiling / 2 + rand() * ceiling / 2


def refusal_of(error: BaseException) -> SlackProblem | None:
    """The one line to stop on when Slack refuses the app-level token, else None (retry)."""
    if isinstance(error, SlackApiError):
        code = error_code(error)
        if code in PERMANENT_REFUSALS:
            return SlackProblem("cli.slack.app_token_refused", code=code)
    return None


def retry_after(error: BaseException) -> float:
    """Slack's own wait after `ratelimited` (its Retry-After header), else 0."""
    response = getattr(error, "response", None)
    if not isinstance(error, SlackApiError) or getattr(response, "status_code", 0) != 429:
        return 0.0
    headers = getattr(response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After") or headers.get("retry-after") or 30)
    except ValueError:
        return 30.0


def failure_reason(error: BaseException) -> str:
    """What went wrong with `apps.connections.open`, short and without the token."""
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", None)
        return f"apps.connections.open answered {status} {error_code(error)}"
    return f"Slack unreachable: {unreachable_reason(error)}"


class EndOfStreamIsClosed:
    """slack_sdk's built-in connection reads an end of stream (the peer closed without a close
    frame: a proxy or load balancer going away) as "nothing yet" and spins on it until its
    stale check gives up 20-25 s later; read through this, it is the closed connection it is."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock

    def recv(self, size: int) -> bytes:
        data: bytes = self._sock.recv(size)
        if not data:
            raise ConnectionResetError(errno.ECONNRESET, "Slack closed the connection")
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class SupervisedClient(SocketModeClient):
    """slack_sdk's client, except that a `disconnect` message from Slack (a refresh) asks the
    supervisor for a new connection instead of connecting in the message thread, where a
    failure would end in a traceback and no retry."""

    on_refresh: Callable[[], None] | None = None

    def connect_to_new_endpoint(self, force: bool = False) -> None:
        if self.on_refresh is not None:
            self.on_refresh()


class BoltEnvelopes(BaseSocketModeHandler):
    """Hands each envelope to the Bolt app and sends its acknowledgement back, as bolt's own
    `SocketModeHandler` does, but over the supervised client."""

    def __init__(self, app: App, client: BaseSocketModeClient) -> None:
        self.app = app
        self.client = client
        client.socket_mode_request_listeners.append(self.handle)

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        start = time.time()
        send_response(client, req, run_bolt_app(self.app, req), start)


class SocketSupervisor:
    """Connects, watches and reconnects; answers /healthz about the socket. Thread-safe."""

    def __init__(
        self,
        client: SocketModeClient,
        open_url: Callable[[], str],
        *,
        retry_cap: float,
        clock: Callable[[], float] = monotonic,
    ) -> None:
        self._client = client
        self._open_url = open_url
        self._retry_cap = retry_cap
        self._clock = clock
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._refresh = False
        self._last_connected: float | None = None
        self._failures = 0
        self._next_wait = 0.0
        self._thread: threading.Thread | None = None
        self.fatal: SlackProblem | None = None

    # -- what serve and /healthz ask ----------------------------------------------------
    def state(self) -> str:
        if self._stopping.is_set():
            return "disconnected"
        return "connected" if self._client.is_connected() else "connecting"

    def seconds_since_connected(self) -> float | None:
        """0 while connected, None if it never was."""
        if self.state() == "connected":
            return 0.0
        with self._lock:
            last = self._last_connected
        return None if last is None else max(0.0, self._clock() - last)

    def request_refresh(self) -> None:
        """Slack announced it will close this connection: open the next one now."""
        with self._lock:
            self._refresh = True
        self._wake.set()

    def request_wake(self) -> None:
        """The socket reported an error or a close: look at it now, not at the next tick."""
        self._wake.set()

    # -- lifecycle ----------------------------------------------------------------------
    def connect_first(self) -> bool:
        """One attempt in the calling thread: raises the one line when Slack refuses the app
        token, so `serve` stops before serving; False (logged) when it may pass."""
        failure = self._attempt()
        if failure is not None:
            self._next_wait = self._failed(failure)
        return failure is None

    def start(
        self, *, on_first_connection: Callable[[], None], on_fatal: Callable[[], None]
    ) -> None:
        """Watches the socket from a daemon thread; `on_first_connection` runs once it is up
        (at once if `connect_first` got it up), `on_fatal` when Slack refuses the token."""
        self._thread = threading.Thread(
            target=self._run,
            args=(on_first_connection, on_fatal),
            name="aplauso-socket-mode",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        session = self._client.current_session
        sock = session.sock if session is not None else None
        if sock is not None:  # wakes slack_sdk's reader now rather than at its 3 s timeout
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._client.close()

    # -- the supervisor's thread ---------------------------------------------------------
    def _run(self, on_first_connection: Callable[[], None], on_fatal: Callable[[], None]) -> None:
        first_done = False
        self._stopping.wait(self._next_wait)
        while not self._stopping.is_set():
            refresh = self._refresh_due()
            if self._client.is_connected() and not refresh:
                self._seen_connected()
                if not first_done:
                    first_done = True
                    self._run_once(on_first_connection)
                self._failures = 0
                self._wake.wait(WATCH_SECONDS)
                self._wake.clear()
                continue
            if refresh:
                logger.info("Socket Mode: Slack asked for a new connection; opening it")
            elif self._failures == 0 and self._last_connected is not None:
                logger.warning("Socket Mode: the connection to Slack was lost; reconnecting")
            try:
                failure = self._attempt()
            except SlackProblem as problem:
                self.fatal = problem
                on_fatal()
                return
            if failure is None:
                logger.info("Socket Mode: connected to Slack")
                continue
            self._stopping.wait(self._failed(failure))

    @staticmethod
    def _run_once(action: Callable[[], None]) -> None:
        """The first connection's follow-up (the scheduler) must not end the watch if it fails."""
        try:
            action()
        except Exception:
            logger.exception("Socket Mode: what follows the first connection failed")

    def _failed(self, failure: tuple[str, float]) -> float:
        """Logs the attempt that failed, in one line; the wait before the next one."""
        self._failures += 1
        reason, slack_wait = failure
        delay = max(retry_delay(self._failures, self._retry_cap), slack_wait)
        logger.warning(
            "Socket Mode: %s; retrying in %.1f s (attempt %d)", reason, delay, self._failures + 1
        )
        return delay

    def _refresh_due(self) -> bool:
        with self._lock:
            return self._refresh

    def _seen_connected(self) -> None:
        with self._lock:
            self._last_connected = self._clock()

    def _attempt(self) -> tuple[str, float] | None:
        """One connection: None when the socket is up, else why not and how long Slack asked
        to wait. Never raises but the token refusal: this thread must outlive every failure
        Slack can come back from."""
        with self._lock:
            self._refresh = False
        try:
            url = self._open_url()
        except Exception as error:  # slack_sdk, urllib and http.client raise their own kinds
            problem = refusal_of(error)
            if problem is not None:
                raise problem from error
            logger.debug("apps.connections.open failed", exc_info=error)
            return failure_reason(error), retry_after(error)
        self._client.wss_uri = url
        try:
            self._client.connect()
        except Exception as error:  # any failure here is one more attempt
            return f"WebSocket failed: {type(error).__name__}", 0.0
        session = self._client.current_session
        if session is None or session.sock is None:
            return "the WebSocket handshake was refused or cut", 0.0
        session.sock = EndOfStreamIsClosed(session.sock)  # type: ignore[assignment]
        self._seen_connected()
        return None


def app_token_opener(settings: Settings) -> Callable[[], str]:
    """`apps.connections.open` on its own client: no retries of its own and a short timeout,
    so the supervisor's backoff is the only one and a hung Slack costs seconds, not minutes."""
    app_token = settings.slack_app_token or ""
    client = make_web_client(settings, token=app_token)
    client.timeout = OPEN_TIMEOUT_SECONDS
    client.retry_handlers = []
    quiet = logging.getLogger("slack_sdk.web.aplauso_socket_open")
    quiet.setLevel(logging.CRITICAL)  # a failed call is the supervisor's one line, not two
    client._logger = quiet  # slack_sdk takes a logger only in its constructor

    def open_url() -> str:
        return str(client.apps_connections_open(app_token=app_token)["url"])

    return open_url


def socket_mode(settings: Settings, bolt_app: App, web_client: WebClient) -> SocketSupervisor:
    """The supervised client with the Bolt app on it; nothing connects until `connect_first`."""
    sdk_logger = logging.getLogger("slack_sdk.socket_mode.aplauso")
    if not any(isinstance(f, _DropConnectionNoise) for f in sdk_logger.filters):
        sdk_logger.addFilter(_DropConnectionNoise())
    client = SupervisedClient(
        app_token=settings.slack_app_token or "",
        logger=sdk_logger,
        web_client=web_client,
        auto_reconnect_enabled=False,
        ping_interval=PING_INTERVAL_SECONDS,
    )
    BoltEnvelopes(bolt_app, client)
    supervisor = SocketSupervisor(
        client, app_token_opener(settings), retry_cap=settings.socket_retry_max_seconds
    )
    client.on_refresh = supervisor.request_refresh
    client.on_error_listeners.append(lambda _error: supervisor.request_wake())
    client.on_close_listeners.append(lambda _code, _reason: supervisor.request_wake())
    return supervisor
