"""The scripted week `aplauso demo` plays: each step is a person doing something in Slack.

Steps only use the signed-request kit and a `DemoStage` that the demo runner provides (moving
the clock, running a job), so the script stays free of the app's internals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sandbox.demo_workspace import GENERAL_CHANNEL, person
from sandbox.slack_requests import SignedSlackClient


class DemoStage(Protocol):
    kit: SignedSlackClient

    def advance(self, delta: timedelta) -> None: ...

    def run_job(self, name: str) -> str: ...


@dataclass(frozen=True)
class Step:
    narration: str
    act: Callable[[DemoStage], object]


def _first_name(user_id: str) -> str:
    return person(user_id).real_name.split()[0]


def help_step(user_id: str) -> Step:
    who = person(user_id)
    return Step(
        f"{_first_name(user_id)} ({who.locale}) types `/aplauso help` in #general",
        lambda stage: stage.kit.slash_command(
            "/aplauso", "help", user_id=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def home_step(user_id: str) -> Step:
    who = person(user_id)
    return Step(
        f"{_first_name(user_id)} ({who.locale}) opens Aplauso's Home tab",
        lambda stage: stage.kit.app_home_opened(user_id),
    )


def unknown_subcommand_step(user_id: str) -> Step:
    return Step(
        f"{_first_name(user_id)} types `/aplauso dance`, which Aplauso does not know",
        lambda stage: stage.kit.slash_command(
            "/aplauso", "dance", user_id=user_id, channel_id=GENERAL_CHANNEL
        ),
    )


def scenario() -> list[Step]:
    """The week, in order. Feature work appends its own steps here."""
    return [
        help_step("U04EMMA"),
        help_step("U02ANA"),
        unknown_subcommand_step("U10NOAH"),
        home_step("U04EMMA"),
        home_step("U03LUIS"),
    ]
