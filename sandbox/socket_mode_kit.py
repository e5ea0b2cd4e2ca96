"""``SocketModeSlackClient``: the request kit over Socket Mode instead of signed HTTP.

Every method of :class:`~sandbox.slack_requests.SignedSlackClient` works the same (same
payloads, same trigger ids and response URLs from the fake), but each payload goes out as a
Socket Mode envelope on the fake's WebSocket (``slash_commands``, ``interactive``,
``events_api`` with ``retry_attempt``/``retry_reason``), and the answer is the app's
acknowledgement: ``status`` 200 with ``json`` set to the ack's ``payload`` (None when the ack
carried none), or ``status`` 0 when no acknowledgement arrived in time, which Slack would treat
as a failed delivery.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sandbox.kit_transport import Delivery, SlackResponse
from sandbox.slack_requests import SlackKit

if TYPE_CHECKING:
    from sandbox.fake_slack import FakeSlack

NO_ACK_STATUS = 0


class SocketModeSlackClient(SlackKit):
    """Sends what Slack sends through the fake's Socket Mode server and waits for the ack."""

    def __init__(self, fake: FakeSlack, team_id: str = "TSANDBOX", *, ack_timeout: float = 5.0):
        super().__init__(fake, team_id)
        self.server = fake.socket_mode
        self.ack_timeout = ack_timeout

    def _deliver(
        self,
        delivery: Delivery,
        sent: dict[str, Any],
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackResponse:
        if delivery == "form":
            envelope_id = self.server.send_slash_command(sent)
        elif delivery == "payload":
            envelope_id = self.server.send_interactive(sent)
        elif sent.get("type") == "url_verification":
            raise ValueError("Socket Mode apps are not sent url_verification")
        else:
            headers = {name.lower(): value for name, value in (extra_headers or {}).items()}
            retry_attempt = int(headers.get("x-slack-retry-num", "0"))
            retry_reason = headers.get("x-slack-retry-reason", "")
            envelope_id = self.server.send_event(
                sent, retry_attempt=retry_attempt, retry_reason=retry_reason
            )
        ack = self.server.wait_for_ack(envelope_id, timeout=self.ack_timeout)
        headers_out = {"envelope_id": envelope_id}
        if ack is None:
            return SlackResponse(NO_ACK_STATUS, "", None, headers_out, sent)
        payload = ack.get("payload")
        body = json.dumps(payload) if payload is not None else ""
        return SlackResponse(200, body, payload, headers_out, sent)
