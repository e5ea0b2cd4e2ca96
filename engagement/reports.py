"""What a scheduled send did, in one shape for every job (pulse, reminders, digests).

The scheduler and `aplauso jobs run` print these counts; a job run twice must be seen to send
nothing twice, so every job reports the same three outcomes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class RunReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    notes: tuple[str, ...] = ()

    def with_note(self, note: str) -> RunReport:
        return RunReport(self.sent, self.skipped, self.failed, (*self.notes, note))

    def summary(self, name: str) -> str:
        """The one line `aplauso jobs run` and the scheduler's log print."""
        text = f"{name}: sent {self.sent}, skipped {self.skipped}, failed {self.failed}"
        return text + ("; " + "; ".join(self.notes) if self.notes else "")


class Tally:
    """Counts outcomes while a run is under way; sends run on several threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(Outcome, 0)
        self._notes: dict[str, None] = {}

    def count(self, outcome: Outcome) -> None:
        with self._lock:
            self._counts[outcome] += 1

    def note(self, text: str) -> None:
        """A note said many times in one run is reported once."""
        with self._lock:
            self._notes[text] = None

    def report(self) -> RunReport:
        with self._lock:
            return RunReport(
                sent=self._counts[Outcome.SENT],
                skipped=self._counts[Outcome.SKIPPED],
                failed=self._counts[Outcome.FAILED],
                notes=tuple(self._notes),
            )


class DeliveryFailedError(Exception):
    """Slack refused a DM (user gone, DMs blocked): recorded, never retried in a loop."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
