"""``SignedSlackClient``: sends the app what Slack sends, signed with the signing secret.

Every request goes to ``<app_url>/slack/events`` with ``X-Slack-Request-Timestamp`` and
``X-Slack-Signature = v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``, in the content type Slack
uses: form fields for slash commands, ``payload=<json>`` forms for interactivity, JSON for the
Events API. With a :class:`~sandbox.fake_slack.FakeSlack` attached, trigger ids and response
URLs are real ones the fake will honour, messages people "type" are stored in the fake, and
modal submissions/closes update the fake's open modals the way Slack would.

What can be sent lives in :mod:`sandbox.kit_commands`, :mod:`sandbox.kit_interactions` and
:mod:`sandbox.kit_events`; this module adds the HTTP transport. Responses are returned whatever
their status (4xx/5xx included), never raised.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from sandbox.kit_commands import CommandsKit
from sandbox.kit_events import EventsKit
from sandbox.kit_interactions import InteractionsKit
from sandbox.kit_transport import (
    EVENTS_PATH,
    FORM_TYPE,
    JSON_TYPE,
    Delivery,
    SlackResponse,
    compute_signature,
)

if TYPE_CHECKING:
    from sandbox.fake_slack import FakeSlack

__all__ = ["EVENTS_PATH", "SignedSlackClient", "SlackKit", "SlackResponse", "compute_signature"]


class SlackKit(CommandsKit, InteractionsKit, EventsKit):
    """Everything Slack sends an app, whatever the transport."""


def encoded(delivery: Delivery, sent: dict[str, Any]) -> tuple[bytes, str]:
    """The body and content type Slack uses over HTTP for this kind of payload."""
    if delivery == "form":
        return urlencode(sent).encode(), FORM_TYPE
    if delivery == "payload":
        return urlencode({"payload": json.dumps(sent)}).encode(), FORM_TYPE
    return json.dumps(sent).encode(), JSON_TYPE


class RequestRecorder(SlackKit):
    """Builds what Slack would send, unsigned and unsent, for a load generator in another
    process to sign at send time (a bench's load must not share the fake's interpreter).
    Tokens still come from the fake, which honours them when the app uses them."""

    def __init__(self, fake: FakeSlack | None = None, team_id: str = "TSANDBOX") -> None:
        super().__init__(fake, team_id)
        self.recorded: list[tuple[str, str]] = []

    def _deliver(
        self,
        delivery: Delivery,
        sent: dict[str, Any],
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackResponse:
        body, content_type = encoded(delivery, sent)
        self.recorded.append((content_type, body.decode()))
        return SlackResponse(0, "", None, {}, sent)


class SignedSlackClient(SlackKit):
    """Delivers signed Slack requests to an app over HTTP (thread-safe: no shared socket)."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        fake: FakeSlack | None = None,
        team_id: str = "TSANDBOX",
        *,
        timeout: float = 10.0,
    ) -> None:
        super().__init__(fake, team_id)
        parts = urlsplit(app_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"app_url must be http://host:port, got {app_url!r}")
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.timeout = timeout
        self._host = parts.hostname
        self._port = parts.port or 80
        path = parts.path.rstrip("/")
        self._path = path if path.endswith(EVENTS_PATH) else path + EVENTS_PATH

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """Signature headers for a body; pass an old ``timestamp`` to forge a stale request."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        return {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": compute_signature(self.signing_secret, ts, body),
        }

    def raw(self, body: bytes, headers: Mapping[str, str]) -> SlackResponse:
        """POST exactly these bytes and headers (no signing): for malformed-input tests."""
        return self._send(body, dict(headers), {})

    def _deliver(
        self,
        delivery: Delivery,
        sent: dict[str, Any],
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackResponse:
        """Send one payload the way Slack sends that kind over HTTP, signed."""
        body, content_type = encoded(delivery, sent)
        headers = {"Content-Type": content_type, **self.sign(body), **(extra_headers or {})}
        return self._send(body, headers, sent)

    def _send(self, body: bytes, headers: dict[str, str], sent: dict[str, Any]) -> SlackResponse:
        headers.setdefault("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
        try:
            connection.request("POST", self._path, body=body, headers=headers)
            response = connection.getresponse()
            raw_body = response.read().decode("utf-8", "replace")
            response_headers = {name.lower(): value for name, value in response.getheaders()}
            status = response.status
        finally:
            connection.close()
        try:
            parsed: Any | None = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            parsed = None
        return SlackResponse(status, raw_body, parsed, response_headers, sent)
