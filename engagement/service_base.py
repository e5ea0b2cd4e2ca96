"""What the admin-side services share: they read and write stored people, look unseen ones up
in Slack through the directory (outside any transaction) and stamp what they do."""

from __future__ import annotations

from engagement.clock import Clock
from engagement.people import PeopleService
from engagement.ports import Transactions


class PeopleBoundService:
    """A service over the store, the people directory and a clock."""

    def __init__(self, store: Transactions, people: PeopleService, clock: Clock) -> None:
        self._store = store
        self._people = people
        self._clock = clock
