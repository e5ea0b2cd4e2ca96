"""What every scripted step of `aplauso demo` may use: a `DemoStage` the demo runner provides
(moving the clock, running a job, acting as a person) and the `Step` itself.

The script stays free of the app's internals: it only knows the signed-request kit and this
stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sandbox.demo_workspace import person
from sandbox.slack_requests import SignedSlackClient

#: Monday morning of the played week, in UTC.
DEMO_START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
#: The weeks played before it: with the played week, the 12 weeks a digest's trend shows.
HISTORY_WEEKS = 11
HISTORY_START = DEMO_START - timedelta(weeks=HISTORY_WEEKS)


class DemoStage(Protocol):
    kit: SignedSlackClient

    def advance(self, delta: timedelta) -> None: ...

    def move_to(self, moment: datetime) -> None: ...

    def clock_now(self) -> datetime: ...

    def settle(self) -> None:
        """Waits until the app has finished what the last request started."""
        ...

    def run_job(self, name: str) -> str: ...

    def hand_team(self, team: str, manager_id: str) -> str:
        """`aplauso team set "TEAM" --manager @someone`, as an admin types it."""
        ...

    def rated_team(self, key: str) -> str:
        """The name of the team a monthly service question rates."""
        ...

    def answer_quietly(self, user_id: str, week: date, key: str, score: int) -> None:
        """What a score button does, through the same service, without the HTTP round trip."""
        ...

    def give_kudos_quietly(self, giver: str, receiver: str, value: str, words: str) -> None:
        """What `/kudos` does, through the same service, without the HTTP round trip."""
        ...

    def answer_pulse(
        self,
        user_id: str,
        score: int,
        *,
        comment: str | None = None,
        double_click: bool = False,
        enps: int | None = None,
    ) -> str: ...

    def press_pulse_button(self, user_id: str, action_id: str) -> object: ...

    def participation(self) -> str: ...

    def digest_texts(self) -> str: ...

    def send_feedback(
        self, user_id: str, team_name: str, kind: str, text: str, *, anonymous: bool = True
    ) -> object: ...

    def feedback_reply(self, user_id: str, action_id: str, text: str) -> object: ...

    def feedback_button(self, user_id: str, action_id: str) -> object: ...

    def submit_kudos_modal(
        self, user_id: str, receivers: list[str], message: str, value: str | None
    ) -> object: ...

    def undo_last_kudos(self, user_id: str) -> object:
        """Clicks Undo on the newest kudos confirmation the person was shown."""
        ...

    def thank_back(self, user_id: str) -> object:
        """Clicks *Say thanks back* on the newest kudos DM the person received."""
        ...


@dataclass(frozen=True)
class Step:
    narration: str
    act: Callable[[DemoStage], object]
    show_last: int | None = None  # show only the last N things Slack displayed (None: the first 8)


def first_name(user_id: str) -> str:
    return person(user_id).real_name.split()[0]


def at(day: int, hour: int) -> Callable[[DemoStage], object]:
    """Moves the demo clock to a day of the demo week (0 is Monday) at an hour, UTC."""

    def act(stage: DemoStage) -> object:
        now = stage.clock_now()
        monday = now - timedelta(days=now.weekday(), hours=now.hour, minutes=now.minute)
        stage.advance(monday + timedelta(days=day, hours=hour) - now)
        return f"(the clock now reads {(monday + timedelta(days=day, hours=hour)):%A %H:%M} UTC)"

    return act


def select_state(value: str | None) -> dict[str, Any]:
    """A static select's state in a submitted modal: the chosen option, or none."""
    return {"type": "static_select", "selected_option": {"value": value} if value else None}


def text_state(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def checked_state(values: list[str]) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}
