"""SQLite's write-ahead log copied back into the database by a thread of its own.

Why: by default the connection whose commit grows the log past 1,000 pages copies the log back
into the database file (a checkpoint, with an fsync) before its commit returns, and this
process's other writers wait in line behind it (`storage/db.py`). In the soak such commits took
up to 0.3 s, and kudos and clicks queued behind them for seconds. A checkpoint needs no write
lock, so a thread that checkpoints every second keeps the log short without holding anyone
up; the server's connections then never checkpoint themselves. Short-lived commands keep
SQLite's automatic checkpoints (and the last connection to close checkpoints anyway).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any

from sqlalchemy import Engine, event

from storage.db import sqlite_file

logger = logging.getLogger("aplauso.storage")

CHECKPOINT_EVERY_SECONDS = 1.0


class WalCheckpointer:
    """A daemon thread that runs `PRAGMA wal_checkpoint(PASSIVE)` on one SQLite file.

    PASSIVE copies what no reader still needs and never waits for readers or writers (SQLite
    calls no busy handler for it), so a long read only postpones part of the copy."""

    def __init__(self, engine: Engine, every: float = CHECKPOINT_EVERY_SECONDS) -> None:
        self._engine = engine
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)

    def start(self) -> WalCheckpointer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if event.contains(self._engine, "connect", _no_checkpoint_on_commit):
            event.remove(self._engine, "connect", _no_checkpoint_on_commit)  # SQLite's own again

    def _run(self) -> None:
        """Runs until stopped, whatever fails: while this thread lives, the engine's
        connections leave checkpoints to it, so it must not end on a passing error."""
        connection: Any = None
        while not self._stop.wait(self._every):
            try:
                connection = connection or self._engine.raw_connection()
                self.checkpoint(connection.driver_connection)
            except Exception as error:  # the next second tries again, on a new connection
                logger.warning("WAL checkpoint failed: %s", type(error).__name__)
                _closed(connection)
                connection = None
        _closed(connection)

    @staticmethod
    def checkpoint(sqlite: Any) -> None:
        sqlite.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _closed(connection: Any) -> None:
    """Gives the connection back (None stays None); a broken one is simply dropped."""
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()


def checkpoint_in_background(
    engine: Engine, every: float = CHECKPOINT_EVERY_SECONDS
) -> WalCheckpointer | None:
    """For a SQLite file: this engine's connections stop checkpointing on commit and a thread
    does it instead. None for PostgreSQL and in-memory SQLite, which have no such log."""
    if sqlite_file(engine.url) is None:
        return None
    event.listen(engine, "connect", _no_checkpoint_on_commit)
    engine.dispose()  # connections opened before keep checkpointing: open new ones
    return WalCheckpointer(engine, every).start()


def _no_checkpoint_on_commit(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def checkpoint_like_the_engine(engine: Engine, dbapi_connection: Any) -> None:
    """A connection opened beside the engine (the replay cache's own) checkpoints as the
    engine's connections do: not at all while a thread does it for the file."""
    if event.contains(engine, "connect", _no_checkpoint_on_commit):
        _no_checkpoint_on_commit(dbapi_connection, None)
