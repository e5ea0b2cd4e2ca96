"""The kit sends what Slack documents, for every surface the app's manifest declares.

For each slash command, shortcut and event subscription in ``app_manifest.yml``, and for
``block_actions`` and ``view_submission`` when interactivity is on, the kit delivers its payload
to a capturing endpoint; the test decodes it from the wire (form, ``payload=`` form, or JSON),
checks the signature, and checks the fields Slack's reference lists for that payload type:

- slash commands: https://api.slack.com/interactivity/slash-commands ("Sent data");
- shortcuts: https://api.slack.com/reference/interaction-payloads/shortcuts;
- block actions: https://api.slack.com/reference/interaction-payloads/block-actions;
- view submissions: https://api.slack.com/reference/interaction-payloads/views;
- events: https://api.slack.com/apis/events-api (the ``event_callback`` wrapper) and
  https://docs.slack.dev/reference/events/<event> (the inner event).

A surface added to the manifest without a way for the kit to send it fails here.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk.signature import SignatureVerifier

from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.manifest import resolve_manifest
from sandbox.slack_requests import SignedSlackClient

SECRET = "conformance-signing-secret"
MANIFEST = resolve_manifest(None)
GIVER = "U02ANA"

COMMAND_FIELDS = {
    "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
    "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id",
}  # fmt: skip
SHORTCUT_FIELDS = {"type", "token", "action_ts", "team", "user", "callback_id", "trigger_id"}
MESSAGE_SHORTCUT_FIELDS = SHORTCUT_FIELDS | {"channel", "message", "message_ts", "response_url"}
USER_FIELDS = {"id", "username", "team_id"}
TEAM_FIELDS = {"id", "domain"}
BLOCK_ACTIONS_FIELDS = {
    "type", "user", "api_app_id", "token", "container", "trigger_id", "team", "enterprise",
    "is_enterprise_install", "actions",
}  # fmt: skip
ACTION_FIELDS = {"action_id", "block_id", "type", "action_ts"}
VIEW_SUBMISSION_FIELDS = {
    "type", "team", "user", "view", "api_app_id", "token", "trigger_id", "response_urls",
    "enterprise", "is_enterprise_install",
}  # fmt: skip
VIEW_FIELDS = {
    "id", "team_id", "type", "blocks", "private_metadata", "callback_id", "state", "hash",
    "title", "root_view_id", "previous_view_id", "app_id", "bot_id",
}  # fmt: skip
EVENT_CALLBACK_FIELDS = {
    "token", "team_id", "api_app_id", "event", "type", "event_id", "event_time",
    "authorizations", "event_context",
}  # fmt: skip
AUTHORIZATION_FIELDS = {"enterprise_id", "team_id", "user_id", "is_bot", "is_enterprise_install"}
#: The inner event of each subscription, by manifest event name.
EVENT_FIELDS: dict[str, set[str]] = {
    "app_home_opened": {"type", "user", "channel", "tab", "event_ts"},
    "app_mention": {"type", "user", "text", "ts", "channel", "event_ts"},
    "message.im": {"type", "channel", "user", "text", "ts", "event_ts", "channel_type"},
    "reaction_added": {"type", "user", "reaction", "item", "event_ts"},
    "reaction_removed": {"type", "user", "reaction", "item", "event_ts"},
    "team_join": {"type", "user", "event_ts"},
    "user_change": {"type", "user", "cache_ts", "event_ts"},
    "message.channels": {"type", "subtype", "channel", "channel_type", "ts", "message"},
    "message.groups": {"type", "subtype", "channel", "channel_type", "ts", "deleted_ts"},
    "subteam_members_changed": {"type", "subteam_id", "team_id", "date_update"}
    | {"added_users", "added_users_count", "removed_users", "removed_users_count"},
}


@dataclass
class Captured:
    """One request as the app's endpoint received it."""

    content_type: str
    headers: dict[str, str]
    raw: bytes

    def decoded(self) -> dict[str, Any]:
        if self.content_type.startswith("application/json"):
            loaded = json.loads(self.raw)
            assert isinstance(loaded, dict)
            return loaded
        fields = dict(parse_qsl(self.raw.decode(), keep_blank_values=True))
        if set(fields) == {"payload"}:
            payload = json.loads(fields["payload"])
            assert isinstance(payload, dict)
            return payload
        return fields


