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
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from engagement.clock import Clock
from engagement.kudos_model import Place, TeamLeaders
from engagement.people import PeopleService
from engagement.ports import Transactions
from engagement.privacy_model import FORMER_COLLEAGUE, Erasure
from storage.unit_of_work import UnitOfWork


def shown_people(uow: UnitOfWork, user_ids: Iterable[str]) -> dict[str, str]:
    """Each id as others' views name it: itself, or `FORMER_COLLEAGUE` for someone deactivated
    in Slack (or who erased their data), since people who left are not named on what they left
    behind. One query however many ids, so boards and reports stay cheap."""
    ids = set(user_ids)
    people = uow.people.get_many(ids)
    gone = {user_id for user_id, person in people.items() if person.deleted}
    return {user_id: FORMER_COLLEAGUE if user_id in gone else user_id for user_id in ids}


def shown_places(uow: UnitOfWork, places: Sequence[Place]) -> tuple[Place, ...]:
    """A podium with the people who left named as "a former colleague" (they keep their place)."""
    shown = shown_people(uow, (user_id for place in places for user_id in place.user_ids))
    return tuple(
        replace(place, user_ids=tuple(shown[user_id] for user_id in place.user_ids))
        for place in places
    )


def shown_leaders(uow: UnitOfWork, teams: Sequence[TeamLeaders]) -> tuple[TeamLeaders, ...]:
    """Per-team boards with the people who left named as "a former colleague"."""
    shown = shown_people(uow, (user_id for team in teams for user_id, _ in team.leaders))
    return tuple(
        replace(team, leaders=tuple((shown[user_id], count) for user_id, count in team.leaders))
        for team in teams
    )


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
