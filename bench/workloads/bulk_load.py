"""Gets a fresh database ready as the app would leave it, then writes generated rows into it
as fast as it will take them, table by table.

Why not the services: they write one answer or kudos at a time, which would take hours for
the millions of rows a year of a large workspace holds. Why not the application's engine: the
load wants different settings (see `loader_engine`), and the timed runs must not get them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from engagement.pulse import ensure_bank
from storage.db import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database

BATCH_ROWS = 10_000

# Tables in the order their foreign keys allow (PostgreSQL enforces them during the load), and
# how each is loaded on PostgreSQL: COPY for the large tables with no JSON column (see Loader).
LOAD_ORDER = {
    "people": "insert",
    "teams": "insert",
    "team_members": "insert",
    "team_suppliers": "insert",
    "pulse_weeks": "insert",
    "pulse_deliveries": "copy",
    "pulse_answers": "copy",
    "kudos": "copy",
    "kudos_receivers": "copy",
    "kudos_team_links": "copy",
    "service_ratings": "copy",
    "feedback_threads": "insert",
}

# Fixed statements (no names spliced into SQL at run time).
SEQUENCE_RESETS = (
    "SELECT setval(pg_get_serial_sequence('teams', 'id'), (SELECT max(id) FROM teams))",
    "SELECT setval(pg_get_serial_sequence('kudos', 'id'), (SELECT max(id) FROM kudos))",
)

Rows = dict[type[SQLModel], list[Any]]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model, typed: SQLModel does not declare `__table__`."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def prepare_database(url: str) -> list[str]:
    """Migrates the database and seeds the question bank, as the app would at its first start;
    returns the kudos value keys the migration created."""
    engine = make_engine(url)
    upgrade(engine)
    with Database(engine).unit_of_work() as uow:
        ensure_bank(uow)
        value_keys = [value.key for value in uow.settings.values()]
    engine.dispose()
    return value_keys


def loader_engine(url: str) -> Engine:
    """An engine for the load only, never for the timing: on SQLite it skips fsync and uses a
    large page cache, since random primary keys (answers, ratings) make each insert touch a
    random page of a 100+ MB B-tree; the application's engine is left as it is."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        """Set on every new connection, since PRAGMAs last only as long as it."""
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB, in KiB
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    return engine


def vacuum_analyze(engine: Engine) -> None:
    """On PostgreSQL, what autovacuum would have done by the time a year of data exists:
    statistics for the planner and a visibility map for index-only scans. Without it autovacuum
    may start in the middle of the timed runs. SQLite gets nothing, as in production."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


class Loader:
    """Writes rows table by table in foreign key order, and counts them: on SQLite in batches
    of BATCH_ROWS with one Core executemany each; on PostgreSQL the large tables go through
    COPY, because executemany over loopback managed about 35,000 rows/s here, which makes
    the 7 million rows of the full size take over three minutes per database."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()

    def write(self, rows_by_model: Rows) -> None:
        """Every table `rows_by_model` has rows for, parents before children."""
        tables = {
            table_of(model).name: (table_of(model), rows) for model, rows in rows_by_model.items()
        }
        for name, method in LOAD_ORDER.items():
            table, rows = tables.get(name, (None, []))
            if table is None or not rows:
                continue
            if self.copy and method == "copy":
                self._copy(table, rows)
            else:
                for start in range(0, len(rows), BATCH_ROWS):
                    self.connection.execute(insert(table), rows[start : start + BATCH_ROWS])
            self.counts[table.name] += len(rows)

    def move_sequences_past_ids(self) -> None:
        """Teams and kudos were given explicit ids: on PostgreSQL their sequences would
        otherwise hand out ids already taken (SQLite takes the next after the largest)."""
        if self.copy:
            for statement in SEQUENCE_RESETS:
                self.connection.execute(text(statement))

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """COPY in the same transaction; psycopg adapts dates, aware datetimes and None."""
        columns = list(rows[0])
        names = ", ".join(f'"{name}"' for name in columns)
        driver = self.connection.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row([row[name] for name in columns])
