"""Slack retries events and Bolt does not deduplicate: each event id is acted on once."""

from __future__ import annotations

from engagement.clock import Clock
from engagement.ports import Transactions


class EventLog:
    def __init__(self, store: Transactions, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def first_delivery(self, event_id: str, kind: str) -> bool:
        """True the first time an event id is seen (or when it has none), False for retries."""
        if not event_id:
            return True
        with self._store.unit_of_work() as uow:
            return uow.events.claim(event_id, kind, self._clock())
