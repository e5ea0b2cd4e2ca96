"""`/aplauso my data` as a file, and `/aplauso delete my data`: a person's right to read and
to erase what Aplauso keeps about them.

Erasing is one transaction. Kudos the person gave stay for the people who received them, their
giver replaced by `FORMER_COLLEAGUE`, a placeholder directory row marked deleted that every view
renders as "a former colleague". Kudos they received, their pulse invitations and unanswered
questions, pulse opt-out, team memberships and past team weeks, admin role and Slack profile
cache go. Pulse answers and anonymous feedback have no link to anyone (docs/privacy.md), so they
stay as they are; Slack messages already sent are Slack's, and are not touched.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from engagement.clock import Clock
from engagement.people import PeopleService
from engagement.ports import Transactions
from engagement.privacy_model import FORMER_COLLEAGUE, Erasure
from storage.unit_of_work import UnitOfWork


def shown_person(uow: UnitOfWork, user_id: str) -> str:
    """The id others' views name, or `FORMER_COLLEAGUE` for someone deactivated in Slack (or
    who erased their data): people who left are not named on what they left behind."""
    person = uow.people.get(user_id)
    return FORMER_COLLEAGUE if person is not None and person.deleted else user_id


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class PrivacyService:
    def __init__(self, store: Transactions, people: PeopleService, clock: Clock) -> None:
        self._store = store
        self._people = people
        self._clock = clock

    def export_json(self, user_id: str) -> str:
        """Every row that names the person, as the JSON document `/aplauso my data` sends."""
        with self._store.unit_of_work() as uow:
            data = uow.privacy.export(user_id)
        return json.dumps(data, default=_plain, ensure_ascii=False, indent=2, sort_keys=True)

    def erase(self, user_id: str) -> Erasure:
        """Runs once per confirmation click; a second click (or a retry) finds nothing left."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            uow.people.lock(user_id)
            counts = uow.privacy.forget(user_id, FORMER_COLLEAGUE, now)
        self._people.memory.drop([user_id])
        return Erasure(
            kudos_given=counts["kudos_given"],
            kudos_received=counts["kudos_received"],
            already_done=not any(counts.values()),
        )
