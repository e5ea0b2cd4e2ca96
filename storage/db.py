"""Engine and session factory for SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_RETRY_SECONDS = 0.001
CONCURRENT_THREADS = 64
"""Threads that may each hold a connection at once in one `serve`: 16 waitress threads, the
32-thread listener pool, the scheduler and its pulse/digest senders, with room to spare. A
pool smaller than this makes threads queue for a connection (and time out) under load."""
POOL_TIMEOUT_SECONDS = 30
POSTGRES_POOL_SIZE = 10
SQLITE_POOL_SIZE = 8
"""SQLite connections kept open once returned; a burst opens more (a file's connection opens in
well under a millisecond) and closes them as they come back. Each kept connection grows its
own page cache and prepared statements (several MB), so keeping every connection a burst
ever needed made the soak's workers grow by 4 MB a minute, to 30 connections each."""
SLOW_TRANSACTION_SECONDS = 1.0
SQLITE_CACHE_KIB = 512
"""Each connection's own page cache (SQLite's default is 2 MB). The system caches the file for
every connection anyway; with 2 MB, the 8 kept connections of each worker filled their caches
as the database grew, and resident memory kept growing with it (10-minute soak: 27 MB more
between minutes 5 and 10, 15 MB with 512 KiB, at the same latency)."""

logger = logging.getLogger("aplauso.storage")
T = TypeVar("T")


def _configure_sqlite(engine: Engine) -> None:
    """WAL lets readers run beside the writer; BEGIN IMMEDIATE takes the write lock up front.

    pysqlite's default deferred transactions fail at once with "database is locked" when two
    writers upgrade a read lock at the same moment, ignoring the busy timeout. Taking the lock
    at BEGIN makes concurrent writers wait in line instead, which the exactly-once claims need.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()
        record.info["wal"] = bool(mode) and str(mode[0]).lower() == "wal"
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        scope = _current_scope()
        waits = connection.connection.info  # lives as long as the SQLite connection
        sqlite = connection.connection.driver_connection
        if scope is not None and scope.reading:
            _busy_timeout(sqlite, waits, SQLITE_BUSY_TIMEOUT_MS)
            connection.exec_driver_sql("BEGIN")
        else:
            deadline = scope.deadline if scope else time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
            try:
                _busy_timeout(sqlite, waits, 0)
                _begin_immediate(sqlite, deadline)
                if not waits.get("wal"):  # a commit without WAL waits for the readers
                    _busy_timeout(sqlite, waits, SQLITE_BUSY_TIMEOUT_MS)
            except sqlite3.Error as error:  # a timeout is logged as one; others as the error
                if scope is not None:
                    scope.gave_up = _is_locked(error)
                raise _begin_failed(error) from None
        if scope is not None:  # the write lock is held from here
            scope.began, scope.gave_up = time.monotonic(), False


def _begin_failed(error: sqlite3.Error) -> exc.StatementError:
    """SQLite's refusal at BEGIN as SQLAlchemy reports it for any other statement (an
    `OperationalError` for "database is locked"), so callers catch one kind of error."""
    return exc.DBAPIError.instance("BEGIN IMMEDIATE", None, error, sqlite3.Error)


def _is_locked(error: sqlite3.Error) -> bool:
    """Another writer holds the lock ("database is locked"), as opposed to a broken file."""
    return "locked" in str(error)


def _busy_timeout(sqlite: sqlite3.Connection, waits: dict[str, Any], milliseconds: int) -> None:
    """Sets the connection's busy timeout, unless it is set so already.

    A writer begins with none (see `_begin_immediate`) and keeps none through its transaction:
    it holds the write lock from BEGIN IMMEDIATE on, and under WAL nothing it then does waits
    for another connection. Without WAL (a file system where SQLite could not turn it on, a
    database in memory) its commit waits for the readers, so it gets SQLite's wait back after
    BEGIN. A reader, which can meet a checkpoint's brief lock, gets SQLite's own wait back.
    Setting it only on a change spares the two statements per transaction that setting and
    restoring it cost on the path of every recorded kudos.
    """
    if waits.get("busy_timeout_ms", SQLITE_BUSY_TIMEOUT_MS) != milliseconds:
        sqlite.execute(f"PRAGMA busy_timeout={milliseconds}")
        waits["busy_timeout_ms"] = milliseconds


def _begin_immediate(sqlite: sqlite3.Connection, deadline: float) -> None:
    """BEGIN IMMEDIATE, tried again every millisecond while another process writes (see
    `while_locked`); the connection's busy timeout is 0 here, so a try fails at once."""
    while_locked(lambda: sqlite.execute("BEGIN IMMEDIATE"), deadline)


