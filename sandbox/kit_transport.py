"""The base of the request kit: the answer type, the sender, and the short-lived tokens.

With a :class:`~sandbox.fake_slack.FakeSlack` attached, trigger ids and response URLs are real
ones the fake will honour, and messages people "type" are stored in the fake. How a payload
travels is left to the transport: signed HTTP (:class:`~sandbox.slack_requests.SignedSlackClient`)
or Socket Mode envelopes (:class:`~sandbox.socket_mode_kit.SocketModeSlackClient`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sandbox.slack_payloads import JsonDict, Origin, action_ts, rich_text_blocks

if TYPE_CHECKING:
    from sandbox.fake_slack import FakeSlack

EVENTS_PATH = "/slack/events"
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class SlackResponse:
    """The app's answer: status, raw body, parsed JSON (None if not JSON), headers.

    ``sent`` is the payload that was delivered (form fields or JSON), so a test can read the
    ``trigger_id``, ``response_url`` or ``event_id`` it carried.
    """

    status: int
    body: str
    json: Any | None
    headers: dict[str, str]
    sent: dict[str, Any] = field(default_factory=dict)


def compute_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """``v0=<hex>``: Slack's request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


Delivery = Literal["form", "payload", "json"]


class KitBase:
    """What every kit shares: who sends (``origin``), the fake that issues tokens, and the
    delivery of one payload (:meth:`_deliver`, which each transport implements)."""

    def __init__(self, fake: FakeSlack | None = None, team_id: str = "TSANDBOX") -> None:
        self.fake = fake
        self.origin = Origin(
            team_id=team_id,
            team_domain=fake.team_domain if fake else "sandbox",
            api_app_id=fake.app_id if fake else "AAPLAUSO",
            bot_user_id=fake.bot_user_id if fake else "UAPLAUSOBOT",
        )

    def _deliver(
        self,
        delivery: Delivery,
        sent: dict[str, Any],
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackResponse:
        """Send one payload: ``form`` (slash command fields), ``payload`` (an interactive
        payload) or ``json`` (an Events API body); ``extra_headers`` carry retry headers."""
        raise NotImplementedError

    def _post_form(self, fields: dict[str, str]) -> SlackResponse:
        return self._deliver("form", dict(fields))

    def _post_payload(self, payload: JsonDict) -> SlackResponse:
        return self._deliver("payload", payload)

    def _post_json(
        self, payload: JsonDict, extra_headers: Mapping[str, str] | None = None
    ) -> SlackResponse:
        return self._deliver("json", payload, extra_headers)

    # -- tokens from the fake -----------------------------------------------------------
    def _trigger_id(self, user_id: str) -> str:
        if self.fake is not None:
            return self.fake.new_trigger_id(user_id)
        return f"{int(time.time())}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"

    def _response_url(
        self, *, channel_id: str | None, user_id: str, message_ts: str | None = None
    ) -> str:
        if self.fake is not None:
            return self.fake.new_response_url(
                channel_id=channel_id, user_id=user_id, message_ts=message_ts
            )
        token = secrets.token_urlsafe(18)
        return f"https://hooks.slack.com/actions/{self.origin.team_id}/1/{token}"

    def _channel_name(self, channel_id: str) -> str:
        if channel_id.startswith("D"):
            return "directmessage"
        if self.fake is not None:
            info = self.fake.channel_name(channel_id)
            if info:
                return info
        return channel_id.lower()

    def _dm_id(self, user_id: str) -> str:
        return self.fake.dm_channel_id(user_id) if self.fake is not None else f"D{user_id}"

    def _typed_message(self, channel: str, user_id: str, text: str, thread_ts: str | None) -> str:
        if self.fake is not None:
            blocks = rich_text_blocks(text)
            return self.fake.add_message(channel, user_id, text, thread_ts=thread_ts, blocks=blocks)
        return action_ts()
