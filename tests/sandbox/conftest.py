"""Fixtures for the sandbox's own tests: a running fake Slack, a real slack-sdk client, and a
minimal real Bolt app served over HTTP so the signed-request kit is checked end to end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient

SIGNING_SECRET = "sandbox-test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A small workspace: two people in different languages, a bot, a former employee."""
    with FakeSlack() as running:
        running.add_user(
            "U_ANA",
            "ana",
            real_name="Ana Torres",
            locale="es-LA",
            tz="America/Mexico_City",
            email="ana@example.test",
        )
        running.add_user("U_BOB", "bob", real_name="Bob Stone", email="bob@example.test")
        running.add_user("U_DEPLOY", "deploybot", is_bot=True)
        running.add_user("U_GONE", "former", deleted=True)
        running.add_channel("C_TEAM", "team", ["U_ANA", "U_BOB"])
        running.add_usergroup("S_SALES", "sales", ["U_ANA", "U_BOB"])
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    """The real slack-sdk client, pointed at the fake."""
    return WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class BoltHarness:
    """A real Bolt app on loopback, wired to the fake, and the kit that talks to it."""

    app: App
    url: str
    kit: SignedSlackClient
    seen: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def bolt(fake: FakeSlack) -> Iterator[BoltHarness]:
    """Bolt with the listeners a typical feature has: a command that opens a modal, a
    shortcut, an action that responds, a submission, and events."""
    app = App(
        client=WebClient(base_url=fake.api_url, token=fake.bot_token),
        signing_secret=SIGNING_SECRET,
        process_before_response=True,
    )
    seen: list[dict[str, Any]] = []

    @app.command("/kudos")
    def kudos(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen.append({"kind": "command", "body": body})
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "kudos_modal",
                "title": {"type": "plain_text", "text": "Give kudos"},
                "submit": {"type": "plain_text", "text": "Send"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "why",
                        "label": {"type": "plain_text", "text": "Why?"},
                        "element": {"type": "plain_text_input", "action_id": "text"},
                    }
                ],
            },
        )

    @app.command("/echo")
    def echo(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        respond(text=f"you said {body['text']}")

    @app.command("/answer")
    def answer(ack: Any, body: dict[str, Any]) -> None:
        """Answers in the acknowledgement itself: "blocks" sends a block Slack refuses."""
        if body["text"] == "blocks":
            ack(text="broken", blocks=[{"type": "no_such_block"}])
        else:
            ack(text=f"you said {body['text']}")

    @app.shortcut("give_kudos")
    def shortcut(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append({"kind": "shortcut", "body": body})

    @app.shortcut("kudos_message")
    def message_shortcut(ack: Any, body: dict[str, Any]) -> None:
        ack()
        seen.append({"kind": "message_action", "body": body})

    @app.action("thanks")
    def thanks(ack: Any, body: dict[str, Any], respond: Any) -> None:
        ack()
        seen.append({"kind": "action", "body": body})
        respond(text="Thanks sent", replace_original=True)

    @app.view("kudos_modal")
    def submitted(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        seen.append({"kind": "view_submission", "body": body})
        text = view["state"]["values"]["why"]["text"]["value"]
        if not text:
            ack(response_action="errors", errors={"why": "Say why"})
        else:
            ack()

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        seen.append({"kind": "app_home_opened", "event": event})
        client.views_publish(
            user_id=event["user"],
            view={
                "type": "home",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
            },
        )

    @app.event("reaction_added")
    def reaction(event: dict[str, Any]) -> None:
        seen.append({"kind": "reaction_added", "event": event})

    @app.event("message")
    def message(event: dict[str, Any]) -> None:
        seen.append({"kind": "message", "event": event})

    handler = SlackRequestHandler(app)
    server = make_server(
        "127.0.0.1", 0, handler, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.daemon = True
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield BoltHarness(app, url, SignedSlackClient(url, SIGNING_SECRET, fake=fake), seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
