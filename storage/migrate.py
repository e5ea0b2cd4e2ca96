"""Applies Alembic migrations from inside the installed package (no alembic.ini on disk needed).

Several instances may start at once on an empty database. On PostgreSQL a session advisory
lock lets exactly one of them migrate while the others wait, then find nothing left to do
(without it, two concurrent CREATE TABLEs end in a UniqueViolation). On SQLite the migration
runs in one `BEGIN IMMEDIATE` transaction (see `storage/db.py`), which already takes the
database's write lock before Alembic reads the current revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_KEY = 0x41504C41  # "APLA": the one advisory lock Aplauso takes


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
