"""Slack gets its answer the moment a listener acknowledges, while the listener works on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.background_server import BackgroundServer
from bot.executor import TrackingExecutor
from bot.http_server import AplausoWSGI
from bot.surfaces import Surfaces
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient
from storage.db import HealthProbe, make_engine

SECRET = "handoff-secret"


@pytest.fixture
def bolt(tmp_path: Any) -> Iterator[tuple[Surfaces, SignedSlackClient, TrackingExecutor]]:
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
            yield (
                Surfaces(app, executor),
                SignedSlackClient(server.url, SECRET, fake=fake),
                executor,
            )
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
