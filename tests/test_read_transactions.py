"""Pages that only read (the App Home, `/kudos top`, help) never queue a kudos behind them.

On SQLite every write transaction takes the write lock at BEGIN; a read-only one must not, or
an App Home whose reads grow with the month's kudos holds up every kudos in the workspace.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from storage.models import Person
from storage.unit_of_work import Database

WAIT_SECONDS = 3.0  # SQLite's busy timeout is 30 s: a writer that waited would still be waiting


def _person(user_id: str) -> Person:
    return Person(
        user_id=user_id, name=user_id.lower(), synced_at=datetime(2026, 12, 1, tzinfo=UTC)
    )


def _write(database: Database, user_id: str, done: threading.Event) -> None:
    with database.unit_of_work() as uow:
        uow.people.upsert(_person(user_id))
    done.set()


def test_a_kudos_is_recorded_while_a_page_is_being_read(database: Database) -> None:
    recorded = threading.Event()
    with database.reading() as uow:
        assert uow.people.get_many(["U01ANA"]) == {}  # the reading transaction is under way
        writer = threading.Thread(target=_write, args=(database, "U01ANA", recorded))
        writer.start()
        assert recorded.wait(WAIT_SECONDS), "the write waited for a page that only reads"
        assert uow.people.get_many(["U02LUIS"]) == {}
    writer.join(WAIT_SECONDS)
    with database.reading() as uow:
        assert set(uow.people.get_many(["U01ANA"])) == {"U01ANA"}


def test_a_page_is_read_while_a_kudos_is_being_recorded(database: Database) -> None:
    read: dict[str, object] = {}
    finished = threading.Event()

    def read_page() -> None:
        with database.reading() as uow:
            read.update(uow.people.get_many(["U01ANA"]))
        finished.set()

    with database.unit_of_work() as uow:
        uow.people.upsert(_person("U01ANA"))  # the writer holds the write lock from here
        reader = threading.Thread(target=read_page)
        reader.start()
        assert finished.wait(WAIT_SECONDS), "the page waited for the write to commit"
        assert read == {}  # and saw only what was committed
    reader.join(WAIT_SECONDS)
