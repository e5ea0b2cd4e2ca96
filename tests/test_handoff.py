"""Slack gets its answer the moment a listener acknowledges, while the listener works on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import handoff
from bot.adapters.replies import reply_privately
from bot.background_server import BackgroundServer
from bot.executor import TrackingExecutor
from bot.http_server import AplausoWSGI
from bot.surfaces import Surfaces
from sandbox.fake_slack import GENERAL_CHANNEL_ID, FakeSlack
from sandbox.slack_requests import SignedSlackClient
from storage.db import HealthProbe, make_engine

SECRET = "handoff-secret"


@dataclass(frozen=True)
class Served:
    surfaces: Surfaces
    slack: SignedSlackClient
    executor: TrackingExecutor
    fake: FakeSlack


@pytest.fixture
def bolt(served: Served) -> tuple[Surfaces, SignedSlackClient, TrackingExecutor]:
    return served.surfaces, served.slack, served.executor


@pytest.fixture
def served(tmp_path: Any) -> Iterator[Served]:
    with FakeSlack() as fake:
        executor = TrackingExecutor(4)
        app = App(
            client=WebClient(base_url=fake.api_url, token=fake.bot_token),
            signing_secret=SECRET,
            token_verification_enabled=False,
            process_before_response=True,
        )
        engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
        with BackgroundServer(AplausoWSGI(app, HealthProbe(engine), SECRET)) as server:
            slack = SignedSlackClient(server.url, SECRET, fake=fake)
            yield Served(Surfaces(app, executor), slack, executor, fake)
        executor.shutdown(wait=True)
        engine.dispose()


def test_the_answer_leaves_when_the_listener_acks_not_when_it_finishes(
    bolt: tuple[Surfaces, SignedSlackClient, TrackingExecutor],
) -> None:
    surfaces, slack, executor = bolt
    release = threading.Event()
    finished = threading.Event()

    @surfaces.command("/slow")
    def slow(ack: Ack) -> None:
        ack(text="on it")
        release.wait(10)
        finished.set()

    started = time.perf_counter()
    response = slack.slash_command("/slow", "", user_id="U1")
    elapsed = time.perf_counter() - started
    assert response.status == 200
    assert "on it" in response.body
    assert not finished.is_set()
    assert elapsed < 2
    release.set()
    assert executor.wait_idle(5)
    assert finished.is_set()


def test_a_listener_that_fails_before_acknowledging_still_answers_slack(
    bolt: tuple[Surfaces, SignedSlackClient, TrackingExecutor],
    caplog: pytest.LogCaptureFixture,
) -> None:
    surfaces, slack, executor = bolt

    @surfaces.command("/broken")
    def broken(ack: Ack, command: dict[str, Any]) -> None:
        raise RuntimeError("secret text " + str(command.get("text")))

    response = slack.slash_command("/broken", "private words", user_id="U1")
    assert response.status == 200
    assert executor.wait_idle(5)
    assert "listener failed on command /broken: RuntimeError" in caplog.text
    assert "private words" not in caplog.text


def test_events_are_acknowledged_and_their_listener_runs_on_the_pool(
    bolt: tuple[Surfaces, SignedSlackClient, TrackingExecutor],
) -> None:
    surfaces, slack, executor = bolt
    seen: list[str] = []

    @surfaces.event("app_home_opened")
    def opened(event: dict[str, Any]) -> None:
        seen.append(threading.current_thread().name)

    assert slack.app_home_opened("U1").status == 200
    assert executor.wait_idle(5)
    assert len(seen) == 1
    assert seen[0] != threading.current_thread().name


def reply_from(surfaces: Surfaces, name: str, *, after: threading.Event | None = None) -> None:
    """A command whose listener replies privately without acknowledging first (as `/kudos`
    does); with `after`, only once that event is set."""

    @surfaces.command(name)
    def replies(ack: Ack, respond: Respond, context: Any, command: dict[str, Any]) -> None:
        if after is not None:
            after.wait(10)
        reply_privately(
            respond=respond,
            client=context.client,
            channel_id=None,
            user_id=str(command["user_id"]),
            text="recorded, thank you",
        )


def test_a_command_answered_before_its_acknowledgement_is_answered_in_it(
    served: Served,
) -> None:
    reply_from(served.surfaces, "/quick")
    response = served.slack.slash_command("/quick", "hi", user_id="U1")
    assert served.executor.wait_idle(5)
    assert response.json == {"text": "recorded, thank you", "response_type": "ephemeral"}
    assert [c.params["text"] for c in served.fake.private_answers() if c.ok] == [
        "recorded, thank you"
    ]
    assert served.fake.calls_to("command_answer")[0].ok
    assert served.fake.calls_to("response_url") == []  # no second call to Slack


def test_a_reply_too_late_to_reach_slack_in_time_takes_the_response_url(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack counts its 3 s from when it sent the request: a reply that comes more than
    CARRY_SECONDS after the listener started does not ride in the answer, which might then
    arrive too late."""
    monkeypatch.setattr(handoff, "CARRY_SECONDS", 0.1)
    release = threading.Event()
    reply_from(served.surfaces, "/slowish", after=release)
    threading.Timer(0.3, release.set).start()
    response = served.slack.slash_command("/slowish", "hi", user_id="U1")
    assert served.executor.wait_idle(5)
    assert response.status == 200
    assert response.body == ""
    assert served.fake.calls_to("command_answer") == []
    [posted] = [c for c in served.fake.private_answers() if c.ok]
    assert (posted.method, posted.params["text"]) == ("response_url", "recorded, thank you")


def test_a_listener_that_takes_no_ack_is_answered_at_once(served: Served) -> None:
    """An event's listener never acknowledges: Slack's answer must not wait for its work."""
    release = threading.Event()
    finished = threading.Event()

    @served.surfaces.event("app_home_opened")
    def opened(event: dict[str, Any]) -> None:
        release.wait(10)
        finished.set()

    started = time.perf_counter()
    assert served.slack.app_home_opened("U1").status == 200
    assert time.perf_counter() - started < 1.0
    assert not finished.is_set()
    release.set()
    assert served.executor.wait_idle(5)
    assert finished.is_set()


def test_a_reply_later_than_the_acknowledgement_takes_the_response_url(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "ACK_TIMEOUT_SECONDS", 0.2)
    release = threading.Event()
    reply_from(served.surfaces, "/late", after=release)
    response = served.slack.slash_command("/late", "hi", user_id="U1")
    assert response.status == 200
    assert response.body == ""  # Slack got its empty answer in time
    release.set()
    assert served.executor.wait_idle(5)
    assert served.fake.calls_to("command_answer") == []
    [posted] = [c for c in served.fake.private_answers() if c.ok]
    assert posted.method == "response_url"
    assert posted.params["text"] == "recorded, thank you"


def test_a_click_is_acknowledged_empty_and_answered_through_its_response_url(
    served: Served,
) -> None:
    """Slack shows nothing of the answer to a button click: the reply must not ride in it."""
    surfaces = served.surfaces

    @surfaces.action("press")
    def pressed(respond: Respond, context: Any, body: dict[str, Any]) -> None:
        reply_privately(
            respond=respond,
            client=context.client,
            channel_id=None,
            user_id=str(body["user"]["id"]),
            text="pressed",
        )

    response = served.slack.block_action(
        "press", user_id="U1", value="x", channel_id=GENERAL_CHANNEL_ID, message={"ts": "1.0"}
    )
    assert served.executor.wait_idle(5)
    assert response.body == ""
    [posted] = [c for c in served.fake.private_answers() if c.ok]
    assert (posted.method, posted.params["text"]) == ("response_url", "pressed")
