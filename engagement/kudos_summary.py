"""How each person hears of kudos they receive, and the daily summary for those who chose it.

`/aplauso kudos dms each|daily|off` stores the choice. The `kudos_summaries` job sends each
`daily` person one DM about the kudos they received the previous UTC day: a claim row per person
and day makes it once, whichever instance runs the job; a passing Slack failure frees the claim
for the next run, a refusal keeps it (failed).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta

from engagement.celebrations import (
    CelebrationThreads,
    KudosSummary,
    SummaryItem,
    dm_mode,
    utc_day,
)
from engagement.clock import Clock
from engagement.directory import ensure_person, is_targetable, language_of
from engagement.people import PeopleService
from engagement.ports import Transactions
from engagement.privacy import shown_people
from engagement.reports import DeliveryFailedError, Outcome, RunReport, Tally
from storage.repositories.welcome import FAILED, SENT
from storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def _summary(uow: UnitOfWork, user_id: str, day: datetime) -> KudosSummary | None:
    """The person's kudos of the UTC day starting at `day`; None when there were none or
    the person can no longer be DMed."""
    person = uow.people.get(user_id)
    if person is None or not is_targetable(person):
        return None
    received = uow.quiet_kudos.received_between(user_id, day, day + timedelta(days=1))
    if not received:
        return None
    emoji = {value.key: value.emoji for value in uow.settings.snapshot().values}
    givers = shown_people(uow, (k.giver_id for k in received))  # people who left: unnamed
    items = tuple(
        SummaryItem(givers[k.giver_id], emoji.get(k.value_key or ""), k.message) for k in received
    )
    lang = language_of(person, uow.settings.snapshot().settings.default_language)
    return KudosSummary(user_id, lang, day.date(), items)


class QuietKudosService:
    def __init__(
        self, store: Transactions, people: PeopleService, threads: CelebrationThreads, clock: Clock
    ) -> None:
        self._store = store
        self._people = people
        self._threads = threads
        self._clock = clock

    def set_dm_mode(self, user_id: str, raw: str) -> str:
        """Stores how `user_id` hears of kudos they receive; the mode stored."""
        mode = dm_mode(raw)
        fetch = self._people.prefetch([user_id])
        with self._store.unit_of_work() as uow:
            ensure_person(uow, user_id, fetch, self._clock())
            uow.quiet_kudos.set_dm_mode(user_id, mode)
        return mode

    def send_summaries(self, now: datetime) -> RunReport:
        """Yesterday's (UTC) kudos to each `daily` person, at most once per person and day."""
        day = utc_day(now) - timedelta(days=1)
        start = datetime.combine(day, time(), tzinfo=UTC)
        with self._store.unit_of_work() as uow:
            people = uow.quiet_kudos.daily_people()
        tally = Tally()
        for user_id in people:
            with self._store.unit_of_work() as uow:
                summary = _summary(uow, user_id, start)  # no kudos that day: no claim row
                if summary is not None and not uow.quiet_kudos.claim_summary(user_id, day, now):
                    summary = None
            if summary is None:
                tally.count(Outcome.SKIPPED)
                continue
            self._send(summary, tally)
        return tally.report()

    def _send(self, summary: KudosSummary, tally: Tally) -> None:
        try:
            self._threads.send_summary(summary)
        except DeliveryFailedError as error:
            logger.warning("kudos summary not delivered: %s", error.label())
            with self._store.unit_of_work() as uow:
                if error.retryable:
                    uow.quiet_kudos.free_summary(summary.user_id, summary.day)
                else:
                    uow.quiet_kudos.mark_summary(summary.user_id, summary.day, FAILED)
            tally.fail(error)
            return
        with self._store.unit_of_work() as uow:
            uow.quiet_kudos.mark_summary(summary.user_id, summary.day, SENT)
        tally.count(Outcome.SENT)
