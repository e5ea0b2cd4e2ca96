"""Slack's Socket Mode endpoint on loopback: the WebSocket that ``apps.connections.open`` hands out.

What Slack does (https://api.slack.com/apis/socket-mode) and this server does the same:

- ``apps.connections.open`` (app-level ``xapp-`` token) answers a one-use URL,
  ``ws://127.0.0.1:<port>/link/?ticket=...&app_id=...`` here (``wss://wss-primary.slack.com/...``
  in Slack); a reused or invented ticket is refused at the handshake;
- on connect the server sends ``{"type": "hello", "num_connections": N, "connection_info":
  {"app_id": ...}, "debug_info": {...}}``;
- payloads arrive in envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"}``
  (``events_api`` with ``retry_attempt``/``retry_reason``, ``slash_commands``, ``interactive``);
  the app acknowledges each with ``{"envelope_id": ..., "payload": {...}?}``, which is recorded;
- Slack may send ``{"type": "disconnect", "reason": "refresh_requested" | "warning" |
  "link_disabled"}`` and close the socket; the app must reconnect with a new URL.

Tests can also make the next connections fail (handshake refused, or closed before ``hello``),
drop the open ones the way a network does (no ``disconnect``, no close frame), and count the
acknowledgements of each envelope (Slack expects exactly one). ``apps.connections.open`` itself
fails through ``FakeSlack.fail_next`` / ``reset_next`` / ``revoke_app_token``.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import struct
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

JsonDict = dict[str, Any]
LINK_PATH = "/link/"
APPROXIMATE_CONNECTION_TIME = 18060
_LOGGER = logging.getLogger("sandbox.socket_mode")


@dataclass
class _Link:
    """One open Socket Mode connection."""

    connection: ServerConnection
    opened_at: float
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: JsonDict) -> None:
        with self.send_lock:
            self.connection.send(json.dumps(message))


@dataclass(frozen=True)
class _Refusal:
    """How to fail one incoming connection: an HTTP status at the handshake, or (status None)
    accept the handshake and close before ``hello``."""

    status: int | None


class SocketModeServer:
    """A WebSocket server speaking Socket Mode; started on first use, thread-safe."""

    def __init__(self, app_id: str, host: str = "127.0.0.1") -> None:
        self.app_id = app_id
        self.host = host
        self._cond = threading.Condition()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._tickets: set[str] = set()
        self._links: list[_Link] = []
        self._refusals: list[_Refusal] = []
        self._envelopes: list[JsonDict] = []
        self._acks: dict[str, JsonDict] = {}
        self._ack_order: list[str] = []
        self._ack_counts: Counter[str] = Counter()
        self._opened = 0
        self._dropped = 0

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Bind and serve in a daemon thread (idempotent)."""
        with self._cond:
            if self._server is not None:
                return
            self._server = serve(
                self._handle,
                self.host,
                0,
                process_request=self._process_request,
                compression=None,
                ping_interval=None,
                logger=_LOGGER,
            )
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="fake-slack-socket-mode", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Close every connection and the listening socket."""
        with self._cond:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.shutdown()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def port(self) -> int:
        """The listening port (the server must be started)."""
        if self._server is None:
            raise RuntimeError("the Socket Mode server is not started")
        return int(self._server.socket.getsockname()[1])

    # -- apps.connections.open ----------------------------------------------------------
    def issue_url(self) -> str:
        """A fresh one-use WebSocket URL, as ``apps.connections.open`` returns it."""
        self.start()
        ticket = secrets.token_hex(16)
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}{LINK_PATH}?ticket={ticket}&app_id={self.app_id}"

    def fail_next_connections(self, times: int = 1, *, status: int | None = 503) -> None:
        """Fail the next ``times`` connections: refuse the handshake with ``status``, or with
        ``status=None`` accept it and close the socket before ``hello``."""
        with self._cond:
            self._refusals.extend([_Refusal(status)] * times)

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        ticket = (parse_qs(parts.query).get("ticket") or [""])[0]
        with self._cond:
            valid = parts.path == LINK_PATH and ticket in self._tickets
            self._tickets.discard(ticket)
            refusal = self._refusals[0] if self._refusals and valid else None
            if refusal is not None and refusal.status is not None:
                self._refusals.pop(0)
        if not valid:
            return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid or used ticket\n")
        if refusal is not None and refusal.status is not None:
            return connection.respond(refusal.status, "connection refused by the fake\n")
        return None

    # -- a connection -------------------------------------------------------------------
    def _handle(self, connection: ServerConnection) -> None:
        with self._cond:
            if self._refusals and self._refusals[0].status is None:
                self._refusals.pop(0)
                drop = True
            else:
                drop = False
        if drop:
            connection.close(1011, "dropped by the fake")
            return
        link = _Link(connection, time.monotonic())
        with self._cond:
            self._links.append(link)
            self._opened += 1
            count = len(self._links)
            self._cond.notify_all()
        try:
            link.send(self._hello(count))
            for raw in connection:
                self._receive(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if link in self._links:
                    self._links.remove(link)
                self._cond.notify_all()

    def _hello(self, count: int) -> JsonDict:
        return {
            "type": "hello",
            "num_connections": count,
            "debug_info": {
                "host": "applink-sandbox",
                "build_number": 1,
                "approximate_connection_time": APPROXIMATE_CONNECTION_TIME,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _receive(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
            return
        with self._cond:
            envelope_id = message["envelope_id"]
            if envelope_id not in self._acks:
                self._ack_order.append(envelope_id)
            self._acks[envelope_id] = message
            self._ack_counts[envelope_id] += 1
            self._cond.notify_all()

    # -- what tests do ------------------------------------------------------------------
    @property
    def connections(self) -> int:
        """How many connections are open now."""
        with self._cond:
            return len(self._links)

    @property
    def opened(self) -> int:
        """How many connections completed the handshake and got ``hello`` so far."""
        with self._cond:
            return self._opened

    def wait_for_connections(
        self, count: int = 1, *, timeout: float = 5.0, opened: bool = False
    ) -> bool:
        """Wait until ``count`` connections are open (or, with ``opened``, have ever opened)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: (self._opened if opened else len(self._links)) >= count, timeout
            )

    def send(
        self,
        kind: str,
        payload: JsonDict,
        *,
        accepts_response_payload: bool,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Send one envelope on the newest open connection (waiting up to ``timeout`` for one);
        returns its ``envelope_id``."""
        envelope: JsonDict = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason or ""
        with self._cond:
            if not self._cond.wait_for(lambda: bool(self._links), timeout):
                raise TimeoutError("no Socket Mode connection is open")
            link = self._links[-1]
            self._envelopes.append(envelope)
        link.send(envelope)
        return str(envelope["envelope_id"])

    def send_event(self, body: JsonDict, *, retry_attempt: int = 0, retry_reason: str = "") -> str:
        """An Events API ``event_callback`` body in an ``events_api`` envelope."""
        return self.send(
            "events_api",
            body,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    def send_slash_command(self, fields: dict[str, str]) -> str:
        """A slash command's fields (the same as the HTTP form) in a ``slash_commands`` envelope."""
        return self.send("slash_commands", dict(fields), accepts_response_payload=True)

    def send_interactive(self, payload: JsonDict) -> str:
        """A shortcut, block action or view payload in an ``interactive`` envelope."""
        return self.send("interactive", payload, accepts_response_payload=True)

    def disconnect(
        self, reason: str = "refresh_requested", *, close_after: float | None = None
    ) -> None:
        """Send ``disconnect`` on every open connection; ``close_after`` seconds later (if given)
        close them, as Slack does after a refresh (``warning`` comes ~10 s before)."""
        with self._cond:
            links = list(self._links)
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "wss-sandbox"}}
        for link in links:
            try:
                link.send(message)
            except ConnectionClosed:
                continue
        if close_after is not None:
            timer = threading.Timer(close_after, self._close_links, args=(links,))
            timer.daemon = True
            timer.start()

    @staticmethod
    def _close_links(links: list[_Link]) -> None:
        for link in links:
            link.connection.close(1000, "refreshed")

    def drop_connections(self) -> int:
        """Cut every open connection as a network failure does: no ``disconnect`` message, no
        close frame, a TCP reset. Returns how many were cut."""
        with self._cond:
            links = list(self._links)
            self._dropped += len(links)
        for link in links:
            raw = link.connection.socket
            try:  # the reader sees an end of stream and closes the socket; SO_LINGER 0
                # makes that close a TCP reset, with no close frame sent first
                raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                raw.shutdown(socket.SHUT_RD)
            except OSError:
                continue
        return len(links)

    @property
    def dropped(self) -> int:
        """How many connections :meth:`drop_connections` has cut so far."""
        with self._cond:
            return self._dropped

    def wait_for_ack(self, envelope_id: str, *, timeout: float = 5.0) -> JsonDict | None:
        """The app's acknowledgement of an envelope (``{"envelope_id", "payload"?}``), or None."""
        with self._cond:
            self._cond.wait_for(lambda: envelope_id in self._acks, timeout)
            return self._acks.get(envelope_id)

    def ack_count(self, envelope_id: str) -> int:
        """How many acknowledgements an envelope got (Slack expects exactly one)."""
        with self._cond:
            return self._ack_counts[envelope_id]

    @property
    def acks(self) -> list[JsonDict]:
        """Every acknowledgement received, in arrival order."""
        with self._cond:
            return [self._acks[envelope_id] for envelope_id in self._ack_order]

    @property
    def envelopes(self) -> list[JsonDict]:
        """Every envelope sent, oldest first."""
        with self._cond:
            return list(self._envelopes)
