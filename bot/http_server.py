"""HTTP front door: `POST /slack/events` for everything Slack sends, `GET /healthz` for probes.

Served over HTTP by gunicorn's worker processes (bot/gunicorn_app.py); in Socket Mode,
waitress serves only `/healthz`. Every Slack request passes the door here (size, signature,
age, shape, replay) before Bolt sees it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltRequest
from slack_bolt.request.internals import build_context

from bot.outage import log_failure
from bot.payload_shape import Payload, ShapeError, read_payload
from bot.request_guard import (
    Refusal,
    ReplayCache,
    ReplayGuard,
    read_signed_headers,
    signature_matches,
)
from bot.request_labels import describe_request

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
        health_checks: Mapping[str, Callable[[], tuple[bool, str]]] | None = None,
        replay_cache: ReplayCache | None = None,
    ) -> None:
        """`health_probe` answers None when the database is reachable, else a short reason;
        each of `health_checks` (Slack, the scheduler) answers (healthy, state)."""
        self.bolt_app = bolt_app
        self.health_probe = health_probe
        self.health_checks = dict(health_checks or {})
        self.signing_secret = signing_secret or None
        self.replays = ReplayGuard(replay_cache)

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
        """200 only while every part works; each part's state is named for the operator."""
        problem = self.health_probe()
        body = {"status": "ok", "database": "ok" if problem is None else f"unreachable: {problem}"}
        healthy = problem is None
        for name, check in self.health_checks.items():
            part_ok, body[name] = check()
            healthy = healthy and part_ok
        if healthy:
            return _json("200 OK", body, start_response)
        return _json("503 Service Unavailable", {**body, "status": "error"}, start_response)

    def _slack(self, environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        """The door: headers, size, signature, shape and replay, each refused before Bolt."""
        assert self.bolt_app is not None
        admitted = self._admit(environ)
        if isinstance(admitted, Refusal):
            logger.info("refused at the door: %s %s", admitted.status, admitted.reason)
            phrase = _reason(admitted.status)
            return _json(f"{admitted.status} {phrase}", {"error": admitted.reason}, start_response)
        text, payload, headers = admitted
        bolt_headers: dict[str, str | Sequence[str]] = dict(headers)
        query = environ.get("QUERY_STRING", "")
        # Bolt is given the door's parse rather than parsing the body again (it would also
        # guess forms by the word "payload"); the raw text stays for whoever reads it. Bolt
        # parses raw_body again only for lazy listeners, which this app does not use.
        bolt_request = BoltRequest(body="", query=query, headers=bolt_headers)
        bolt_request.raw_body = text
        bolt_request.body = payload.body
        bolt_request.context = build_context(BoltContext(), payload.body)
        try:
            response = self.bolt_app.dispatch(bolt_request)
        except Exception as error:  # Bolt's own error path failed: log it, never the payload
            log_failure(error, payload.body, "request")
            return _json("500 Internal Server Error", {"error": "internal"}, start_response)
        if response.status >= 500:
            log = logger.warning if response.status == 503 else logger.error
            log("dispatch answered %s for %s", response.status, describe_request(payload.body))
        response_headers = [
            (name, value) for name, values in response.headers.items() for value in values
        ]
        body = response.body.encode() if isinstance(response.body, str) else response.body
        start_response(f"{response.status} {_reason(response.status)}", response_headers)
        return [body]

    def _admit(self, environ: WSGIEnvironment) -> Refusal | tuple[str, Payload, dict[str, str]]:
        """The body's text, payload and headers once every check passed, else the refusal."""
        headers = _headers_of(environ)
        signed = read_signed_headers(headers, time.time())
        if isinstance(signed, Refusal):
            return signed
        if self.signing_secret is None:
            return Refusal(401, "no signing secret configured")
        try:
            length = int(headers.get("content-length") or 0)
        except ValueError:
            return Refusal(400, "malformed content length")
        if length < 0 or length > MAX_BODY_BYTES:
            return Refusal(413, "body too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        if len(raw) != length:
            return Refusal(400, "body shorter than its content length")
        if not signature_matches(self.signing_secret, signed, raw):
            return Refusal(401, "invalid signature")
        try:
            text = raw.decode("utf-8")
            payload = read_payload(text, headers.get("content-type", ""))
        except UnicodeDecodeError:
            return Refusal(400, "body is not UTF-8")
        except ShapeError as error:
            return Refusal(400, str(error))
        if not self.replays.first_sight(signed):
            return Refusal(401, "replayed request")
        return text, payload, headers


def _headers_of(environ: WSGIEnvironment) -> dict[str, str]:
    """Request headers by lower-case name, as the door and Bolt read them."""
    headers = {
        name[5:].replace("_", "-").lower(): str(value)
        for name, value in environ.items()
        if name.startswith("HTTP_")
    }
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            headers[name.replace("_", "-").lower()] = str(environ[name])
    return headers


_PHRASES = {status.value: status.phrase for status in HTTPStatus}
"""Looked up once: building an `HTTPStatus` per answer showed in the profile of every kudos."""


def _reason(status: int) -> str:
    return _PHRASES.get(status, "")
