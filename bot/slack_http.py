"""Slack's Web API and response URLs over kept-alive connections, pooled per host.

slack-sdk sends every call through `urllib.request.urlopen`, which opens a new connection
(a new TLS handshake, against slack.com) for each call and closes it after. A recorded kudos
makes two calls; at a hundred kudos a second that is two hundred handshakes a second, CPU
and round trips the app spends before it can answer. Here a connection goes back to the
process's pool once its answer has been read, and the next call to that host reuses it while
the server keeps it open.

What does not change: the request slack-sdk built (method, headers, body), and the errors
its retry handlers read. A failure to send is a `URLError`, as urllib raises it; a dropped
connection while waiting for the answer is the same `RemoteDisconnected`/`ConnectionResetError`;
a status other than 2xx is an `HTTPError`. So a post that may have landed is still never
resent blindly (bot/slack_client.py). A connection idle for longer than `IDLE_SECONDS`, or
one the server has closed meanwhile (readable while idle), is replaced before it is used, so
a stale connection does not turn into a failed call.
"""

from __future__ import annotations

import atexit
import http.client
import io
import os
import select
import threading
import time
from dataclasses import dataclass
from ssl import SSLContext
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

IDLE_SECONDS = 20.0
"""A connection left idle longer is not reused: well below the idle timeouts of Slack's
load balancers, so the server is not closing it just as a request goes out."""

MAX_IDLE_PER_HOST = 64
"""More idle connections than a process has threads calling Slack would never be used."""

Key = tuple[str, str, int]


@dataclass(frozen=True)
class Answer:
    """A 2xx answer: its status, headers and body (undecoded)."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class _Held:
    connection: http.client.HTTPConnection
    idle_since: float


class KeptAliveConnections:
    """The process's idle connections, by scheme/host/port; a request takes the one returned
    last (or opens one) and gives it back when its answer has been read, unless the server
    said it would close it. Shared by every thread, so none is lost when a thread ends."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._idle_seconds = idle_seconds
        self._lock = threading.Lock()
        self._idle: dict[Key, list[_Held]] = {}
        os.register_at_fork(after_in_child=self._forget_inherited)
        atexit.register(self.close_all)

    def send(self, request: Request, *, ssl_context: SSLContext | None, timeout: float) -> Answer:
        """Sends one request; raises as urlopen would (`URLError`, `HTTPError`, ...)."""
        parts = urlsplit(request.full_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise URLError(f"unsupported URL: {request.full_url}")
        default_port = 443 if parts.scheme == "https" else 80
        key: Key = (parts.scheme, parts.hostname, parts.port or default_port)
        connection = self._take(key, ssl_context, timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = dict(request.header_items())
        try:
            connection.request(request.get_method(), target, body=request.data, headers=headers)
        except OSError as error:  # what urllib raises when a request cannot be sent
            connection.close()
            raise URLError(error) from error
        try:
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self._give_back(key, connection)
        if not 200 <= response.status < 300:
            raise HTTPError(
                request.full_url, response.status, response.reason, response.msg, io.BytesIO(body)
            )
        return Answer(response.status, response.msg, body)

    def close_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for held in (held for pool in idle.values() for held in pool):
            held.connection.close()

    def _take(
        self, key: Key, ssl_context: SSLContext | None, timeout: float
    ) -> http.client.HTTPConnection:
        now = time.monotonic()
        with self._lock:
            pool = self._idle.get(key, [])
            stale = [held for held in pool if now - held.idle_since >= self._idle_seconds]
            pool[:] = [held for held in pool if now - held.idle_since < self._idle_seconds]
            held = pool.pop() if pool else None
        for old in stale:
            old.connection.close()
        if held is not None and not _closed_by_server(held.connection):
            held.connection.timeout = timeout
            return held.connection
        if held is not None:
            held.connection.close()
        scheme, host, port = key
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl_context)
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def _give_back(self, key: Key, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            pool = self._idle.setdefault(key, [])
            if len(pool) < MAX_IDLE_PER_HOST:
                pool.append(_Held(connection, time.monotonic()))
                return
        connection.close()

    def _forget_inherited(self) -> None:
        """A forked child must not share its parent's sockets: it starts with none (they are
        left to the parent, not closed)."""
        self._lock = threading.Lock()
        self._idle = {}


def _closed_by_server(connection: http.client.HTTPConnection) -> bool:
    """An idle connection with something to read has been closed (or broken) by the server."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


KEPT_ALIVE = KeptAliveConnections()
"""The process's connections to Slack, shared by every client it builds."""
