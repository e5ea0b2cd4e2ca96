"""The door's replay cache: a signature is let in once, and remembering it never waits for
the database's write lock on SQLite (it lives in a file of its own beside the database)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from storage.db import make_engine
from storage.migrate import upgrade
from storage.replay_cache import DatabaseReplayCache, replay_engine_beside
from storage.unit_of_work import Database

TTL = 300.0


def test_a_key_is_let_in_once_until_it_expires(database: Database) -> None:
    cache = DatabaseReplayCache(database.replay_engine)
    now = time.time()
    assert cache.first_sight("sig-1", now, TTL)
    assert not cache.first_sight("sig-1", now + 1, TTL)
    assert cache.first_sight("sig-2", now + 1, TTL)
    assert cache.first_sight("sig-1", now + TTL + 61, TTL)  # expired, purged, let in again


def test_two_instances_on_one_database_share_what_they_have_seen(database_url: str) -> None:
    first, second = Database(make_engine(database_url)), Database(make_engine(database_url))
    try:
        now = time.time()
        assert DatabaseReplayCache(first.replay_engine).first_sight("sig", now, TTL)
        assert not DatabaseReplayCache(second.replay_engine).first_sight("sig", now, TTL)
    finally:
        first.dispose()
        second.dispose()


def test_on_sqlite_a_signature_is_remembered_while_another_process_writes_the_database(
    tmp_path: Path,
) -> None:
    """Every request stores its signature; in the main file that doubled the writes queued
    for SQLite's one write lock. Here a writer holds that lock (as another process would) and
    the door still remembers signatures at once."""
    path = tmp_path / "aplauso.db"
    database = Database(make_engine(f"sqlite:///{path}"))
    cache = DatabaseReplayCache(database.replay_engine)
    assert cache.first_sight("warm", time.time(), TTL)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # the main file's write lock, held
    try:
        remembered: list[bool] = []
        door = threading.Thread(
            target=lambda: remembered.append(cache.first_sight("sig", time.time(), TTL))
        )
        started = time.monotonic()
        door.start()
        door.join(timeout=5)
        assert remembered == [True]
        assert time.monotonic() - started < 1.0
        assert (tmp_path / "aplauso.db-replay").exists()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        database.dispose()


def test_commands_that_serve_no_requests_make_no_replay_file(tmp_path: Path) -> None:
    path = tmp_path / "aplauso.db"
    database = Database(make_engine(f"sqlite:///{path}"))
    upgrade(database.engine)
    with database.unit_of_work() as uow:
        uow.settings.get()
    database.dispose()
    assert not (tmp_path / "aplauso.db-replay").exists()


def test_a_database_url_with_an_open_mode_still_gets_its_replay_file(tmp_path: Path) -> None:
    """`mode=rw` says the database must exist; the replay file is made, so it is not asked."""
    path = tmp_path / "aplauso.db"
    sqlite3.connect(path).close()
    engine = make_engine(f"sqlite:///file:{path}?mode=rw&uri=true")
    replay = replay_engine_beside(engine)
    assert replay is not engine
    assert DatabaseReplayCache(replay).first_sight("sig", time.time(), TTL)
    assert (tmp_path / "aplauso.db-replay").exists()
    replay.dispose()
    engine.dispose()


def test_a_replay_file_that_cannot_be_made_falls_back_to_the_database(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The server still starts, and replays are still refused, from the main file's table."""
    path = tmp_path / "aplauso.db"
    (tmp_path / "aplauso.db-replay").mkdir()  # where the file should go, something else is
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with caplog.at_level(logging.WARNING, logger="aplauso.storage"):
        replay = replay_engine_beside(engine)
    assert replay is engine
    assert "replay cache kept in the main database" in caplog.text
    cache = DatabaseReplayCache(replay)
    assert cache.first_sight("sig", time.time(), TTL)
    assert not cache.first_sight("sig", time.time(), TTL)
    engine.dispose()


def test_a_signature_waits_while_another_process_writes_the_replay_file(tmp_path: Path) -> None:
    """Another worker's insert holds the replay file's lock for a moment: the door waits its
    turn (trying every millisecond) and stores the key, rather than failing the request."""
    database = Database(make_engine(f"sqlite:///{tmp_path / 'aplauso.db'}"))
    cache = DatabaseReplayCache(database.replay_engine)
    assert cache.first_sight("warm", time.time(), TTL)
    other = sqlite3.connect(
        tmp_path / "aplauso.db-replay", isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    release.start()
    try:
        started = time.monotonic()
        assert cache.first_sight("sig", time.time(), TTL)
        assert time.monotonic() - started >= 0.25
        assert not cache.first_sight("sig", time.time(), TTL)
    finally:
        release.join()
        other.close()
        database.dispose()