class _Capture(BaseHTTPRequestHandler):
    received: list[Captured]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        type(self).received.append(Captured(headers.get("content-type", ""), headers, body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@dataclass
class Endpoint:
    kit: SignedSlackClient
    fake: FakeSlack
    received: list[Captured]

    def last(self) -> dict[str, Any]:
        captured = self.received[-1]
        verifier = SignatureVerifier(SECRET)
        assert verifier.is_valid_request(captured.raw, captured.headers)
        return captured.decoded()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    received: list[Captured] = []
    handler = type("Capture", (_Capture,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    try:
        with FakeSlack() as fake:
            demo_workspace.seed(fake)
            url = f"http://127.0.0.1:{server.server_port}"
            yield Endpoint(SignedSlackClient(url, SECRET, fake=fake), fake, received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def has_fields(payload: dict[str, Any], expected: set[str], where: str) -> None:
    missing = expected - set(payload)
    assert not missing, f"{where} lacks {sorted(missing)} that Slack sends"


def check_user_and_team(payload: dict[str, Any], where: str) -> None:
    has_fields(payload["user"], USER_FIELDS, f"{where}.user")
    has_fields(payload["team"], TEAM_FIELDS, f"{where}.team")
    assert payload["user"]["id"] == GIVER


@pytest.mark.parametrize("command", [entry.command for entry in MANIFEST.commands])
def test_every_declared_slash_command(endpoint: Endpoint, command: str) -> None:
    endpoint.kit.command(command, "@Rosa Méndez thanks", as_user=GIVER, channel_id="C0KUDOS")
    typed = endpoint.last()
    endpoint.kit.slash_command(command, "raw text", user_id=GIVER, channel_id="C0KUDOS")
    raw = endpoint.last()
    for form in (typed, raw):
        has_fields(form, COMMAND_FIELDS, command)
        assert all(isinstance(value, str) for value in form.values())
        assert form["command"] == command
        assert form["channel_name"] == "kudos"
        assert form["response_url"].startswith("http")
        assert form["trigger_id"].count(".") == 2
    escape = MANIFEST.command(command)
    assert escape is not None
    expected = "<@U26ROSA|rosa.mendez>" if escape.should_escape else "@Rosa Méndez"
    assert typed["text"] == f"{expected} thanks"


@pytest.mark.parametrize("callback_id", [entry.callback_id for entry in MANIFEST.shortcuts])
def test_every_declared_shortcut(endpoint: Endpoint, callback_id: str) -> None:
    shortcut = MANIFEST.shortcut(callback_id)
    assert shortcut is not None
    if shortcut.type == "global":
        endpoint.kit.global_shortcut(callback_id, user_id=GIVER)
        payload = endpoint.last()
        has_fields(payload, SHORTCUT_FIELDS, callback_id)
        assert payload["type"] == "shortcut"
        assert "response_url" not in payload
    else:
        assert shortcut.type == "message"
        ts = endpoint.fake.add_message("C0KUDOS", "U03LUIS", "release unblocked")
        message = {"type": "message", "user": "U03LUIS", "ts": ts, "text": "release unblocked"}
        endpoint.kit.message_shortcut(
            callback_id, user_id=GIVER, channel_id="C0KUDOS", message=message
        )
        payload = endpoint.last()
        has_fields(payload, MESSAGE_SHORTCUT_FIELDS, callback_id)
        assert payload["type"] == "message_action"
        assert payload["message_ts"] == ts == payload["message"]["ts"]
        assert payload["channel"] == {"id": "C0KUDOS", "name": "kudos"}
    assert payload["callback_id"] == callback_id
    check_user_and_team(payload, callback_id)


def send_event(endpoint: Endpoint, name: str) -> None:
    kit = endpoint.kit
    ts = endpoint.fake.add_message("C0KUDOS", "U03LUIS", "release unblocked")
    senders: dict[str, Callable[[], object]] = {
        "app_home_opened": lambda: kit.app_home_opened(GIVER),
        "app_mention": lambda: kit.app_mention(GIVER, "<@UAPLAUSOBOT> hi", "C0KUDOS"),
        "message.im": lambda: kit.direct_message(GIVER, "hola"),
        "reaction_added": lambda: kit.reaction_added(GIVER, "clap", "C0KUDOS", ts, "U03LUIS"),
        "reaction_removed": lambda: kit.reaction_removed(GIVER, "clap", "C0KUDOS", ts, "U03LUIS"),
        "team_join": lambda: kit.team_join("U03LUIS"),
        "user_change": lambda: kit.user_change("U03LUIS"),
        "subteam_members_changed": lambda: kit.subteam_members_changed("S0ITTEAM", ["U03LUIS"]),
        "message.channels": lambda: kit.message_changed("C0KUDOS", ts, "release unblocked!"),
        "message.groups": lambda: kit.message_deleted(
            "G0LEADS", endpoint.fake.add_message("G0LEADS", "U03LUIS", "shift covered")
        ),
    }
    if name not in senders or name not in EVENT_FIELDS:
        pytest.fail(f"the manifest subscribes to {name}, which the kit cannot send (yet)")
    senders[name]()


@pytest.mark.parametrize("name", list(MANIFEST.bot_events))
def test_every_subscribed_event(endpoint: Endpoint, name: str) -> None:
    send_event(endpoint, name)
    body = endpoint.last()
    has_fields(body, EVENT_CALLBACK_FIELDS, "event_callback")
    assert body["type"] == "event_callback"
    assert body["event_id"].startswith("Ev")
    assert isinstance(body["event_time"], int)
    for authorization in body["authorizations"]:
        has_fields(authorization, AUTHORIZATION_FIELDS, "authorizations[]")
    event = body["event"]
    has_fields(event, EVENT_FIELDS[name], name)
    assert event["type"] == name.split(".", maxsplit=1)[0]
    if name == "message.im":
        assert event["channel_type"] == "im"
        assert event["channel"].startswith("D")
    if name in ("message.channels", "message.groups"):
        assert event["channel_type"] == ("channel" if name == "message.channels" else "group")
    if name.startswith("reaction_"):
        assert set(event["item"]) >= {"type", "channel", "ts"}
    if name in ("team_join", "user_change"):
        assert set(event["user"]) >= {"id", "name", "deleted", "profile"}


@pytest.mark.skipif(not MANIFEST.interactivity, reason="interactivity is off in the manifest")
def test_block_actions_from_a_message_and_from_a_view(endpoint: Endpoint) -> None:
    blocks = [
        {
            "type": "actions",
            "block_id": "undo_block",
            "elements": [
                {
                    "type": "button",
                    "action_id": "undo",
                    "text": {"type": "plain_text", "text": "Undo"},
                    "value": "k1",
                }
            ],
        }
    ]
    ts = endpoint.fake.add_message("C0KUDOS", "UAPLAUSOBOT", "Kudos!", blocks=blocks)
    message = {"type": "message", "ts": ts, "text": "Kudos!", "blocks": blocks}
    endpoint.kit.block_action("undo", user_id=GIVER, message=message, channel_id="C0KUDOS")
    from_message = endpoint.last()
    has_fields(from_message, BLOCK_ACTIONS_FIELDS | {"channel", "message", "response_url"}, "ba")
    assert from_message["container"]["type"] == "message"
    has_fields(from_message["actions"][0], ACTION_FIELDS | {"value", "text"}, "actions[0]")
    view = {"id": "V123", "type": "modal", "blocks": blocks, "hash": "1.a", "callback_id": "k"}
    endpoint.kit.block_action("undo", user_id=GIVER, view=view)
    from_view = endpoint.last()
    has_fields(from_view, BLOCK_ACTIONS_FIELDS | {"view"}, "block_actions in a view")
    assert from_view["container"] == {"type": "view", "view_id": "V123"}
    check_user_and_team(from_view, "block_actions")


@pytest.mark.skipif(not MANIFEST.interactivity, reason="interactivity is off in the manifest")
def test_view_submission(endpoint: Endpoint) -> None:
    values = {"why": {"text": {"type": "plain_text_input", "value": "thanks"}}}
    endpoint.kit.view_submission(
        "kudos_modal", user_id=GIVER, view_id="V999", state_values=values, private_metadata="m"
    )
    payload = endpoint.last()
    has_fields(payload, VIEW_SUBMISSION_FIELDS, "view_submission")
    assert payload["type"] == "view_submission"
    has_fields(payload["view"], VIEW_FIELDS, "view_submission.view")
    assert payload["view"]["state"] == {"values": values}
    assert payload["view"]["callback_id"] == "kudos_modal"
    check_user_and_team(payload, "view_submission")


def test_the_manifest_declares_what_these_tests_cover() -> None:
    assert MANIFEST.commands, "no slash command found: is app_manifest.yml at the repo root?"
    assert MANIFEST.shortcuts
    assert MANIFEST.bot_events