def while_locked(attempt: Callable[[], T], deadline: float) -> T:
    """`attempt()`, tried again every millisecond while SQLite says another connection holds
    the write lock, until `deadline` (a `time.monotonic()` value); other errors go up at once.

    SQLite's own busy wait sleeps ever longer between tries (up to 100 ms), so a writer of
    another process that kept taking the lock in short transactions (a job's loop) left it
    waiting seconds: in the soak, requests waited 1.3-1.8 s while no transaction held the
    lock even 0.1 s.
    """
    while True:
        try:
            return attempt()
        except sqlite3.OperationalError as error:
            if not _is_locked(error) or time.monotonic() > deadline:
                raise
        time.sleep(SQLITE_RETRY_SECONDS)


def sqlite_file(database_url: str | URL) -> str | None:
    """The file a SQLite URL names; None for PostgreSQL and for SQLite in memory (plain, or
    shared by name with `mode=memory`), which have no file, no log beside it and nothing to
    find missing."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("mode") == "memory":
        return None
    uri = str(url.query.get("uri", "")).lower() in ("true", "1")
    if uri and url.database.startswith("file:"):  # a URI filename: the path is what follows
        return url.database.removeprefix("file:")
    return url.database


def make_engine(database_url: str | URL) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            # no pre-ping: a file's connection does not go stale (and a SELECT 1 per
            # transaction was 3 % of a recorded kudos' CPU)
            pool_size=SQLITE_POOL_SIZE,
            max_overflow=CONCURRENT_THREADS - SQLITE_POOL_SIZE,
            pool_timeout=POOL_TIMEOUT_SECONDS,
            # the most recently returned connection first: the few that a steady load needs
            # stay warm and the rest stay idle. First-in-first-out cycled all 64 in turn, and
            # each grew its own page cache (up to 2 MB): +44 % resident memory in the soak
            pool_use_lifo=True,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=POSTGRES_POOL_SIZE,  # kept open; the rest are opened on demand and closed
        max_overflow=CONCURRENT_THREADS - POSTGRES_POOL_SIZE,
        pool_timeout=POOL_TIMEOUT_SECONDS,
        pool_use_lifo=True,  # warm connections first; idle ones above pool_size get closed
        connect_args={"connect_timeout": 5},
    )


class HealthProbe:
    """Asks the database on a fresh connection each time, so a probe reports the truth now.

    A pooled connection can outlive the database file or server it came from; a health check
    must see an outage as soon as new work would, and see the recovery just as soon.
    """

    def __init__(self, engine: Engine) -> None:
        url = engine.url
        connect_args: dict[str, Any] = (
            {"timeout": 2} if url.get_backend_name() == "sqlite" else {"connect_timeout": 2}
        )
        path = sqlite_file(url)
        if path is not None:
            # mode=rw: never create an empty database file where the real one went missing
            url = url.set(database=f"file:{path}", query={**url.query, "mode": "rw", "uri": "true"})
        self._engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)

    def __call__(self) -> str | None:
        """None when the database answers, else a short reason with no credentials in it."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # any driver error means "unreachable" to a health check
            return type(error).__name__
        return None


def check_database(engine: Engine) -> str | None:
    return HealthProbe(engine)()


_open_transactions = threading.local()  # `scope`: this thread's innermost open _Scope


@dataclass
class _Scope:
    """One `session_scope` as its BEGIN hook sees it: whether it only reads, when its wait for
    SQLite's write lock must end (one deadline for the line in the process and the retries),
    and what the hook reports back for the log: when BEGIN returned, or that it gave up."""

    reading: bool
    deadline: float
    began: float | None = None
    gave_up: bool = False


def _current_scope() -> _Scope | None:
    scope: _Scope | None = getattr(_open_transactions, "scope", None)
    return scope


_lines_lock = threading.Lock()
_sqlite_writers: dict[str, threading.RLock] = {}
"""Per SQLite file, the line in which this process's writers take turns before BEGIN
IMMEDIATE. SQLite's own busy wait polls with sleeps growing to 100 ms, so under steady writing
an unlucky writer kept missing the lock and waited seconds; a lock in the process wakes the
next writer at once, and only one thread per process still polls SQLite. One line per file:
each file has its own write lock (the replay cache's file is not the main one's)."""


@functools.lru_cache(maxsize=64)
def _file_key(database: str | None) -> str:
    """One file however its path is spelled; worked out once, not per transaction."""
    return os.path.realpath(database or ":memory:")


