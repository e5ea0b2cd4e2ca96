"""The door of POST /slack/events: malformed headers, replays and odd payloads never get in.

Each refusal is checked from outside (the status) and inside: no listener ran (the fake Slack
saw no call), no row changed, and no traceback reached the log.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from engagement.clock import ManualClock
from sandbox.slack_requests import SlackResponse
from tests.conftest import START
from tests.support.app_harness import RunningApp, running_app

EMMA, ANA = "U04EMMA", "U02ANA"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO):
        yield caplog
    assert "Traceback" not in caplog.text
    assert 'File "' not in caplog.text


def kudos_count(app: RunningApp) -> int:
    app.settle()
    with app.database.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM kudos")).scalar_one())


def command_body(app: RunningApp, words: str = f"<@{ANA}> thanks for the demo") -> bytes:
    response_url = app.fake.new_response_url(channel_id="C0GENERAL", user_id=EMMA)
    fields = {
        "command": "/kudos",
        "text": words,
        "user_id": EMMA,
        "channel_id": "C0GENERAL",
        "team_id": "TSANDBOX",
        "response_url": response_url,
        "trigger_id": app.fake.new_trigger_id(EMMA),
    }
    return urlencode(fields).encode()


def send(app: RunningApp, body: bytes, content_type: str = FORM, **headers: str) -> SlackResponse:
    signed = {"Content-Type": content_type, **app.slack.sign(body)}
    return app.slack.raw(body, {**signed, **headers})


def assert_refused_quietly(app: RunningApp, response: SlackResponse, status: int) -> None:
    assert response.status == status, response.body
    assert "Traceback" not in response.body
    app.settle()
    assert app.fake.calls == []
    assert kudos_count(app) == 0


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "1.5e9", " 1700000000", "-1700000000", "17000000000000", "170000000\u00b2"],
)
def test_a_malformed_timestamp_is_refused_before_anything_runs(
    app: RunningApp, timestamp: str
) -> None:
    body = command_body(app)
    headers = {**app.slack.sign(body), "Content-Type": FORM}
    headers["X-Slack-Request-Timestamp"] = timestamp
    assert_refused_quietly(app, app.slack.raw(body, headers), 401)


@pytest.mark.parametrize(
    "signature", ["", "v0=", "v1=" + "0" * 64, "v0=" + "g" * 64, "v0=" + "0" * 63, "v0=ABC"]
)
def test_a_malformed_signature_is_refused(app: RunningApp, signature: str) -> None:
    body = command_body(app)
    headers = {**app.slack.sign(body), "Content-Type": FORM, "X-Slack-Signature": signature}
    assert_refused_quietly(app, app.slack.raw(body, headers), 401)


def test_a_timestamp_from_the_future_is_refused(app: RunningApp) -> None:
    body = command_body(app)
    headers = {**app.slack.sign(body, timestamp=int(time.time()) + 400), "Content-Type": FORM}
    assert_refused_quietly(app, app.slack.raw(body, headers), 401)


def test_a_malformed_retry_header_is_refused(app: RunningApp) -> None:
    response = send(app, command_body(app), **{"X-Slack-Retry-Num": "one"})
    assert_refused_quietly(app, response, 401)


def test_a_replayed_request_is_refused_and_acted_on_once(app: RunningApp) -> None:
    body = command_body(app)
    headers = {**app.slack.sign(body), "Content-Type": FORM}
    assert app.slack.raw(body, headers).status == 200
    replay = app.slack.raw(body, headers)
    assert replay.status == 401
    assert "replayed" in replay.body
    assert kudos_count(app) == 1


def test_a_replay_sent_to_another_instance_is_refused_too(
    app: RunningApp, database_url: str
) -> None:
    """Two instances on one database share the replay cache: it lives in the database."""
    body = command_body(app)
    headers = {**app.slack.sign(body), "Content-Type": FORM}
    assert app.slack.raw(body, headers).status == 200
    with running_app(database_url, ManualClock(START)) as other:
        assert other.slack.raw(body, headers).status == 401
    assert kudos_count(app) == 1


def test_slacks_own_retry_of_an_event_gets_in_and_is_acted_on_once(app: RunningApp) -> None:
    """A retry may carry the same signature; it is let in and the event id keeps it once."""
    envelope = {
        "type": "event_callback",
        "team_id": "TSANDBOX",
        "event_id": "Ev0RETRY",
        "event_time": int(time.time()),
        "event": {
            "type": "app_mention",
            "user": EMMA,
            "channel": "C0GENERAL",
            "ts": "1700000000.000100",
            "text": f"<@{app.fake.bot_user_id}> <@{ANA}> thanks for the fix",
        },
    }
    body = json.dumps(envelope).encode()
    headers = {**app.slack.sign(body), "Content-Type": "application/json"}
    assert app.slack.raw(body, headers).status == 200
    retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert app.slack.raw(body, retry).status == 200
    assert app.slack.raw(body, retry).status == 401  # the same retry twice is a replay
    assert kudos_count(app) == 1


def test_the_word_payload_in_a_command_does_not_lose_the_command(app: RunningApp) -> None:
    """Bolt alone reads any body holding the word "payload" as an interactivity form."""
    body = command_body(app, f"<@{ANA}> thanks for the payload fix")
    assert send(app, body).status == 200
    assert kudos_count(app) == 1


ODD_PAYLOADS = [
    {"type": "block_actions", "user": ["U1"], "actions": [{"action_id": "x"}]},
    {"type": "block_actions", "user": {"id": EMMA}, "actions": {"action_id": "x"}},
    {"type": "block_actions", "user": {"id": EMMA}, "actions": []},
    {"type": "block_actions", "user": {"id": EMMA}, "actions": [{"action_id": 7}]},
    {"type": "view_submission", "user": {"id": EMMA}, "view": {"id": "V1"}},
    {"type": "view_submission", "user": {"id": EMMA}, "view": "V1"},
    {"type": "shortcut", "user": {"id": EMMA}},
    {"type": "dialog_submission", "user": {"id": EMMA}},
    {"type": "block_actions", "user": {"id": EMMA}, "actions": [{"action_id": "x"}], "team": 5},
    {"type": "block_actions", "user": {"id": EMMA}, "actions": [{"action_id": "x"}], "channel": []},
    [1, 2, 3],
]


@pytest.mark.parametrize("payload", ODD_PAYLOADS, ids=lambda p: json.dumps(p)[:60])
def test_an_interaction_of_unexpected_shape_is_a_400(app: RunningApp, payload: object) -> None:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert_refused_quietly(app, send(app, body), 400)


ODD_ENVELOPES = [
    {"type": "event_callback", "event_id": "Ev1", "event": "app_mention"},
    {"type": "event_callback", "event_id": "Ev1", "event": {"type": ["app_mention"]}},
    {"type": "event_callback", "event": {"type": "app_mention"}},
    {"type": "event_callback", "event_id": "Ev1", "event": {"type": "app_mention", "user": 5}},
    {"type": "event_callback", "event_id": "Ev1", "event": {"type": "x", "item": "C1"}},
    {"type": "url_verification"},
    {"type": "something_else"},
]


@pytest.mark.parametrize("envelope", ODD_ENVELOPES, ids=lambda p: json.dumps(p)[:60])
def test_an_event_of_unexpected_shape_is_a_400(app: RunningApp, envelope: object) -> None:
    body = json.dumps(envelope).encode()
    assert_refused_quietly(app, send(app, body, "application/json"), 400)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_400(app: RunningApp, depth: int) -> None:
    body = '{"type": "url_verification", "challenge": "c", "x": ' + "[" * depth + "]" * depth
    body += "}"
    assert_refused_quietly(app, send(app, body.encode(), "application/json"), 400)


def test_a_body_over_the_limit_is_a_413(app: RunningApp) -> None:
    body = command_body(app, "x" * 1_100_000)
    assert_refused_quietly(app, send(app, body), 413)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"command=%2Fkudos&user_id=U1", "text/plain"),
        (b"<xml/>", "application/xml"),
        (b"text=hello&user_id=U04EMMA", FORM),
        (b"command=kudos&user_id=U04EMMA", FORM),
        (b"command=%2Fkudos", FORM),
        (b"&".join(b"f%d=1" % i for i in range(500)), FORM),
        (b"\xff\xfe", FORM),
        (b"command=%2Fkudos&user_id=U04EMMA&text=thanks%00", FORM),
        (b'{"type": "url_verification", "challenge": "c\\u0000"}', "application/json"),
    ],
)
def test_a_body_that_is_no_slack_request_is_a_400(
    app: RunningApp, body: bytes, content_type: str
) -> None:
    assert_refused_quietly(app, send(app, body, content_type), 400)


def test_url_verification_still_answers_its_challenge(app: RunningApp) -> None:
    response = app.slack.url_verification("the-challenge")
    assert response.status == 200
    assert "the-challenge" in response.body
