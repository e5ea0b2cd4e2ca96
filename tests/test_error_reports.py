"""A listener that fails after acknowledging is logged with its traceback, never with the
words people wrote, and the person is told instead of being left waiting."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App, BoltContext

from bot.background_server import BackgroundServer
from bot.config import Settings
from bot.executor import TrackingExecutor
from bot.http_server import AplausoWSGI
from bot.listeners import errors
from bot.request_labels import describe_error, describe_request
from bot.slack_client import make_web_client
from bot.surfaces import Surfaces
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient

SECRET = "reports-secret"
PRIVATE = "my private words about Carmen"


class Harness:
    def __init__(self, fake: FakeSlack, surfaces: Surfaces, slack: SignedSlackClient) -> None:
        self.fake, self.surfaces, self.slack = fake, surfaces, slack

    def replies(self) -> list[dict[str, Any]]:
        self.surfaces.executor.wait_idle(5)
        return [call.params for call in self.fake.calls_to("response_url") if call.ok]


@pytest.fixture
def harness(caplog: pytest.LogCaptureFixture) -> Iterator[Harness]:
    with FakeSlack() as fake:
        settings = Settings(slack_bot_token=fake.bot_token, slack_api_url=fake.api_url)
        executor = TrackingExecutor(4)
        app = App(
            client=make_web_client(settings),
            signing_secret=SECRET,
            token_verification_enabled=False,
            process_before_response=True,
            listener_executor=executor,
        )
        errors.register(app)
        surfaces = Surfaces(app, executor)
        with BackgroundServer(AplausoWSGI(app, lambda: None, SECRET)) as server:
            yield Harness(fake, surfaces, SignedSlackClient(server.url, SECRET, fake=fake))
        executor.shutdown(wait=True)


def _fail_with(error: Exception) -> None:
    raise error


def test_a_failure_after_ack_is_logged_with_its_traceback_and_no_payload_text(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    @harness.surfaces.command("/oops")
    def oops(ack: Ack, command: dict[str, Any]) -> None:
        ack()
        _fail_with(KeyError("the text was: " + str(command.get("text"))))

    assert harness.slack.slash_command("/oops", PRIVATE, user_id="U1").status == 200
    [reply] = harness.replies()
    assert reply["text"].startswith("Sorry, something went wrong on our side")
    assert "listener failed on command /oops" in caplog.text
    assert "Traceback (most recent call last):" in caplog.text
    assert "in _fail_with" in caplog.text
    assert "KeyError" in caplog.text
    assert "Carmen" not in caplog.text


def test_a_database_error_quoting_sql_parameters_leaves_them_out_of_the_log() -> None:
    from sqlalchemy.exc import OperationalError

    statement = "INSERT INTO kudos (message) VALUES (?)"
    try:
        try:
            raise sqlite3.OperationalError("disk I/O error")
        except sqlite3.OperationalError as inner:
            raise OperationalError(statement, (PRIVATE,), inner) from inner
    except OperationalError as error:
        report = describe_error(error)
    assert "Carmen" not in report
    assert "kudos (message)" not in report
    assert "sqlalchemy.exc.OperationalError" in report
    assert "caused by:" in report
    assert "sqlite3.OperationalError" in report


def test_a_database_outage_before_ack_answers_the_command_itself(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    @harness.surfaces.command("/save")
    def save(ack: Ack, context: BoltContext) -> None:
        raise sqlite3.OperationalError("unable to open database file")

    response = harness.slack.slash_command("/save", PRIVATE, user_id="U1")
    assert response.status == 200
    assert response.json == {
        "response_type": "ephemeral",
        "text": "Sorry, I couldn't save that: the database is not answering just now. "
        "Please try again in a minute.",
    }
    assert "database unavailable on command /save" in caplog.text


@pytest.mark.parametrize(
    "body",
    [None, "text", [], {"event": "x", "type": "event_callback"}, {"actions": 5}],
)
def test_request_labels_never_fail_whatever_the_shape(body: Any) -> None:
    assert describe_request(body)


def test_a_slow_listener_still_answers_slack_and_its_late_ack_is_harmless(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    import threading

    release = threading.Event()

    @harness.surfaces.command("/slow")
    def slow(ack: Ack) -> None:
        release.wait(5)
        ack(text="too late")

    caplog.set_level(logging.ERROR)
    response = harness.slack.slash_command("/slow", "", user_id="U1")
    release.set()
    assert response.status == 200
    assert "too late" not in response.body
    assert harness.surfaces.executor.wait_idle(5)
    assert "listener failed" not in caplog.text
