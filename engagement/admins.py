"""Who may change workspace settings from Slack."""

from __future__ import annotations

from datetime import datetime

from engagement.directory import ProfileFetcher, ensure_person, require_targetable
from storage.unit_of_work import UnitOfWork


def add_admin(uow: UnitOfWork, user_id: str, fetch: ProfileFetcher, now: datetime) -> bool:
    """True when the person became an admin, False when they already were one."""
    person = require_targetable(ensure_person(uow, user_id, fetch, now))
    return uow.admins.add(person.user_id, now)


def remove_admin(uow: UnitOfWork, user_id: str) -> bool:
    return uow.admins.remove(user_id)


def is_admin(uow: UnitOfWork, user_id: str) -> bool:
    return uow.admins.is_admin(user_id)