def _writers_of(engine: Engine) -> threading.RLock:
    key = _file_key(engine.url.database)
    line = _sqlite_writers.get(key)
    if line is None:
        with _lines_lock:
            line = _sqlite_writers.setdefault(key, threading.RLock())
    return line


def _new_lines_after_fork() -> None:
    """A forked worker starts with its own, free lines (a thread of the parent holding a line
    at the fork would never release it in the child)."""
    global _lines_lock
    _lines_lock = threading.Lock()
    _sqlite_writers.clear()


os.register_at_fork(after_in_child=_new_lines_after_fork)


def transaction_open() -> bool:
    """Whether this thread is inside a unit of work right now.

    The Slack client asks before every Web API call: a slow Slack must never hold a database
    lock, so calling it inside a transaction is a bug, not a slowness.
    """
    return _current_scope() is not None


@contextmanager
def session_scope(engine: Engine, *, reading: bool = False) -> Iterator[Session]:
    """One transaction: commits on success, rolls back on any error. The session cannot be
    used once closed: a read after the `with` block would begin a transaction nobody ends,
    holding SQLite's write lock until the garbage collector came by.

    `reading`: the transaction only reads. On SQLite it then begins DEFERRED, without the
    write lock, so under WAL it neither waits for a writer nor holds one up; a read-only page
    such as the App Home, whose reads grow with the month's kudos, would otherwise queue every
    kudos behind it (seen in the soak: answers 20 s late after half an hour)."""
    with _turn(engine, reading):
        session = Session(engine, expire_on_commit=False, close_resets_only=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


@contextmanager
def connection_scope(engine: Engine) -> Iterator[Connection]:
    """One writing transaction on a bare connection, for a store that needs no ORM (the door's
    replay cache, one INSERT per request): the same line, lock and logs as `session_scope`,
    without a session's bookkeeping, which cost more than the INSERT itself."""
    with _turn(engine, reading=False), engine.begin() as connection:
        yield connection


@contextmanager
def _turn(engine: Engine, reading: bool) -> Iterator[None]:
    """A transaction's turn: on SQLite a writer first takes its place in this process's line
    for the file (see `_sqlite_writers`); the scope tells the BEGIN hook whether it reads and
    until when it may wait, and the hook's report decides what is logged at the end."""
    started = time.monotonic()
    line = _writers_of(engine) if not reading and engine.dialect.name == "sqlite" else None
    scope = _Scope(reading, deadline=started + SQLITE_BUSY_TIMEOUT_MS / 1000)
    if line is not None and not line.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        _log_gave_up(started)
        raise _begin_failed(sqlite3.OperationalError("database is locked"))
    outer, _open_transactions.scope = _current_scope(), scope  # a scope inside another's
    try:
        yield
    finally:
        _open_transactions.scope = outer
        if line is not None:
            line.release()
        if scope.gave_up:
            _log_gave_up(started)
        else:
            _log_if_slow(started, scope.began, reading)


def _log_if_slow(started: float, began: float | None, reading: bool) -> None:
    """Names a transaction that held on for long. On SQLite the time counts from the moment
    BEGIN returned: a writing transaction holds the one write lock from then, and the others
    only wait for it (their wait is shown apart, so the one holding it stands out)."""
    ended = time.monotonic()
    held = ended - (began or started)
    waited = (began or started) - started
    if not reading and waited >= SLOW_TRANSACTION_SECONDS and held < SLOW_TRANSACTION_SECONDS:
        logger.warning(
            "slow writing transaction: waited %.2f s for the write lock (then held it %.2f s) in %s",
            waited, held, _caller(),
        )  # fmt: skip
    if held >= SLOW_TRANSACTION_SECONDS:
        kind = "reading" if reading else "writing"
        logger.warning(
            "slow %s transaction: held %.2f s (after waiting %.2f s) in %s",
            kind, held, waited, _caller(),
        )  # fmt: skip


def _log_gave_up(started: float) -> None:
    """A writer that never got SQLite's write lock: it held nothing, so the line says how
    long it waited (a slow-transaction line would blame it for the time)."""
    logger.warning(
        "writing transaction gave up: waited %.2f s for the write lock in %s",
        time.monotonic() - started, _caller(),
    )  # fmt: skip


def _caller() -> str:
    """The first frame outside storage/ and contextlib that opened the transaction: which
    service held it (a writing one holds SQLite's write lock, and every writer waits)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename
        if "/storage/" not in path and "contextlib" not in path:
            where = "/".join(path.rsplit("/", 2)[-2:])
            return f"{where}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return "unknown"
