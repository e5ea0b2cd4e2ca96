"""Workspace settings, service values and admins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.models.settings import Admin, ServiceValue, WorkspaceSettings
from storage.repositories import settings_snapshot
from storage.repositories._sql import delete_by_key, insert_ignoring_duplicates
from storage.repositories.settings_snapshot import SettingsSnapshot


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self) -> WorkspaceSettings:
        settings = self._session.get(WorkspaceSettings, 1)
        if settings is None:  # only possible if someone deleted the row by hand
            settings = WorkspaceSettings(id=1)
            self._session.add(settings)
            self._session.flush()
        return settings

    def snapshot(self) -> SettingsSnapshot:
        """Settings and values as this process last read them (see `settings_snapshot`):
        read-only, for the hot paths; whoever changes them uses `get()`."""
        engine = self._session.get_bind()
        found = settings_snapshot.cached(engine) if isinstance(engine, Engine) else None
        if found is None:
            settings, values = self.get(), self.values(include_retired=True)
            if not isinstance(engine, Engine):
                return SettingsSnapshot(settings, tuple(values), 0.0)
            found = settings_snapshot.keep(engine, settings, values)
        return found

    def save(self, settings: WorkspaceSettings) -> None:
        self._session.add(settings)
        self._session.flush()

    def values(self, *, include_retired: bool = False) -> list[ServiceValue]:
        query = select(ServiceValue).order_by(col(ServiceValue.position), col(ServiceValue.key))
        if not include_retired:
            query = query.where(col(ServiceValue.retired).is_(False))
        return list(self._session.exec(query))

    def save_value(self, value: ServiceValue) -> None:
        """Stores a new or changed value; flushed so the next `values()` sees it."""
        self._session.add(value)
        self._session.flush()


class AdminRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def is_admin(self, user_id: str) -> bool:
        return self._session.get(Admin, user_id) is not None

    def all_ids(self) -> list[str]:
        return sorted(self._session.exec(select(Admin.user_id)))

    def add(self, user_id: str, now: datetime) -> bool:
        return insert_ignoring_duplicates(
            self._session, Admin, {"user_id": user_id, "added_at": now}
        )

    def remove(self, user_id: str) -> bool:
        return delete_by_key(self._session, Admin, user_id)
