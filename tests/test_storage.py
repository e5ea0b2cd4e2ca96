"""Storage: migrations build exactly the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.exc import InvalidRequestError
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import (
    SQLITE_BUSY_TIMEOUT_MS,
    check_database,
    connection_scope,
    make_engine,
    session_scope,
    sqlite_file,
)
from storage.migrate import MIGRATIONS_DIR, head_revision, upgrade
from storage.models import Person
from storage.unit_of_work import Database
from tests.support.databases import DatabaseFactory

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_and_models_agree(database_factory: DatabaseFactory) -> None:
    url = database_factory.empty_url()
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()
    database_factory.drop(url)


def test_upgrading_twice_changes_nothing(database_factory: DatabaseFactory) -> None:
    url = database_factory.empty_url()
    engine = make_engine(url)
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM workspace_settings")).scalar() == 1
    engine.dispose()
    database_factory.drop(url)


def test_a_fresh_database_has_typed_default_settings_and_the_eight_service_values(
    database: Database,
) -> None:
    with database.unit_of_work() as uow:
        settings = uow.settings.get()
        assert settings.anonymity_k == 5
        assert settings.kudos_daily_limit == 5
        assert settings.default_language == "en"
        assert settings.kudos_reactions == ["clap", "aplauso"]
        keys = [value.key for value in uow.settings.values()]
    assert keys == [
        "knowledgeable",
        "empowered",
        "helpful",
        "honest",
        "convenient",
        "timely",
        "reliable",
        "personal_touch",
    ]


def test_times_come_back_aware_and_in_utc(database: Database) -> None:
    madrid = timezone(timedelta(hours=1))
    with database.unit_of_work() as uow:
        uow.people.upsert(Person(user_id="U1", synced_at=datetime(2026, 1, 1, 10, tzinfo=madrid)))
    with database.unit_of_work() as uow:
        person = uow.people.get("U1")
        assert person is not None
        assert person.synced_at == datetime(2026, 1, 1, 9, tzinfo=UTC)
        assert person.synced_at.tzinfo is not None


def test_naive_times_are_refused_rather_than_guessed(database: Database) -> None:
    with pytest.raises(Exception, match="naive"), database.unit_of_work() as uow:
        uow.people.upsert(Person(user_id="U2", synced_at=datetime(2026, 1, 1)))


def test_a_retried_event_is_claimed_only_once(database: Database) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with database.unit_of_work() as uow:
        assert uow.events.claim("Ev1", "reaction_added", now)
    with database.unit_of_work() as uow:
        assert not uow.events.claim("Ev1", "reaction_added", now)


def test_the_health_check_names_the_problem_without_credentials() -> None:
    engine = make_engine("postgresql+psycopg://user:hunter2@127.0.0.1:1/none")
    problem = check_database(engine)
    assert problem is not None
    assert "hunter2" not in problem


def test_a_unit_of_work_cannot_be_used_after_its_block(database: Database) -> None:
    """A read after the block would begin a transaction that nobody ends: on SQLite it would
    hold the write lock and every other request would wait behind it."""
    with database.unit_of_work() as uow:
        uow.settings.get()
    with pytest.raises(InvalidRequestError, match="permanently closed"):
        uow.settings.get()
    with database.unit_of_work() as other:  # nothing was left holding the database
        assert other.settings.get() is not None


def test_each_migration_is_named_after_its_revision_in_one_line_of_descent() -> None:
    """`head_revision` reads the newest revision from the file names, so they must agree."""
    chain = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("[0-9]*_*.py")):
        source = path.read_text()
        revision = re.search(r'^revision: str = "(\w+)"', source, re.M)
        down = re.search(r'^down_revision: str \| None = (?:"(\w+)"|None)', source, re.M)
        assert revision is not None, path.name
        assert down is not None, path.name
        assert revision.group(1) == path.name.split("_", 1)[0]
        chain[revision.group(1)] = down.group(1)
    ordered = sorted(chain)
    assert [chain[name] for name in ordered] == [None, *ordered[:-1]]
    assert head_revision() == ordered[-1]


def test_a_database_at_the_newest_revision_opens_without_loading_alembic(
    database_url: str,
) -> None:
    """Every command opens the database: a current one costs one SELECT, not Alembic."""
    script = (
        "import sys; from storage.db import make_engine; from storage.migrate import upgrade; "
        f"upgrade(make_engine({database_url!r})); print('alembic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:///aplauso.db", "aplauso.db"),
        ("sqlite:////var/lib/aplauso/aplauso.db?timeout=5", "/var/lib/aplauso/aplauso.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///file:shared?mode=memory&cache=shared&uri=true", None),
        ("sqlite:///file:/srv/aplauso.db?uri=true", "/srv/aplauso.db"),
        ("postgresql+psycopg://aplauso@db/aplauso", None),
    ],
)
def test_only_a_sqlite_file_is_named_as_one(url: str, file: str | None) -> None:
    """What gets a replay file, a checkpointer, a read-write health probe and the doctor's
    "no such file" check: a file on disk, never memory or a server."""
    assert sqlite_file(url) == file


def test_writers_begin_without_a_busy_wait_and_readers_keep_sqlites(tmp_path: Path) -> None:
    """A writer tries BEGIN IMMEDIATE every millisecond itself (SQLite's own wait backs off to
    100 ms sleeps), so its connection waits for nothing; a reader keeps SQLite's wait. The
    setting changes only when the use does: writer after writer sets nothing again."""
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    statements: list[str] = []

    def busy_timeout(connection: Connection) -> int:
        return int(connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one())

    with connection_scope(engine) as connection:
        sqlite = connection.connection.driver_connection
        assert sqlite is not None
        sqlite.set_trace_callback(statements.append)
        assert busy_timeout(connection) == 0
    with connection_scope(engine) as connection:  # the same pooled connection
        assert busy_timeout(connection) == 0
    with session_scope(engine, reading=True) as session:
        assert busy_timeout(session.connection()) == SQLITE_BUSY_TIMEOUT_MS
    with connection_scope(engine) as connection:
        assert busy_timeout(connection) == 0
    engine.dispose()
    settings = [s for s in statements if s.startswith("PRAGMA busy_timeout=")]
    assert settings == [f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}", "PRAGMA busy_timeout=0"]
