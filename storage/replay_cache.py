"""The replay cache in the database: one unique key per accepted signature, with an expiry.

Shared by every worker process and every instance that uses the same database, which a
per-process memory could not be. Expired keys are deleted now and then by whoever inserts.

On a SQLite file the cache lives in a file of its own beside the database (`<file>-replay`).
SQLite has one write lock per file, and every request stores its signature: in the main file
that was a second write per kudos, and in the 30-minute soak at 50 requests a second the
line for the one lock filled up and answers waited seconds. Keys live five minutes, so the
file needs no backup and no migrations; its one table is created where missing. PostgreSQL
locks rows, not the database, so there the table stays in the main schema.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine, Table, bindparam, delete
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex, CreateTable

from storage.db import connection_scope, make_engine, sqlite_file
from storage.models.replay import SeenRequest
from storage.repositories._sql import ignoring_duplicates

logger = logging.getLogger("aplauso.storage")

PURGE_EVERY_SECONDS = 60.0
REPLAY_FILE_SUFFIX = "-replay"
TABLE: Table = SeenRequest.__table__  # type: ignore[attr-defined]
EXPIRED = delete(TABLE).where(TABLE.c.expires_at <= bindparam("now"))


def replay_engine_beside(engine: Engine) -> Engine:
    """The engine the replay cache writes to: a file of its own beside a SQLite file, else
    `engine` itself (PostgreSQL, or SQLite in memory, whose tables the migrations made).

    A replay file that cannot be made (a read-only folder, an odd URL) must not stop the
    server: the main file's own table, which the migrations made, serves instead."""
    url = engine.url
    path = sqlite_file(url)
    if path is None:
        return engine
    query = {name: value for name, value in url.query.items() if name != "mode"}
    replay_url = url.set(database=f"{path}{REPLAY_FILE_SUFFIX}", query=query)
    replay = make_engine(replay_url)
    try:
        with replay.begin() as connection:  # IF NOT EXISTS: workers starting together succeed
            connection.execute(CreateTable(TABLE, if_not_exists=True))
            for index in TABLE.indexes:
                connection.execute(CreateIndex(index, if_not_exists=True))
    except DBAPIError as error:
        replay.dispose()
        logger.warning(
            "replay cache kept in the main database: %s beside it could not be opened (%s)",
            REPLAY_FILE_SUFFIX, type(error.orig).__name__,
        )  # fmt: skip
        return engine
    return replay


class DatabaseReplayCache:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._insert = ignoring_duplicates(engine.dialect.name, TABLE)
        self._lock = threading.Lock()
        self._purged_at = 0.0

    def first_sight(self, key: str, now: float, ttl: float) -> bool:
        """True the first time `key` is stored; False while an unexpired copy is there."""
        with connection_scope(self._engine) as connection:
            if self._purge_due(now):
                connection.execute(EXPIRED, {"now": int(now)})
            values = {"key": key, "expires_at": int(now + ttl)}
            return connection.execute(self._insert, values).first() is not None

    def _purge_due(self, now: float) -> bool:
        with self._lock:
            if now - self._purged_at < PURGE_EVERY_SECONDS:
                return False
            self._purged_at = now
            return True
