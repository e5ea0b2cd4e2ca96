"""Less noise from kudos: one daily thread per celebration channel, and receipt DMs each time,
in one daily summary, or not at all.

`QuietKudosNotifier` stands in front of the Slack kudos notifier (the `KudosNotifier` port),
so the kudos service keeps its one path: in `daily_thread` mode (an admin setting) the first
kudos of a UTC day in a channel claims that day's row and posts the parent "Kudos of <date>",
and every kudos replies in its thread; a person whose DMs are `daily` or `off` is not DMed per
kudos. The `kudos_summaries` job sends each `daily` person, once per UTC day (a claim row),
one DM listing yesterday's kudos. Kudos are recorded and shown in App Home in every mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from engagement.clock import Clock
from engagement.errors import DomainError
from engagement.kudos_model import GivenKudos
from engagement.ports import KudosNotifier, Transactions

logger = logging.getLogger(__name__)

EACH, DAILY, OFF = "each", "daily", "off"
DAILY_THREAD = "daily_thread"
DM_MODES = {"each": EACH, "cada": EACH, "daily": DAILY, "diario": DAILY, "off": OFF, "no": OFF}
PARENT_WAITS = (0.2, 0.5, 1.0)  # seconds to wait for another instance's parent post


@dataclass(frozen=True)
class SummaryItem:
    giver_id: str
    value_emoji: str | None
    message: str


@dataclass(frozen=True)
class KudosSummary:
    """One person's kudos of one UTC day, for the daily summary DM."""

    user_id: str
    lang: str
    day: date
    items: tuple[SummaryItem, ...]


class CelebrationThreads(Protocol):
    """The Slack side of daily threads and summaries."""

    def post_day_parent(self, channel_id: str, day: date, lang: str) -> str | None:
        """Posts "Kudos of <date>"; its ts, or None when Slack refused (bot not invited)."""

    def celebrate_in_thread(
        self, kudos: GivenKudos, channel_id: str, thread_ts: str, lang: str
    ) -> str | None: ...

    def send_summary(self, summary: KudosSummary) -> None:
        """Raises `DeliveryFailedError` when Slack does not take the DM."""


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def dm_mode(raw: str) -> str:
    """`each|daily|off` or `cada|diario|no`; anything else is a one-line usage."""
    mode = DM_MODES.get(raw.strip().lower())
    if mode is None:
        raise DomainError("quiet.dms_usage")
    return mode


class QuietKudosNotifier:
    """Implements `KudosNotifier` around the plain Slack one, honouring both settings."""

    def __init__(
        self,
        store: Transactions,
        inner: KudosNotifier,
        threads: CelebrationThreads,
        clock: Clock,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._store = store
        self._inner = inner
        self._threads = threads
        self._clock = clock
        self._sleep = sleep

    def tell_receiver(self, kudos: GivenKudos, receiver_id: str, lang: str) -> None:
        """Only for receivers who want a DM per kudos: the recording transaction read who."""
        self._inner.tell_receiver(kudos, receiver_id, lang)

    def celebrate(self, kudos: GivenKudos, channel_id: str, lang: str) -> str | None:
        """In `daily_thread` mode, a reply in the day's thread, whose parent the first kudos of
        the day posts; otherwise the usual post."""
        day = utc_day(self._clock())
        with self._store.unit_of_work() as uow:
            threaded = uow.settings.snapshot().settings.celebrations == DAILY_THREAD
            parent = uow.quiet_kudos.thread_ts(channel_id, day) if threaded else None
            claimed = (
                threaded
                and parent is None
                and uow.quiet_kudos.claim_thread(channel_id, day, self._clock())
            )
        if not threaded:
            return self._inner.celebrate(kudos, channel_id, lang)
        if claimed:
            parent = self._post_parent(channel_id, day, lang)
            if parent is None:
                return None  # Slack refused the channel: the kudos says so, as in `each` mode
        elif parent is None:
            parent = self._wait_for_parent(channel_id, day)
            if parent is None:  # the instance posting it died or is slow: post on its own
                return self._inner.celebrate(kudos, channel_id, lang)
        return self._threads.celebrate_in_thread(kudos, channel_id, parent, lang)

    def _post_parent(self, channel_id: str, day: date, lang: str) -> str | None:
        ts = self._threads.post_day_parent(channel_id, day, lang)
        with self._store.unit_of_work() as uow:
            uow.quiet_kudos.set_thread_ts(channel_id, day, ts)  # None frees the day
        return ts

    def _wait_for_parent(self, channel_id: str, day: date) -> str | None:
        """Another kudos is posting the day's parent right now; a moment usually does."""
        for wait in PARENT_WAITS:
            self._sleep(wait)
            with self._store.unit_of_work() as uow:
                parent = uow.quiet_kudos.thread_ts(channel_id, day)
            if parent is not None:
                return parent
        return None

    def remove_celebration(self, channel_id: str, ts: str) -> None:
        self._inner.remove_celebration(channel_id, ts)

    def remove_receiver_dm(self, kudos_id: int, receiver_id: str) -> None:
        self._inner.remove_receiver_dm(kudos_id, receiver_id)

    def is_member(self, channel_id: str) -> bool | None:
        return self._inner.is_member(channel_id)

    def has_custom_emoji(self, name: str) -> bool | None:
        return self._inner.has_custom_emoji(name)

    def update_celebration(self, kudos: GivenKudos, channel_id: str, ts: str, lang: str) -> None:
        """An edited kudos edits its post, a thread reply like any other."""
        self._inner.update_celebration(kudos, channel_id, ts, lang)

    def mark_celebration_withdrawn(self, channel_id: str, ts: str, lang: str) -> None:
        self._inner.mark_celebration_withdrawn(channel_id, ts, lang)
