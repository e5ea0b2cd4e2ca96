"""The one registry of jobs: the scheduler and `aplauso jobs run NAME` both read it.

Each job is a thin wrapper around a service call that takes the moment to act as; the
exactly-once guarantee per period lives in storage, so running a job twice sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engagement.clock import Clock
from storage.unit_of_work import Database

CONTRACT_JOB_NAMES = ("pulse", "reminders", "digest")


@dataclass(frozen=True)
class JobDependencies:
    """What jobs need from the outside world; `messenger` is the Slack side, given by `bot`."""

    database: Database
    clock: Clock
    messenger: Any = None
    feedback_courier: Any = None
    digest_messenger: Any = None


@dataclass
class JobReport:
    name: str
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.name}: sent {self.sent}, skipped {self.skipped}, failed {self.failed}"
        return text + ("; " + "; ".join(self.notes) if self.notes else "")


JobFunction = Callable[[JobDependencies, datetime], JobReport]


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    description: str
    run: JobFunction
    every_minutes: int = 15
