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
import sqlite3
import threading
import time
from typing import Any

from sqlalchemy import Engine, Table, bindparam, delete
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex, CreateTable

from storage.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    connection_scope,
    make_engine,
    sqlite_file,
    while_locked,
)
from storage.models.replay import SeenRequest
from storage.repositories._sql import ignoring_duplicates
from storage.wal_checkpoints import checkpoint_like_the_engine

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
    """A key per accepted signature, in the database or in the replay file beside it.

    In a replay file of its own the cache writes through a bare `sqlite3` connection per
    thread: one self-committing INSERT per request. Through SQLAlchemy the same insert cost
    a transaction's begin, execute and commit calls, several times the work of the insert
    itself, on the path of every request; the file holds nothing else, so it needs neither
    the engine's writer line nor its logs. A try that finds the file locked by another process
    is repeated every millisecond, as BEGIN IMMEDIATE is on the main file (storage/db.py).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._insert = ignoring_duplicates(engine.dialect.name, TABLE)
        self._lock = threading.Lock()
        self._purged_at = 0.0
        path = sqlite_file(engine.url)
        self._file = path if path and path.endswith(REPLAY_FILE_SUFFIX) else None
        self._connections = threading.local()

    def first_sight(self, key: str, now: float, ttl: float) -> bool:
        """True the first time `key` is stored; False while an unexpired copy is there."""
        if self._file is not None:
            return self._first_sight_in_file(self._file, key, now, ttl)
        with connection_scope(self._engine) as connection:
            if self._purge_due(now):
                connection.execute(EXPIRED, {"now": int(now)})
            values = {"key": key, "expires_at": int(now + ttl)}
            return connection.execute(self._insert, values).first() is not None

    def _first_sight_in_file(self, path: str, key: str, now: float, ttl: float) -> bool:
        sqlite = getattr(self._connections, "sqlite", None)
        if sqlite is None:
            sqlite = sqlite3.connect(path, isolation_level=None, timeout=0)
            sqlite.execute("PRAGMA synchronous=NORMAL")
            checkpoint_like_the_engine(self._engine, sqlite)
            self._connections.sqlite = sqlite
        if self._purge_due(now):
            _written(sqlite, _FILE_PURGE, (int(now),))
        return bool(_written(sqlite, _FILE_INSERT, (key, int(now + ttl))))

    def _purge_due(self, now: float) -> bool:
        with self._lock:
            if now - self._purged_at < PURGE_EVERY_SECONDS:
                return False
            self._purged_at = now
            return True


# The model's own table name, never input.
_FILE_INSERT = f'INSERT INTO {TABLE.name} ("key", expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING "key"'  # noqa: S608
_FILE_PURGE = f"DELETE FROM {TABLE.name} WHERE expires_at <= ?"  # noqa: S608


def _written(sqlite: sqlite3.Connection, statement: str, values: tuple[object, ...]) -> list[Any]:
    """The statement's rows, once it ran in its own transaction, waiting for another writer of
    the file as long as a writer of the main file would."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    return while_locked(lambda: sqlite.execute(statement, values).fetchall(), deadline)
