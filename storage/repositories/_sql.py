"""Writes shared by the repositories: INSERTs that know each dialect's ON CONFLICT (the same
code on SQLite and PostgreSQL), and deleting a row by its key."""

from __future__ import annotations

from typing import Any

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
    insert = dialect_insert(session)
    key_column = next(iter(table.__table__.primary_key.columns))  # type: ignore[attr-defined]
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(key_column)
    return session.execute(statement).first() is not None


def delete_by_key(session: Session, table: type, key: object) -> bool:
    """Deletes the row with this primary key; False when there was none to delete."""
    row = session.get(table, key)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
