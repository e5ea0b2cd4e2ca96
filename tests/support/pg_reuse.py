"""A used PostgreSQL test database put back to the migrated template's state, for the next test.

CREATE DATABASE ... TEMPLATE costs the server about 0.4 s and checkpoints serialise it across
test processes, so one copy per test made the PostgreSQL suite wait on the server. Emptying a
used copy and loading the template's few seeded rows again takes a few milliseconds. A copy
whose schema a test changed (another revision, other tables), or that cannot be emptied, is
dropped instead, and the next test gets a fresh copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Snapshot:
    """What a migrated template holds: its tables, its revision, seeded rows and sequences."""

    tables: frozenset[str]
    revision: tuple[str, ...]
    rows: dict[str, bytes]  # COPY text of each table that has rows (the revision's aside)
    sequences: tuple[tuple[str, int | None, bool], ...]


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    parts = make_url(url)
    return psycopg.connect(
        host=parts.host,
        port=parts.port,
        user=parts.username,
        password=parts.password,
        dbname=parts.database,
        autocommit=True,
    )


def _tables(connection: psycopg.Connection[tuple[object, ...]]) -> frozenset[str]:
    rows = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return frozenset(str(name) for (name,) in rows)


def _revision(connection: psycopg.Connection[tuple[object, ...]]) -> tuple[str, ...]:
    query = sql.SQL("SELECT version_num FROM {} ORDER BY 1").format(sql.Identifier(VERSION_TABLE))
    rows = connection.execute(query)
    return tuple(str(version) for (version,) in rows)


def _copy(table: str, direction: str) -> sql.Composed:
    return sql.SQL("COPY {} " + direction).format(sql.Identifier(table))


def snapshot(url: str) -> Snapshot:
    with _connect(url) as connection:
        tables = _tables(connection)
        rows: dict[str, bytes] = {}
        for table in sorted(tables - {VERSION_TABLE}):
            with connection.cursor().copy(_copy(table, "TO STDOUT")) as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            if data:
                rows[table] = data
        sequences = connection.execute(
            "SELECT sequencename, last_value, last_value IS NOT NULL FROM pg_sequences"
            " WHERE schemaname = 'public'"
        )
        return Snapshot(
            tables,
            _revision(connection),
            rows,
            tuple((str(n), None if v is None else int(str(v)), bool(c)) for n, v, c in sequences),
        )


def reset(admin_url: str, url: str, template: Snapshot) -> bool:
    """Empties the database at `url` back to `template`; False when it cannot be reused."""
    name = make_url(url).database
    try:
        with _connect(admin_url) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
        with _connect(url) as connection:
            if _tables(connection) != template.tables or _revision(connection) != template.revision:
                return False
            with connection.transaction():
                # no foreign-key triggers while emptying: any order will do
                connection.execute("SET LOCAL session_replication_role = replica")
                for table in sorted(template.tables - {VERSION_TABLE}):
                    connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
                for table, data in template.rows.items():
                    with connection.cursor().copy(_copy(table, "FROM STDIN")) as copy:
                        copy.write(data)
                for sequence, last, called in template.sequences:
                    if last is None:
                        restart = sql.SQL("ALTER SEQUENCE {} RESTART")
                        connection.execute(restart.format(sql.Identifier(sequence)))
                    else:
                        connection.execute("SELECT setval(%s, %s, %s)", (sequence, last, called))
    except psycopg.Error:
        return False
    return True
