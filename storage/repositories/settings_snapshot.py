"""A per-process, read-only copy of the workspace settings and service values.

Why: every kudos, every reaction and every language look-up read the settings row and the
values, and on SQLite each read is a transaction that takes the write lock (`storage/db.py`).
They change a few times a year, so each process keeps one copy per database and reads it again
after `SNAPSHOT_SECONDS`. A change made in this process is seen at once (the ORM events below
drop the copy when a settings or value row is written, and again when that transaction
commits); a change made by another worker or instance is seen within `SNAPSHOT_SECONDS`.

The copies are shared by threads: callers must treat them as read-only. Whoever means to change
the settings reads them with `SettingsRepository.get()` inside their unit of work, as before.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, object_session

from storage.models.settings import ServiceValue, WorkspaceSettings

SNAPSHOT_SECONDS = 2.0


@dataclass(frozen=True)
class SettingsSnapshot:
    settings: WorkspaceSettings
    values: tuple[ServiceValue, ...]  # retired ones too, in display order
    taken_at: float


_snapshots: WeakKeyDictionary[Engine, SettingsSnapshot] = WeakKeyDictionary()
_lock = threading.Lock()


def detached_copy(row: Any) -> Any:
    """A transient twin of a loaded row: no session, no lazy loads, safe to share."""
    return type(row)(**row.model_dump())


def cached(engine: Engine) -> SettingsSnapshot | None:
    snapshot = _snapshots.get(engine)
    if snapshot is None or time.monotonic() - snapshot.taken_at > SNAPSHOT_SECONDS:
        return None
    return snapshot


def keep(
    engine: Engine, settings: WorkspaceSettings, values: list[ServiceValue]
) -> SettingsSnapshot:
    snapshot = SettingsSnapshot(
        detached_copy(settings),
        tuple(detached_copy(value) for value in values),
        time.monotonic(),
    )
    with _lock:
        _snapshots[engine] = snapshot
    return snapshot


def forget(engine: Engine) -> None:
    with _lock:
        _snapshots.pop(engine, None)


def _written(_mapper: Any, connection: Any, target: Any) -> None:
    """A settings or value row was flushed: forget now, and again once it is committed, so a
    reader that copied the old row in between does not keep it."""
    engine = connection.engine
    forget(engine)
    session = object_session(target)
    if isinstance(session, Session):
        event.listen(session, "after_commit", lambda _session: forget(engine), once=True)


for _model in (WorkspaceSettings, ServiceValue):
    for _change in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _change, _written)
