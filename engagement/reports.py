"""What a scheduled send did, in one shape for every job (pulse, reminders, digests).

The scheduler and `aplauso jobs run` print these counts; a job run twice must be seen to send
nothing twice, so every job reports the same three outcomes, and says why sends failed.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

FIRST_RETRY_AFTER = timedelta(minutes=10)  # the jobs run every 15 minutes: the next run retries
LONGEST_RETRY_WAIT = timedelta(hours=6)
RETRY_LATER = "retried later"


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
    reasons: tuple[tuple[str, int], ...] = ()  # (why a send failed, how many times)

    def with_note(self, note: str) -> RunReport:
        return RunReport(self.sent, self.skipped, self.failed, (*self.notes, note), self.reasons)

    def why(self) -> str:
        """Why sends failed, most frequent first: `user_not_found ×2, http_502 (retried later) ×1`."""
        return ", ".join(f"{reason} ×{count}" for reason, count in self.reasons)

    def summary(self, name: str) -> str:
        """The one line `aplauso jobs run` and the scheduler's log print."""
        text = f"{name}: sent {self.sent}, skipped {self.skipped}, failed {self.failed}"
        if self.reasons:
            text += f" ({self.why()})"
        return text + ("; " + "; ".join(self.notes) if self.notes else "")


class Tally:
    """Counts outcomes while a run is under way; sends run on several threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(Outcome, 0)
        self._notes: dict[str, None] = {}
        self._reasons: Counter[str] = Counter()

    def count(self, outcome: Outcome) -> None:
        with self._lock:
            self._counts[outcome] += 1

    def fail(self, error: DeliveryFailedError) -> None:
        """One failed send, with Slack's reason and whether a later run tries again."""
        with self._lock:
            self._counts[Outcome.FAILED] += 1
            self._reasons[error.label()] += 1

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
                reasons=tuple(self._reasons.most_common()),
            )


class DeliveryFailedError(Exception):
    """Slack did not take a DM. `retryable`: for a passing reason (rate limit, 5xx, a dropped
    connection), so the send stays due for a later run; otherwise (the person is gone, DMs
    refused) it is recorded and never tried again."""

    def __init__(self, reason: str, *, retryable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason[:64]
        self.retryable = retryable

    def label(self) -> str:
        return f"{self.reason} ({RETRY_LATER})" if self.retryable else self.reason


def next_attempt(now: datetime, attempts: int) -> datetime:
    """When a send that has failed `attempts` times is tried again: at the next run first, then
    ever more rarely, so a long outage costs Slack few calls."""
    wait = FIRST_RETRY_AFTER * (1 << max(0, min(attempts - 1, 8)))
    return now + min(wait, LONGEST_RETRY_WAIT)


@dataclass(frozen=True)
class DeliveryProblem:
    """A pulse or digest Slack did not take, for the admins' report."""

    kind: str  # "pulse" or "digest"
    user_id: str  # who it was for: the person, or the team's manager
    team_name: str | None  # the digest's team
    week_start: date
    reason: str  # Slack's reason for the last failure
    attempts: int
    retrying: bool  # False: failed for good (a refusal, or its period closed)
