"""Welcome DMs: one short note to each person put on a team, and one to each manager.

Whoever puts people on a team (`aplauso team set`, a user group's event, the daily re-sync)
owes them a welcome in the same transaction (`enlist_team`): a row per person and role whose
unique key makes a retried event, a second `team set` or a second instance owe nothing more.
The `welcomes` job then sends what is owed, outside any transaction, a few minutes later at
most: a passing Slack failure is retried by a later run, a refusal is recorded and left, and a
claim a dead run left behind is looked for in the person's DM before it is sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from engagement.directory import is_targetable, language_of
from engagement.ports import Transactions
from engagement.reports import DeliveryFailedError, Outcome, RunReport, Tally, next_attempt
from engagement.welcome_model import MANAGER, MEMBER, WelcomeNote
from storage.models.pulse import Attempt
from storage.repositories.welcome import FAILED, RETRY, SENT
from storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)  # a claim older than this was left by a run that died
MAX_ATTEMPTS = 8  # passing failures tried again for about a day, then given up


class WelcomeMessenger(Protocol):
    """DMs welcomes; raises `DeliveryFailedError` when Slack does not take one."""

    def send_welcome(self, note: WelcomeNote) -> None: ...

    def already_sent(self, note: WelcomeNote) -> bool:
        """Whether the person's DM shows this welcome already (a run died after sending)."""


def enlist_team(
    uow: UnitOfWork, manager_id: str | None, member_ids: Sequence[str], now: datetime
) -> int:
    """Owes a welcome to each member and the manager who never had one; how many are new."""
    owed = sum(uow.welcomes.enlist(user_id, MEMBER, now) for user_id in dict.fromkeys(member_ids))
    if manager_id:
        owed += uow.welcomes.enlist(manager_id, MANAGER, now)
    return owed


def _still_in_role(uow: UnitOfWork, user_id: str, role: str) -> bool:
    """Taken off every team (or no longer a manager) before the job ran: nothing to welcome."""
    return bool(uow.teams.managed_by(user_id) if role == MANAGER else uow.teams.teams_of(user_id))


class WelcomeService:
    def __init__(self, store: Transactions, messenger: WelcomeMessenger) -> None:
        self._store = store
        self._messenger = messenger

    def send_due(self, now: datetime) -> RunReport:
        """Claims every welcome due (one UPDATE, so two runs never share one), then DMs them."""
        with self._store.unit_of_work() as uow:
            resends = uow.welcomes.take_resends(now, now - STALE_CLAIM)
            fresh = uow.welcomes.take_pending(now)
            notes = self._notes(uow, [*resends, *fresh], now)
        tally = Tally()
        for key, note in notes.items():
            if note is None:
                tally.count(Outcome.SKIPPED)
                continue
            self._deliver(note, now, tally, resend=key in resends)
        return tally.report()

    @staticmethod
    def _notes(
        uow: UnitOfWork, keys: Sequence[tuple[str, str]], now: datetime
    ) -> dict[tuple[str, str], WelcomeNote | None]:
        """The DM for each claim; None for bots and people who left (marked failed) and for
        people no longer on a team (forgotten, so joining again welcomes them)."""
        settings = uow.settings.get()
        people = uow.people.get_many({user_id for user_id, _ in keys})
        notes: dict[tuple[str, str], WelcomeNote | None] = {}
        for user_id, role in keys:
            person = people.get(user_id)
            if person is None or not is_targetable(person):
                uow.welcomes.mark(user_id, role, Attempt(FAILED, "not_a_person"), at=now)
                notes[(user_id, role)] = None
                continue
            if not _still_in_role(uow, user_id, role):
                uow.welcomes.enlist_again(user_id, role)  # welcomed when they come back
                notes[(user_id, role)] = None
                continue
            lang = language_of(person, settings.default_language)
            notes[(user_id, role)] = WelcomeNote(user_id, role, lang, settings.anonymity_k)
        return notes

    def _deliver(self, note: WelcomeNote, now: datetime, tally: Tally, *, resend: bool) -> None:
        try:
            if not (resend and self._messenger.already_sent(note)):
                self._messenger.send_welcome(note)
        except DeliveryFailedError as error:
            logger.warning("welcome not delivered: %s", error.label())
            with self._store.unit_of_work() as uow:
                attempts = uow.welcomes.attempts(note.user_id, note.role) + 1
                again = error.retryable and attempts < MAX_ATTEMPTS
                retry = Attempt(RETRY, error.reason, next_attempt(now, attempts))
                attempt = retry if again else Attempt(FAILED, error.reason)
                uow.welcomes.mark(note.user_id, note.role, attempt, at=now)
            tally.fail(error)
            return
        with self._store.unit_of_work() as uow:
            uow.welcomes.mark(note.user_id, note.role, Attempt(SENT), at=now)
        tally.count(Outcome.SENT)
