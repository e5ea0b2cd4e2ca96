"""Applies Alembic migrations from inside the installed package (no alembic.ini on disk needed).

Several instances may start at once on an empty database. On PostgreSQL a session advisory
lock lets exactly one of them migrate while the others wait, then find nothing left to do
(without it, two concurrent CREATE TABLEs end in a UniqueViolation). On SQLite the migration
runs in one `BEGIN IMMEDIATE` transaction (see `storage/db.py`), which already takes the
database's write lock before Alembic reads the current revision.

A database already at the newest revision is recognised with one SELECT, without importing
Alembic or loading a migration script: every command and every `serve` start opens the
database, and that check used to cost them a second or more.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x41504C41  # "APLA": the one advisory lock Aplauso takes


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision: each migration file is named after its revision (`0014_...py`)
    and the chain is linear, as `tests/test_storage.py` checks."""
    return max(
        path.name.split("_", 1)[0] for path in (MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")
    )


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest revision, by one SELECT (False if it cannot
    say: no table yet, or no database; the upgrade then reports what is wrong)."""
    try:
        with engine.connect() as connection:
            found = [
                row[0]
                for row in connection.execute(text("SELECT version_num FROM alembic_version"))
            ]
    except SQLAlchemyError:
        return False
    return found == [head_revision()]


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and is_current(engine):
        return
    from alembic import command

    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
