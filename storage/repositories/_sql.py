"""Writes shared by the repositories: INSERTs that know each dialect's ON CONFLICT (the same
code on SQLite and PostgreSQL), and deleting a row by its key."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session


def dialect_insert(session: Session) -> Any:
    """The INSERT construct that knows ON CONFLICT for the session's database."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def insert_ignoring_duplicates(session: Session, table: type, values: dict[str, object]) -> bool:
    """INSERT that reports False instead of failing when the row's key exists already.

    The unique key is the exactly-once guard: two instances racing to record the same thing
    both succeed at the SQL level, and exactly one of them learns that it was first.
    """
    session.flush()  # what the session holds goes first, as session.execute would do
    columns: Table = table.__table__  # type: ignore[attr-defined]
    statement = ignoring_duplicates(session.get_bind().dialect.name, columns)
    return session.connection().execute(statement, values).first() is not None


@functools.cache
def ignoring_duplicates(dialect: str, table: Table) -> Any:
    """`INSERT ... ON CONFLICT DO NOTHING RETURNING key`, built once per table and dialect.

    The values come with each execution: a statement built per call costs SQLAlchemy its
    construction and cache key every time (about a third of a recorded kudos' CPU, measured
    with py-spy), one built once costs neither."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    key_column = next(iter(table.primary_key.columns))
    return insert(table).on_conflict_do_nothing().returning(key_column)


def delete_by_key(session: Session, table: type, key: object) -> bool:
    """Deletes the row with this primary key; False when there was none to delete."""
    row = session.get(table, key)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
