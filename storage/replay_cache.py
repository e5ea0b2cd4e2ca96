"""The replay cache in the database: one unique key per accepted signature, with an expiry.

Shared by every worker process and every instance that uses the same database, which a
per-process memory could not be. Expired keys are deleted now and then by whoever inserts.
"""

from __future__ import annotations

import threading

from sqlalchemy import Engine, delete
from sqlmodel import col

from storage.db import session_scope
from storage.models.replay import SeenRequest
from storage.repositories._sql import insert_ignoring_duplicates

PURGE_EVERY_SECONDS = 60.0


class DatabaseReplayCache:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._purged_at = 0.0

    def first_sight(self, key: str, now: float, ttl: float) -> bool:
        """True the first time `key` is stored; False while an unexpired copy is there."""
        with session_scope(self._engine) as session:
            if self._purge_due(now):
                session.execute(delete(SeenRequest).where(col(SeenRequest.expires_at) <= int(now)))
            values = {"key": key, "expires_at": int(now + ttl)}
            return insert_ignoring_duplicates(session, SeenRequest, values)

    def _purge_due(self, now: float) -> bool:
        with self._lock:
            if now - self._purged_at < PURGE_EVERY_SECONDS:
                return False
            self._purged_at = now
            return True
