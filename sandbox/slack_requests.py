"""``SignedSlackClient``: sends the app what Slack sends, signed with the signing secret.

Every request goes to ``<app_url>/slack/events`` with ``X-Slack-Request-Timestamp`` and
``X-Slack-Signature = v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``, in the content type Slack
uses: form fields for slash commands, ``payload=<json>`` forms for interactivity, JSON for the
Events API. With a :class:`~sandbox.fake_slack.FakeSlack` attached, trigger ids and response
URLs are real ones the fake will honour, messages people "type" are stored in the fake, and
modal submissions/closes update the fake's open modals the way Slack would.

Responses are returned whatever their status (4xx/5xx included), never raised.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from sandbox import slack_payloads as build
from sandbox.slack_payloads import JsonDict, Origin

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


class SignedSlackClient:
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
        parts = urlsplit(app_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"app_url must be http://host:port, got {app_url!r}")
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.fake = fake
        self.timeout = timeout
        self._host = parts.hostname
        self._port = parts.port or 80
        path = parts.path.rstrip("/")
        self._path = path if path.endswith(EVENTS_PATH) else path + EVENTS_PATH
        self.origin = Origin(
            team_id=team_id,
            team_domain=fake.team_domain if fake else "sandbox",
            api_app_id=fake.app_id if fake else "AAPLAUSO",
            bot_user_id=fake.bot_user_id if fake else "UAPLAUSOBOT",
        )

    # -- transport ----------------------------------------------------------------------
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

    def _post(
        self,
        body: bytes,
        content_type: str,
        sent: dict[str, Any],
        extra_headers: Mapping[str, str] | None = None,
    ) -> SlackResponse:
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

    def _post_form(self, fields: dict[str, str]) -> SlackResponse:
        return self._post(urlencode(fields).encode(), FORM_TYPE, dict(fields))

    def _post_payload(self, payload: JsonDict) -> SlackResponse:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._post(body, FORM_TYPE, payload)

    def _post_json(
        self, payload: JsonDict, extra_headers: Mapping[str, str] | None = None
    ) -> SlackResponse:
        return self._post(json.dumps(payload).encode(), JSON_TYPE, payload, extra_headers)

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

    # -- commands and shortcuts ---------------------------------------------------------
    def slash_command(
        self,
        command: str,
        text: str,
        *,
        user_id: str,
        channel_id: str = "C_GENERAL",
        user_name: str | None = None,
    ) -> SlackResponse:
        """A slash command typed in ``channel_id`` (form-encoded, like Slack sends it)."""
        fields = build.slash_command_form(
            self.origin,
            command=command,
            text=text,
            user_id=user_id,
            user_name=user_name,
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id),
            response_url=self._response_url(channel_id=channel_id, user_id=user_id),
            trigger_id=self._trigger_id(user_id),
        )
        return self._post_form(fields)

    def global_shortcut(self, callback_id: str, *, user_id: str) -> SlackResponse:
        """A global shortcut (``type: shortcut``)."""
        payload = build.global_shortcut_payload(
            self.origin,
            callback_id=callback_id,
            user_id=user_id,
            trigger_id=self._trigger_id(user_id),
        )
        return self._post_payload(payload)

    def message_shortcut(
        self, callback_id: str, *, user_id: str, channel_id: str, message: JsonDict
    ) -> SlackResponse:
        """A message shortcut (``type: message_action``) on ``message`` (needs ts/user/text)."""
        payload = build.message_shortcut_payload(
            self.origin,
            callback_id=callback_id,
            user_id=user_id,
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id),
            message=message,
            trigger_id=self._trigger_id(user_id),
            response_url=self._response_url(
                channel_id=channel_id, user_id=user_id, message_ts=message.get("ts")
            ),
        )
        return self._post_payload(payload)

    # -- interactivity ------------------------------------------------------------------
    def block_action(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str | None = None,
        block_id: str | None = None,
        container: JsonDict | None = None,
        message: JsonDict | None = None,
        view: JsonDict | None = None,
        channel_id: str | None = None,
        selected_option: JsonDict | None = None,
    ) -> SlackResponse:
        """A click or choice on an interactive element in a message, modal or Home tab.

        When the element is found in ``message``/``view`` blocks, its type, text, value and
        block id are taken from there. A ``view`` given as ``{"id": ...}`` is completed from
        the fake's open modals or Home tabs.
        """
        view = self._known_view(view)
        blocks = (view or message or {}).get("blocks")
        found_block_id, element = build.find_element(blocks, action_id)
        action = build.block_action_entry(
            action_id=action_id,
            block_id=block_id or found_block_id,
            value=value,
            selected_option=selected_option,
            element=element,
        )
        response_url = None
        channel = None
        if message is not None and channel_id is None and self.fake is not None:
            channel_id = self.fake.channel_of_message(str(message.get("ts", "")))
        if view is not None:
            default_container: JsonDict = {"type": "view", "view_id": view.get("id")}
        else:
            default_container = {
                "type": "message",
                "message_ts": (message or {}).get("ts"),
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
        if channel_id is not None:
            channel = {"id": channel_id, "name": self._channel_name(channel_id)}
            if view is None:
                response_url = self._response_url(
                    channel_id=channel_id,
                    user_id=user_id,
                    message_ts=(message or {}).get("ts"),
                )
        payload = build.block_actions_payload(
            self.origin,
            user_id=user_id,
            action=action,
            trigger_id=self._trigger_id(user_id),
            container=container or default_container,
            channel=channel,
            message=message,
            view=view,
            response_url=response_url,
        )
        return self._post_payload(payload)

    def _known_view(self, view: JsonDict | None) -> JsonDict | None:
        if view is None or self.fake is None:
            return view
        view_id = view.get("id")
        stored = self.fake.find_view(str(view_id)) if view_id else None
        return {**stored, **view} if stored is not None else view

    def view_submission(
        self,
        callback_id: str,
        *,
        user_id: str,
        view_id: str,
        state_values: JsonDict,
        private_metadata: str = "",
        hash: str | None = None,
    ) -> SlackResponse:
        """The person submits a modal; the fake then closes/updates it per the app's answer."""
        view = self._submitted_view(view_id, callback_id, private_metadata, hash)
        view["state"] = {"values": state_values}
        payload = build.view_payload(
            self.origin,
            kind="view_submission",
            user_id=user_id,
            view=view,
            trigger_id=self._trigger_id(user_id),
        )
        response = self._post_payload(payload)
        if self.fake is not None and response.status == 200:
            self.fake.apply_view_submission_response(view_id, response.json)
        return response

    def view_closed(
        self,
        callback_id: str,
        *,
        user_id: str,
        view_id: str,
        private_metadata: str = "",
        is_cleared: bool = False,
    ) -> SlackResponse:
        """The person dismissed a modal (sent when the view has ``notify_on_close``)."""
        view = self._submitted_view(view_id, callback_id, private_metadata, None)
        payload = build.view_payload(
            self.origin, kind="view_closed", user_id=user_id, view=view, is_cleared=is_cleared
        )
        if self.fake is not None:
            self.fake.close_view(view_id, clear=is_cleared)
        return self._post_payload(payload)

    def _submitted_view(
        self, view_id: str, callback_id: str, private_metadata: str, view_hash: str | None
    ) -> JsonDict:
        stored = self.fake.find_view(view_id) if self.fake is not None else None
        view: JsonDict = stored or {
            "id": view_id,
            "team_id": self.origin.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": callback_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": "Modal"},
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": self.origin.api_app_id,
            "bot_id": "",
        }
        view["callback_id"] = callback_id
        if private_metadata:
            view["private_metadata"] = private_metadata
        if view_hash is not None:
            view["hash"] = view_hash
        return view

    def block_suggestion(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str,
        block_id: str | None = None,
        view: JsonDict | None = None,
    ) -> SlackResponse:
        """An external select asks the app for options (``type: block_suggestion``)."""
        view = self._known_view(view)
        payload: JsonDict = {
            "type": "block_suggestion",
            "user": self.origin.user(user_id),
            "container": {"type": "view", "view_id": (view or {}).get("id")},
            "api_app_id": self.origin.api_app_id,
            "token": self.origin.verification_token,
            "action_id": action_id,
            "block_id": block_id or "",
            "value": value,
            "team": self.origin.team,
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if view is not None:
            payload["view"] = view
        return self._post_payload(payload)

    # -- Events API ---------------------------------------------------------------------
    def event(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_time: int | None = None,
    ) -> SlackResponse:
        """Deliver one event in an ``event_callback`` envelope (a retry when ``retry_num``)."""
        event = {"event_ts": build.action_ts(), **event}
        envelope = build.event_envelope(
            self.origin,
            event,
            event_id=event_id or build.new_event_id(),
            event_time=event_time if event_time is not None else int(time.time()),
        )
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._post_json(envelope, headers)

    def app_home_opened(self, user_id: str, *, tab: str = "home") -> SlackResponse:
        """The person opened the app's Home (or Messages) tab."""
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self._dm_id(user_id),
            "tab": tab,
        }
        if self.fake is not None:
            home = self.fake.home_view(user_id)
            if home is not None and tab == "home":
                event["view"] = home
        return self.event(event)

    def reaction_added(
        self,
        user_id: str,
        reaction: str,
        channel: str,
        message_ts: str,
        item_user: str | None = None,
    ) -> SlackResponse:
        """Someone added an emoji reaction to a message (no message text, as in Slack)."""
        return self.event(
            build.reaction_event(
                "reaction_added",
                user_id=user_id,
                reaction=reaction,
                channel=channel,
                message_ts=message_ts,
                item_user=item_user,
            )
        )

    def reaction_removed(
        self,
        user_id: str,
        reaction: str,
        channel: str,
        message_ts: str,
        item_user: str | None = None,
    ) -> SlackResponse:
        """Someone removed their emoji reaction."""
        return self.event(
            build.reaction_event(
                "reaction_removed",
                user_id=user_id,
                reaction=reaction,
                channel=channel,
                message_ts=message_ts,
                item_user=item_user,
            )
        )

    def app_mention(
        self, user_id: str, text: str, channel: str, *, thread_ts: str | None = None
    ) -> SlackResponse:
        """Someone @-mentioned the app; the message is also stored in the fake."""
        ts = self._typed_message(channel, user_id, text, thread_ts)
        event: JsonDict = {
            "type": "app_mention",
            "user": user_id,
            "text": text,
            "ts": ts,
            "channel": channel,
            "team": self.origin.team_id,
            "client_msg_id": secrets.token_hex(8),
            "blocks": build.rich_text_blocks(text),
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return self.event(event)

    def direct_message(self, user_id: str, text: str) -> SlackResponse:
        """Someone wrote to the app in its DM (``message`` event, ``channel_type: im``)."""
        channel = self._dm_id(user_id)
        ts = self._typed_message(channel, user_id, text, None)
        return self.event(
            {
                "type": "message",
                "channel": channel,
                "user": user_id,
                "text": text,
                "ts": ts,
                "channel_type": "im",
                "team": self.origin.team_id,
                "client_msg_id": secrets.token_hex(8),
                "blocks": build.rich_text_blocks(text),
            }
        )

    def url_verification(self, challenge: str) -> SlackResponse:
        """The handshake Slack does when the Request URL is saved."""
        payload = {
            "token": self.origin.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self._post_json(payload)

    def _dm_id(self, user_id: str) -> str:
        return self.fake.dm_channel_id(user_id) if self.fake is not None else f"D{user_id}"

    def _typed_message(self, channel: str, user_id: str, text: str, thread_ts: str | None) -> str:
        if self.fake is not None:
            blocks = build.rich_text_blocks(text)
            return self.fake.add_message(channel, user_id, text, thread_ts=thread_ts, blocks=blocks)
        return build.action_ts()
