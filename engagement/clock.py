"""Time is passed in, never read deep inside logic, so schedules and week boundaries are testable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: the demo plays a week with it, tests pin moments."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock must give aware datetimes")
        self._now = start

    def __call__(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a clock must give aware datetimes")
        self._now = moment

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now
