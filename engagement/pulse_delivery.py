"""Getting claimed pulses into Slack: a few DMs in flight at once, each outcome recorded.

Each person-week is claimed in its own short transaction, DMed after it closes, and marked in
another: sent; due again later when Slack failed for a passing reason (a rate limit, a 5xx, a
dropped connection), until the week closes; or failed for good when Slack refused the person.
A retry, and a claim left behind by a dead run (see engagement.claim_heartbeat), first asks
Slack whether the DM went out already, so nobody gets the pulse twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TypeVar

from engagement.claim_heartbeat import Heartbeat, claims_in
from engagement.clock import Clock, system_clock
from engagement.periods import closed_before, open_weeks
from engagement.ports import PulseMessenger, Transactions
from engagement.pulse_model import PulseInvite
from engagement.pulse_questions import invite_as_it_stands, person_questions
from engagement.reports import DeliveryFailedError, Outcome, Tally
from engagement.sending import Sending, send_claimed
from storage.models.pulse import Attempt, ClaimStatus
from storage.unit_of_work import UnitOfWork

RESUMED_NOTE = "resumed a pulse claimed by a run that died"
RETRIED_NOTE = "retried pulses Slack had failed to take"

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Owed:
    """A person-week found due, with what the DM needs besides the questions."""

    user_id: str
    lang: str
    week_start: date
    anonymity_k: int


@dataclass(frozen=True)
class _Resend:
    """A claimed person-week to send again, and how many attempts have failed so far."""

    user_id: str
    week_start: date
    attempts: int


class PulseDelivery:
    def __init__(
        self,
        store: Transactions,
        messenger: PulseMessenger,
        *,
        workers: int,
        wall: Clock = system_clock,
    ) -> None:
        self._store = store
        self._messenger = messenger
        self._workers = workers
        self._beat, self._in_flight = claims_in(store, lambda uow: uow.pulse.claims)
        self._wall = wall  # real time for heartbeats; `now` may be pinned by `jobs run --at`

    def send(self, owed: Sequence[Owed], now: datetime, tally: Tally) -> None:
        """New claims, then retries that fell due, then claims whose run died; the run ends
        when no other run's claim is left hanging."""
        with Heartbeat(self._beat, self._wall) as run:
            send_one = partial(self._send_one, now=now, run=run, tally=tally)
            run_bounded(owed, send_one, workers=self._workers)
            self._resend(self._due_retries(now, run), now, tally, RETRIED_NOTE)
            self._take_over(now, run, tally)
            run.watch_others(self._in_flight, partial(self._take_over, now, run, tally))

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
            except DeliveryFailedError as error:
                tally.fail(error)
                continue
            tally.count(Outcome.SENT)

    def _send_one(self, owed: Owed, *, now: datetime, run: Heartbeat, tally: Tally) -> None:
        with self._store.unit_of_work() as uow:
            questions = person_questions(uow, owed.user_id, owed.week_start, now)
            keys = [q.key for q in questions]
            claimed = bool(questions) and uow.pulse.claim(
                owed.user_id, owed.week_start, keys, now, owner=run.owner, alive_at=run.alive_at()
            )
        if not claimed:
            tally.count(Outcome.SKIPPED)
            return
        invite = PulseInvite(
            owed.user_id, owed.lang, owed.week_start, questions, anonymity_k=owed.anonymity_k
        )
        self._deliver(invite, now, tally, resend=False, attempts=0)

    def _due_retries(self, now: datetime, run: Heartbeat) -> list[_Resend]:
        """Failed sends whose next attempt has come, while their week is open; those of
        closed weeks fail for good."""
        open_from = closed_before(now)
        with self._store.unit_of_work() as uow:
            uow.pulse.give_up_closed(open_from)
            due = uow.pulse.claims.take_due_retries(
                now, open_from, run.owner, run.alive_at(), claimed_at=now
            )
            return [_Resend(d.user_id, d.week_start, d.attempts) for d in due]

    def _take_over(self, now: datetime, run: Heartbeat, tally: Tally) -> None:
        with self._store.unit_of_work() as uow:
            taken = uow.pulse.claims.take_abandoned(
                run.silent_since(), run.owner, run.alive_at(), claimed_at=now
            )
            items = [_Resend(d.user_id, d.week_start, d.attempts) for d in taken]
        self._resend(items, now, tally, RESUMED_NOTE)

    def _resend(self, items: Sequence[_Resend], now: datetime, tally: Tally, note: str) -> None:
        if items:
            tally.note(note)
        run_bounded(items, partial(self._resend_one, now=now, tally=tally), workers=self._workers)

    def _resend_one(self, item: _Resend, *, now: datetime, tally: Tally) -> None:
        with self._store.unit_of_work() as uow:
            if uow.pulse.is_opted_out(item.user_id):
                opted_out = Attempt(ClaimStatus.FAILED, "opted_out")
                uow.pulse.mark_delivery(item.user_id, item.week_start, opted_out)
                tally.count(Outcome.SKIPPED)
                return
            invite = invite_as_it_stands(uow, item.user_id, item.week_start, now)
        self._deliver(invite, now, tally, resend=True, attempts=item.attempts)

    def _deliver(
        self, invite: PulseInvite, now: datetime, tally: Tally, *, resend: bool, attempts: int
    ) -> None:
        """Sends a claimed pulse and records the outcome. A resend (a retry, or a claim whose
        run died) asks Slack's DM history first: Slack may have taken the pulse already."""
        messenger = self._messenger
        pulse = Sending(
            partial(messenger.already_sent, invite), partial(messenger.send_pulse, invite), "pulse"
        )
        attempt, sent = send_claimed(pulse, now, tally, resend=resend, attempts=attempts)
        sent_as = (sent.channel_id, sent.message_ts) if sent is not None else None
        with self._store.unit_of_work() as uow:
            uow.pulse.mark_delivery(invite.user_id, invite.week_start, attempt, sent_as)


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
