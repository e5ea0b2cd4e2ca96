"""A transaction that holds on for long is named in the log, with the place that opened it:
on SQLite a writing one holds the only write lock, and every kudos waits behind it."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import db
from storage.db import SLOW_TRANSACTION_SECONDS
from storage.unit_of_work import Database


def _hold_the_database(database: Database, seconds: float) -> None:
    with database.unit_of_work() as uow:
        uow.settings.get()
        time.sleep(seconds)


def test_a_long_transaction_is_logged_with_where_it_was_opened(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="aplauso.storage"):
        _hold_the_database(database, 0.01)
        assert caplog.messages == []
        _hold_the_database(database, SLOW_TRANSACTION_SECONDS + 0.1)

    [line] = caplog.messages
    assert line.startswith("slow writing transaction: held 1.")
    assert "tests/test_slow_transactions.py" in line
    assert "_hold_the_database" in line


def _write_once(database: Database) -> None:
    with database.unit_of_work() as uow:
        uow.settings.get()


def test_a_writer_kept_waiting_is_logged_apart_from_the_one_holding_the_lock(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """On SQLite the second writer waits for the first (and says so, naming itself); on
    PostgreSQL writers of different rows never wait for each other."""
    holding = threading.Event()

    def hold() -> None:
        with database.unit_of_work() as uow:
            uow.settings.get()
            holding.set()
            time.sleep(SLOW_TRANSACTION_SECONDS + 0.1)

    with caplog.at_level(logging.WARNING, logger="aplauso.storage"):
        holder = threading.Thread(target=hold)
        holder.start()
        assert holding.wait(10)
        _write_once(database)
        holder.join()

    waits = [line for line in caplog.messages if "for the write lock" in line]
    held = [line for line in caplog.messages if "held 1." in line and "hold" in line]
    assert len(held) == 1
    if database.engine.dialect.name == "sqlite":
        [wait] = waits
        assert wait.startswith("slow writing transaction: waited 1.")
        assert "_write_once" in wait
    else:
        assert waits == []


def test_a_writer_held_out_by_another_process_past_the_busy_timeout_gets_database_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite only: the writer tries again every millisecond instead of SQLite's growing
    sleeps, still gives up after the busy timeout with SQLAlchemy's usual error (logged as
    a wait that gave up, not as a transaction that held the lock), and its connection works
    again once the other writer is done."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "aplauso.db"
    engine = db.make_engine(f"sqlite:///{path}")
    with db.session_scope(engine) as session:
        session.execute(text("CREATE TABLE said (word TEXT)"))
    other_process = sqlite3.connect(path, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    with (
        caplog.at_level(logging.WARNING, logger="aplauso.storage"),
        pytest.raises(OperationalError, match="database is locked"),
        db.session_scope(engine) as session,
    ):
        session.execute(text("INSERT INTO said VALUES ('first')"))
    [line] = caplog.messages
    assert _gave_up_after(line) >= 0.3
    assert "transaction: held" not in line
    other_process.execute("ROLLBACK")
    with db.session_scope(engine) as session:
        session.execute(text("INSERT INTO said VALUES ('again')"))
    with db.session_scope(engine, reading=True) as session:
        assert session.execute(text("SELECT word FROM said")).scalars().all() == ["again"]
    other_process.close()
    engine.dispose()


def test_a_writer_queued_in_the_process_past_the_busy_timeout_gets_database_locked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite only: a writer of this process that never reaches the front of the process's
    line gets the same error, and the log says it gave up waiting."""
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'aplauso.db'}")
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with db.session_scope(engine) as session:
            session.execute(text("SELECT 1"))
            holding.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    with (
        caplog.at_level(logging.WARNING, logger="aplauso.storage"),
        pytest.raises(OperationalError, match="database is locked"),
        db.session_scope(engine) as session,
    ):
        session.execute(text("SELECT 1"))
    done.set()
    holder.join()
    [line] = [line for line in caplog.messages if "gave up" in line]
    assert _gave_up_after(line) >= 0.3
    engine.dispose()


def _gave_up_after(line: str) -> float:
    """The seconds a "gave up" line says the writer waited."""
    found = re.fullmatch(
        r"writing transaction gave up: waited ([\d.]+) s for the write lock in .+", line
    )
    assert found, line
    return float(found[1])
