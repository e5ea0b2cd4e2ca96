"""Getting claimed pulses into Slack: a few DMs in flight at once, each outcome recorded.

Each person-week is claimed in its own short transaction, DMed after it closes, and marked
sent or failed in another; a claim left behind by a crash is taken over once it is clearly
abandoned, after asking Slack whether the DM went out before the crash.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from engagement.periods import open_weeks
from engagement.ports import PulseMessenger, Transactions
from engagement.pulse_model import PulseInvite
from engagement.pulse_questions import invite_as_it_stands, person_questions
from engagement.reports import DeliveryFailedError, Outcome, Tally
from storage.unit_of_work import UnitOfWork

STALE_CLAIM = timedelta(minutes=10)

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Owed:
    """A person-week found due, with what the DM needs besides the questions."""

    user_id: str
    lang: str
    week_start: date
    anonymity_k: int


class PulseDelivery:
    def __init__(self, store: Transactions, messenger: PulseMessenger, *, workers: int) -> None:
        self._store = store
        self._messenger = messenger
        self._workers = workers

    def send(self, owed: Sequence[Owed], now: datetime, tally: Tally) -> None:
        run_bounded(owed, lambda one: self._send_one(one, now, tally), workers=self._workers)
        self._resume_stale_claims(now, tally)

    def remind(self, now: datetime, tally: Tally) -> None:
        """One reminder, `reminder_delay_days` after the pulse, to whoever still has questions open."""
        with self._store.unit_of_work() as uow:
            delay = timedelta(days=uow.settings.get().reminder_delay_days)
            candidates = [
                (d.id, d.user_id, d.week_start)
                for d in uow.pulse.reminder_candidates(now - delay, open_weeks(now))
                if d.id is not None
            ]
        for delivery_id, user_id, week in candidates:
            with self._store.unit_of_work() as uow:
                invite = _claim_reminder(uow, delivery_id, user_id, week, now)
            if invite is None:
                tally.count(Outcome.SKIPPED)
                continue
            try:
                self._messenger.send_reminder(invite)
            except DeliveryFailedError:
                tally.count(Outcome.FAILED)
                continue
            tally.count(Outcome.SENT)

    def _send_one(self, owed: Owed, now: datetime, tally: Tally) -> None:
        with self._store.unit_of_work() as uow:
            questions = person_questions(uow, owed.user_id, owed.week_start, now)
            keys = [q.key for q in questions]
            claimed = bool(questions) and uow.pulse.claim(owed.user_id, owed.week_start, keys, now)
        if not claimed:
            tally.count(Outcome.SKIPPED)
            return
        invite = PulseInvite(
            owed.user_id, owed.lang, owed.week_start, questions, anonymity_k=owed.anonymity_k
        )
        self._deliver(invite, tally, resend=False)

    def _resume_stale_claims(self, now: datetime, tally: Tally) -> None:
        with self._store.unit_of_work() as uow:
            stale = [
                (d.user_id, d.week_start) for d in uow.pulse.reclaim_stale(now - STALE_CLAIM, now)
            ]
        for user_id, week in stale:
            with self._store.unit_of_work() as uow:
                invite = invite_as_it_stands(uow, user_id, week, now)
            tally.note("resumed a pulse claimed before a crash")
            self._deliver(invite, tally, resend=True)

    def _deliver(self, invite: PulseInvite, tally: Tally, *, resend: bool) -> None:
        """Sends a claimed pulse and records the outcome. After a crash (`resend`), Slack's own
        DM history is asked first, so a pulse Slack accepted just before the crash is not sent
        again."""
        try:
            sent = self._messenger.already_sent(invite) if resend else None
            if sent is None:
                sent = self._messenger.send_pulse(invite)
                tally.count(Outcome.SENT)
        except DeliveryFailedError as error:
            with self._store.unit_of_work() as uow:
                uow.pulse.mark_delivery(
                    invite.user_id, invite.week_start, status="failed", error=error.reason[:64]
                )
            tally.count(Outcome.FAILED)
            return
        with self._store.unit_of_work() as uow:
            uow.pulse.mark_delivery(
                invite.user_id,
                invite.week_start,
                status="sent",
                channel_id=sent.channel_id,
                message_ts=sent.message_ts,
            )


def _claim_reminder(
    uow: UnitOfWork, delivery_id: int, user_id: str, week: date, now: datetime
) -> PulseInvite | None:
    """The reminder's DM, or None when another run claimed it or the person opted out."""
    if not uow.pulse.claim_reminder(delivery_id):
        return None
    if uow.people.get(user_id) is None or uow.pulse.is_opted_out(user_id):
        return None
    return invite_as_it_stands(uow, user_id, week, now)


def run_bounded(items: Sequence[T], work: Callable[[T], None], *, workers: int) -> None:
    """A few sends in flight at once: while one waits out a 429 or a slow round trip to Slack,
    the others keep the allowed rate used. At most `workers` items are queued, so memory
    stays flat however many people are owed a pulse."""
    slots = threading.BoundedSemaphore(workers)

    def guarded(item: T) -> None:
        try:
            work(item)
        except Exception as error:  # one person's failure must not stop the others
            logger.error("pulse send failed: %s", type(error).__name__)
        finally:
            slots.release()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aplauso-pulse") as pool:
        for item in items:
            slots.acquire()
            pool.submit(guarded, item)
