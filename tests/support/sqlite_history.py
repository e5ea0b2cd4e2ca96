"""What storage history a reader of SQLite files gets: logical dumps, and the WAL replayed.

`WalRecorder` keeps the app's WAL whole (no automatic checkpoint, as a WAL-shipping backup
or a volume snapshot would keep it) and copies the main file as it was when the WAL began.
`replay` then applies the WAL frame by frame and, at every commit frame, reads the database
exactly as it stood after that transaction, with SQLite itself decoding the pages.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from tests.support.history_attack import ANSWERS, BALLOTS, PENDING, RATINGS, Row

QUERIES = {
    PENDING: "SELECT user_id, week_start, question_key FROM pulse_pending",
    BALLOTS: "SELECT id, week_start, team_id, question_key FROM pulse_ballots",
    ANSWERS: "SELECT id, week_start, question_key, team_id, score, comment FROM pulse_answers",
    RATINGS: (
        "SELECT id, month, rating_team_id, rated_team_id, score, comment FROM service_ratings"
    ),
}
WAL_HEADER, FRAME_HEADER = 32, 24


def _row(values: tuple[Any, ...]) -> Row:
    """Dates as dates, whatever the driver returned (SQLite gives text)."""
    first, second, *rest = values
    return (first, date.fromisoformat(second) if isinstance(second, str) else second, *rest)


def dump(engine: Engine) -> dict[str, list[Row]]:
    """A logical backup of the tables the attack reads, on either database."""
    with engine.connect() as connection:
        return {
            table: [_row(tuple(r)) for r in connection.execute(text(sql))]
            for table, sql in QUERIES.items()
        }


def _read(connection: sqlite3.Connection) -> dict[str, list[Row]]:
    return {
        table: [_row(tuple(r)) for r in connection.execute(sql)] for table, sql in QUERIES.items()
    }


class WalRecorder:
    """Holds a connection open (so the WAL is never folded back and deleted) and turns off the
    automatic checkpoint on every connection of the app's engine."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.path = path
        self._engine = engine
        event.listen(engine, "connect", self._no_checkpoints)
        engine.dispose()
        self._holder = sqlite3.connect(path, isolation_level=None)
        self._holder.execute("PRAGMA wal_autocheckpoint=0")
        self._holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.base = path.read_bytes()

    @staticmethod
    def _no_checkpoints(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    def wal(self) -> bytes:
        """The -wal file as a copy taken now would hold it."""
        return Path(f"{self.path}-wal").read_bytes()

    def close(self) -> None:
        event.remove(self._engine, "connect", self._no_checkpoints)
        self._holder.close()


def replay(base: bytes, wal: bytes) -> Iterator[dict[str, list[Row]]]:
    """The database as the WAL began, then after each committed transaction, oldest first."""
    magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">6I", wal[:24])
    assert magic in (0x377F0682, 0x377F0683), "not a SQLite WAL"
    image = bytearray(base)
    yield _state(bytes(image))
    offset = WAL_HEADER
    while offset + FRAME_HEADER + page_size <= len(wal):
        page, commit, s1, s2 = struct.unpack(">4I", wal[offset : offset + 16])
        if (s1, s2) != (salt1, salt2):
            break  # left over from an earlier generation of the file
        data = wal[offset + FRAME_HEADER : offset + FRAME_HEADER + page_size]
        start = (page - 1) * page_size
        if len(image) < start + page_size:
            image.extend(bytes(start + page_size - len(image)))
        image[start : start + page_size] = data
        offset += FRAME_HEADER + page_size
        if commit:
            del image[commit * page_size :]
            yield _state(bytes(image))


def _state(image: bytes) -> dict[str, list[Row]]:
    snapshot = bytearray(image)
    snapshot[18:20] = b"\x01\x01"  # read as a plain (rollback-journal) database
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(bytes(snapshot))
        return _read(connection)
    finally:
        connection.close()
