"""On SQLite the server's commits never copy the write-ahead log back themselves (a request
would wait for that copy and its fsync, and its process's writers behind it): a background
thread does it every second, and the log's content reaches the database file."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from storage.db import make_engine
from storage.replay_cache import DatabaseReplayCache
from storage.unit_of_work import Database
from storage.wal_checkpoints import WalCheckpointer, checkpoint_in_background

PAGE = 4096
PAGES = 1_500  # past SQLite's automatic checkpoint at 1,000 pages


def write_pages(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS filler (data BLOB)"))
    for _ in range(PAGES // 50):
        with engine.begin() as connection:
            for _ in range(50):
                connection.execute(text("INSERT INTO filler VALUES (randomblob(3000))"))


def test_without_the_thread_a_commit_copies_the_log_back_itself(tmp_path: Path) -> None:
    """What the server avoids: SQLite's default, shown so the next test means something."""
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    write_pages(engine)
    assert (tmp_path / "a.db").stat().st_size > 1_000 * PAGE
    engine.dispose()


def test_with_the_thread_commits_leave_the_copy_to_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    checkpointer = checkpoint_in_background(engine, every=3600)  # not during the writes
    assert checkpointer is not None
    write_pages(engine)
    assert (tmp_path / "b.db").stat().st_size < 100 * PAGE  # no commit copied the log back

    copier = WalCheckpointer(engine, every=0.05).start()
    deadline = time.monotonic() + 10
    while (tmp_path / "b.db").stat().st_size < 1_000 * PAGE and time.monotonic() < deadline:
        time.sleep(0.05)
    copier.stop()
    checkpointer.stop()
    assert (tmp_path / "b.db").stat().st_size > 1_000 * PAGE
    engine.dispose()


def checkpointing_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "wal-checkpoint")


def test_a_server_database_checkpoints_both_its_files_and_stops_with_it(
    tmp_path: Path,
) -> None:
    before = checkpointing_threads()
    database = Database(make_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    database.checkpoint_in_background()
    assert checkpointing_threads() == before + 2  # the database and the replay cache's file
    database.dispose()
    assert checkpointing_threads() == before


def test_postgresql_and_memory_have_no_log_to_copy() -> None:
    assert checkpoint_in_background(create_engine("sqlite://")) is None
    postgres = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert checkpoint_in_background(postgres) is None


def test_the_door_leaves_the_replay_files_log_to_the_thread_too(tmp_path: Path) -> None:
    """The replay cache writes its file through connections of its own (one per thread): they
    must not copy the log back inside a request either."""
    database = Database(make_engine(f"sqlite:///{tmp_path / 'd.db'}"))
    checkpointer = checkpoint_in_background(database.replay_engine, every=3600)
    assert checkpointer is not None
    cache = DatabaseReplayCache(database.replay_engine)
    before = (tmp_path / "d.db-replay").stat().st_size
    now = time.time()
    for index in range(1_200):  # a page of log per insert: past the automatic checkpoint
        assert cache.first_sight(f"signature-{index}", now, 600)
    assert (tmp_path / "d.db-replay").stat().st_size == before  # all of it still in the log
    checkpointer.stop()
    database.dispose()
