"""The real app, served over HTTP on loopback, wired to the project's fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet

from bot.background_server import BackgroundServer
from bot.config import Settings
from bot.wiring import Runtime, build_runtime, open_database
from engagement.clock import ManualClock
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient
from storage.unit_of_work import Database

SIGNING_SECRET = "test-signing-secret"


@dataclass
class RunningApp:
    fake: FakeSlack
    slack: SignedSlackClient
    runtime: Runtime
    clock: ManualClock
    url: str

    @property
    def database(self) -> Database:
        return self.runtime.database

    def settle(self) -> None:
        """Waits until every listener has finished the work it does after acknowledging."""
        assert self.runtime.executor.wait_idle(timeout=15), "listeners still busy after 15 s"

    def answers(self) -> list[dict[str, Any]]:
        """What the person who asked was shown privately, as Slack accepted it: the answer to
        their slash command and posts to response URLs, oldest first."""
        self.settle()
        return [call.params for call in self.fake.private_answers() if call.ok]

    def visible(self, method: str) -> list[dict[str, Any]]:
        self.settle()
        return [call.params for call in self.fake.calls_to(method) if call.ok]


@contextmanager
def running_app(database_url: str, clock: ManualClock, **overrides: Any) -> Iterator[RunningApp]:
    with FakeSlack() as fake:
        demo_workspace.seed(fake)
        options: dict[str, Any] = {"secret_key": Fernet.generate_key().decode(), **overrides}
        settings = Settings(
            slack_bot_token=fake.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            database_url=database_url,
            **options,
        )
        runtime = build_runtime(settings, open_database(settings, migrate=False), clock)
        with BackgroundServer(runtime.wsgi()) as server:
            try:
                yield RunningApp(
                    fake=fake,
                    slack=SignedSlackClient(server.url, SIGNING_SECRET, fake=fake),
                    runtime=runtime,
                    clock=clock,
                    url=server.url,
                )
            finally:
                runtime.executor.wait_idle(timeout=15)
        runtime.executor.shutdown(wait=True)
        runtime.database.dispose()
