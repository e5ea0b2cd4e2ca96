"""A transaction that holds on for long is named in the log, with the place that opened it:
on SQLite a writing one holds the only write lock, and every kudos waits behind it."""

from __future__ import annotations

import logging
import threading
import time

import pytest

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
