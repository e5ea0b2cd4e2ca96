"""Shared fixtures: a fresh migrated database per test, on SQLite or on DATABASE_URL's PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engagement.clock import ManualClock
from storage.db import make_engine
from storage.unit_of_work import Database
from tests.support.app_harness import RunningApp, running_app
from tests.support.databases import DatabaseFactory, configured_url

pytest_plugins = ["tests.support.cli_fixtures", "tests.support.played_demo"]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto` runs two workers a core on a small machine: most tests wait (on servers,
    subprocesses, Slack's pacing) rather than compute, so one a core leaves it half idle."""
    cores = len(os.sched_getaffinity(0))
    return 2 * cores if cores <= 4 else cores


# A Tuesday, so pulse-day rules have a natural starting point.
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    url = configured_url()
    factory = DatabaseFactory(
        workdir=tmp_path_factory.mktemp("databases"),
        server_url=url if url and not url.startswith("sqlite") else None,
    )
    factory.prepare()
    yield factory
    factory.cleanup()


@pytest.fixture
def database_url(database_factory: DatabaseFactory) -> Iterator[str]:
    url = database_factory.new_url()
    yield url
    database_factory.drop(url)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(make_engine(database_url))
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def tmp_out(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def app(database_url: str, clock: ManualClock) -> Iterator[RunningApp]:
    with running_app(database_url, clock) as running:
        yield running
