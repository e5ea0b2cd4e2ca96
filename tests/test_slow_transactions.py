"""A transaction that holds on for long is named in the log, with the place that opened it:
on SQLite a writing one holds the only write lock, and every kudos waits behind it."""

from __future__ import annotations

import logging
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
