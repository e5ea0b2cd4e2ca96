"""A run's claims stay visibly alive while it sends, so a dead run's are taken over in seconds.

A run stamps the claims it takes (pulse deliveries, digest claims) with a random owner id, and
a background thread beats their heartbeat (wall clock, not the job's `now`, which `jobs run
--at` pins) every `BEAT_EVERY` seconds. A claim whose heartbeat has been silent for
`ABANDONED_AFTER` belongs to a run that died (kill -9, a crash, a lost machine): a later run
takes it over, asks Slack what already went out, and finishes it. A run that sees other runs'
claims in flight at its end watches them for a few beats: a live run's claims beat again, a
dead run's fall silent and are taken over, so a restart right after a kill leaves nothing
waiting for the next scheduled run.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol

from engagement.clock import Clock
from engagement.ports import Transactions
from storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

BEAT_EVERY = 2.0  # seconds
ABANDONED_AFTER = timedelta(seconds=10)

Beat = Callable[[str, datetime], None]
InFlight = Callable[[str], dict[int, datetime | None]]


class ClaimBook(Protocol):
    """One kind of claims in storage (pulse deliveries, digests)."""

    def beat(self, owner: str, at: datetime) -> None: ...

    def in_flight(self, owner: str) -> dict[int, datetime | None]: ...


def claims_in(
    store: Transactions, book: Callable[[UnitOfWork], ClaimBook]
) -> tuple[Beat, InFlight]:
    """A run's beat and its look at others' claims, each in its own short transaction."""

    def beat(owner: str, at: datetime) -> None:
        with store.unit_of_work() as uow:
            book(uow).beat(owner, at)

    def in_flight(owner: str) -> dict[int, datetime | None]:
        with store.unit_of_work() as uow:
            return book(uow).in_flight(owner)

    return beat, in_flight


class Heartbeat:
    """Beats for this run's claims from a background thread while the `with` block runs."""

    def __init__(self, beat: Beat, wall: Clock, *, every: float = BEAT_EVERY) -> None:
        self.owner = uuid.uuid4().hex
        self._beat = beat
        self._wall = wall
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="aplauso-heartbeat", daemon=True)

    def alive_at(self) -> datetime:
        """The heartbeat to stamp on a claim taken now."""
        return self._wall()

    def silent_since(self) -> datetime:
        """Claims that have not beaten since this moment belong to a dead run."""
        return self._wall() - ABANDONED_AFTER

    def watch_others(self, in_flight: InFlight, take_over: Callable[[], None]) -> None:
        """Waits until every claim other runs had in flight has beaten again (its run is
        alive), finished, or fallen silent long enough to be taken over by `take_over`."""
        watched = in_flight(self.owner)
        deadline = self._wall() + ABANDONED_AFTER + timedelta(seconds=2 * self._every)
        while watched and self._wall() < deadline:
            self._stop.wait(self._every)
            take_over()
            seen = in_flight(self.owner)
            watched = {key: beat for key, beat in watched.items() if seen.get(key, 0) == beat}

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self._beat(self.owner, self._wall())
            except Exception as error:  # a missed beat is survivable; the next one may land
                logger.warning("claim heartbeat failed: %s", type(error).__name__)
