"""Storage: migrations build exactly the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage.db import check_database, make_engine
from storage.migrate import upgrade
from storage.models import Person
from storage.unit_of_work import Database
from tests.support.databases import DatabaseFactory


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
