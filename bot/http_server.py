"""HTTP front door: `POST /slack/events` for everything Slack sends, `GET /healthz` for probes.

Served by waitress, a production WSGI server in pure Python: multi-threaded in one process
(so the scheduler runs exactly once per `serve`, never once per worker), no compiled
dependencies, and no fork, which keeps SQLite and the scheduler simple.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_sdk.signature import SignatureVerifier

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger("aplauso.http")

MAX_BODY_BYTES = 1_000_000
EVENTS_PATH = "/slack/events"


def _json(status: str, payload: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


class AplausoWSGI:
    """The WSGI application; `bolt_app` is None in Socket Mode, where only /healthz is served."""

    def __init__(
        self,
        bolt_app: App | None,
        health_probe: Callable[[], str | None],
        signing_secret: str | None,
    ) -> None:
        """`health_probe` answers None when the database is reachable, else a short reason."""
        self.bolt_app = bolt_app
        self.health_probe = health_probe
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status_seen: list[str] = []

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            status_seen.append(status)
            return start_response(status, headers, exc_info)

        try:
            return self._route(environ, recording_start_response)
        finally:
            logger.info(
                "%s %s %s %.1fms",
                environ.get("REQUEST_METHOD"),
                environ.get("PATH_INFO"),
                status_seen[0].split(" ", 1)[0] if status_seen else "-",
                (time.perf_counter() - started) * 1000,
            )

    def _route(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method in ("GET", "HEAD"):
            return self._health(start_response)
        if path == EVENTS_PATH and self.bolt_app is not None:
            if method != "POST":
                return _json("405 Method Not Allowed", {"error": "use POST"}, start_response)
            return self._slack(environ, start_response)
        return _json("404 Not Found", {"error": "not found"}, start_response)

    def _health(self, start_response: StartResponse) -> list[bytes]:
        problem = self.health_probe()
        if problem is None:
            return _json("200 OK", {"status": "ok", "database": "ok"}, start_response)
        return _json(
            "503 Service Unavailable",
            {"status": "error", "database": f"unreachable: {problem}"},
            start_response,
        )

    def _slack(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        assert self.bolt_app is not None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            return _json("413 Payload Too Large", {"error": "body too large"}, start_response)
        request = WsgiHttpRequest(environ)
        try:
            body = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
        except UnicodeDecodeError:
            return _json("400 Bad Request", {"error": "body is not UTF-8"}, start_response)
        headers = request.get_headers()
        first_values = {
            name: value if isinstance(value, str) else (value[0] if value else "")
            for name, value in headers.items()
        }
        if self.verifier is not None and not self.verifier.is_valid_request(body, first_values):
            return _json("401 Unauthorized", {"error": "invalid signature"}, start_response)
        try:
            bolt_request = BoltRequest(body=body, query=request.query_string, headers=headers)
        except (ValueError, KeyError, TypeError, AttributeError):
            return _json("400 Bad Request", {"error": "malformed request"}, start_response)
        if not bolt_request.body:
            return _json("400 Bad Request", {"error": "malformed request"}, start_response)
        response = self.bolt_app.dispatch(bolt_request)
        if response.status >= 500:
            logger.error("dispatch answered %s", response.status)
        response_headers = [
            (name, value) for name, values in response.headers.items() for value in values
        ]
        payload = response.body.encode() if isinstance(response.body, str) else response.body
        start_response(f"{response.status} {_reason(response.status)}", response_headers)
        return [payload]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
