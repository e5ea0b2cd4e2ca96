"""The one seat for the scheduler: at most one process per database runs the jobs.

`aplauso serve` runs several worker processes, and several instances may share one
PostgreSQL; the jobs' claims already keep every DM single, but running them once per
deployment is cheaper and easier to follow in the logs. On PostgreSQL the seat is a
session-level advisory lock on a pooled connection kept out of the pool while held (released
by the server when the process dies, so another takes over); on SQLite it is an exclusive `flock` on a file beside
the database (released by the kernel when the process dies). A database without a file
(in-memory SQLite) has one process by definition: the seat is always free.
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

from storage.db import sqlite_file

logger = logging.getLogger(__name__)

ADVISORY_KEY = 0x61706C61_75736F  # "aplauso", as an advisory lock key shared by all instances
LOCK = text("SELECT pg_try_advisory_lock(:key)")
UNLOCK = text("SELECT pg_advisory_unlock(:key)")


class SchedulerSeat:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._url = engine.url
        self._file: IO[str] | None = None
        self._connection: Connection | None = None
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def try_take(self) -> bool:
        """Takes the seat if nobody holds it; never waits."""
        if self._held:
            return True
        backend = self._url.get_backend_name()
        if backend == "postgresql":
            self._held = self._take_advisory_lock()
        elif (path := sqlite_file(self._url)) is not None:
            self._held = self._take_file_lock(Path(path))
        else:
            self._held = True
        return self._held

    def still_held(self) -> bool:
        """False once the seat was lost (the PostgreSQL connection dropped): stop the jobs."""
        if not self._held or self._connection is None:
            return self._held
        try:
            self._connection.execute(text("SELECT 1"))
        except Exception as error:  # any driver error means the lock went with the connection
            logger.warning("scheduler seat lost: %s", type(error).__name__)
            self.release()
            return False
        return True

    def release(self) -> None:
        self._held = False
        if self._file is not None:
            self._file.close()  # closing the file drops the flock
            self._file = None
        if self._connection is not None:
            try:
                self._connection.execute(UNLOCK, {"key": ADVISORY_KEY})
                self._connection.close()
            except Exception as error:  # already broken: the server has dropped the lock
                logger.debug("closing the seat's connection: %s", type(error).__name__)
                self._connection.invalidate()
            self._connection = None

    def _take_file_lock(self, database: Path) -> bool:
        handle = open(database.with_name(database.name + ".scheduler.lock"), "a")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def _take_advisory_lock(self) -> bool:
        try:
            connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception as error:  # the database is down: nobody runs the jobs until it is back
            logger.warning("scheduler seat unavailable: %s", type(error).__name__)
            return False
        try:
            taken = bool(connection.execute(LOCK, {"key": ADVISORY_KEY}).scalar())
        except Exception as error:
            logger.warning("scheduler seat unavailable: %s", type(error).__name__)
            connection.invalidate()
            return False
        if not taken:
            connection.close()
            return False
        self._connection = connection
        return True
