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

import logging
import threading
from typing import Any

from sqlalchemy import Engine, event

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

    def _run(self) -> None:
        connection = self._engine.raw_connection()  # kept while the thread lives
        try:
            while not self._stop.wait(self._every):
                self.checkpoint(connection.driver_connection)
        finally:
            connection.close()

    @staticmethod
    def checkpoint(sqlite: Any) -> None:
        try:
            sqlite.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except Exception as error:  # a passing failure: the next second tries again
            logger.warning("WAL checkpoint failed: %s", type(error).__name__)


def checkpoint_in_background(engine: Engine) -> WalCheckpointer | None:
    """For a SQLite file: this engine's connections stop checkpointing on commit and a thread
    does it instead. None for PostgreSQL and in-memory SQLite, which have no such log."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    event.listen(engine, "connect", _no_checkpoint_on_commit)
    engine.dispose()  # connections opened before keep checkpointing: open new ones
    return WalCheckpointer(engine).start()


def _no_checkpoint_on_commit(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()
