"""Storage history against pulse anonymity, after a scripted week at a 44-person company.

A reader without APLAUSO_SECRET_KEY gets the SQLite WAL (replayed frame by frame), a
PostgreSQL WAL archive (decoded with `pg_waldump`), or a backup taken after every single
transaction (the finest series there can be). From each they pair the people whose pending
rows went with the answers that appeared in the same transaction. The ballot box must leave
them no more than chance; a control writing answers the old way (in the click's transaction)
shows the same attack attributing every answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import text

from engagement.clock import ManualClock
from engagement.pulse import ensure_bank
from engagement.teams import TeamSpec
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import PulseAnswer
from tests.support import pg_history
from tests.support.app_harness import RunningApp, running_app
from tests.support.databases import configured_url, is_postgres
from tests.support.history_attack import (
    Change,
    Tables,
    Truth,
    Verdict,
    attack,
    changes_between,
    judge,
)
from tests.support.scripted_week import PlayedWeek, play_week
from tests.support.sqlite_history import WalRecorder, dump, replay

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KEY = "recognition_valued"
T = TypeVar("T")
BINARIES = pg_history.pg_bin()


def verdict_of(changes: list[Change], played: PlayedWeek, final: Tables, name: str) -> Verdict:
    verdict = judge(attack(changes, played.teams_of), played.truths, final, played.took_part)
    print(verdict.summary(name))  # the figures, with `pytest -s`
    return verdict


def assert_no_better_than_chance(verdict: Verdict) -> None:
    assert verdict.answers > 150  # the week really was played
    assert all(attacked > 0 for _, attacked, _ in verdict.per_answer), "the attack saw nothing"
    assert verdict.attacked <= verdict.chance + 1e-9
    assert verdict.certain <= verdict.certain_by_chance
    for truth, attacked, chance in verdict.per_answer:
        assert attacked <= chance + 1e-9, truth


def migrated_sqlite(folder: Path) -> str:
    url = f"sqlite:///{folder / 'aplauso.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[RunningApp]:
    with running_app(migrated_sqlite(tmp_path), ManualClock(START)) as app:
        yield app


def test_the_sqlite_wal_and_every_backup_attribute_no_more_than_chance(
    sqlite_app: RunningApp, tmp_path: Path
) -> None:
    recorder = WalRecorder(sqlite_app.database.engine, tmp_path / "aplauso.db")
    backups: list[Tables] = [dump(sqlite_app.database.engine)]
    try:
        played = play_week(sqlite_app, lambda: backups.append(dump(sqlite_app.database.engine)))
        states = list(replay(recorder.base, recorder.wal()))
    finally:
        recorder.close()
    final = backups[-1]
    assert states[-1] == final  # the replay reads what the database holds
    wal = verdict_of(changes_between(states), played, final, "SQLite WAL")
    assert_no_better_than_chance(wal)
    series = verdict_of(changes_between(backups), played, final, "SQLite backups")
    assert_no_better_than_chance(series)


CONTROL = ["U02ANA", "U03LUIS", "U05DIEGO", "U06OLIVIA", "U07SOFIA"]
CONTROL_WEEK = datetime(2026, 12, 7).date()


def answer_the_old_way(app: RunningApp, before: Callable[[], object]) -> int:
    """The pre-ballot design: the pending row's delete and the answer's insert together.
    `before` runs once the team exists, right before the answers; returns the team id."""
    team = app.runtime.services.teams.set_team(TeamSpec("Sales", "U01CARMEN", CONTROL)).team
    assert team.id is not None
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
        for user_id in CONTROL:
            uow.pulse.claim(user_id, CONTROL_WEEK, [KEY], START)
    before()
    for score, user_id in enumerate(CONTROL, start=1):
        with app.database.unit_of_work() as uow:
            assert uow.pulse.take_pending(user_id, CONTROL_WEEK, KEY)
            row = PulseAnswer(id=f"{score:032d}", week_start=CONTROL_WEEK, question_key=KEY,
                              team_id=team.id, score=score)  # fmt: skip
            uow.pulse.write_batch([row])
    return team.id


def control_verdict(changes: list[Change], final: Tables, team_id: int) -> Verdict:
    group = (CONTROL_WEEK, team_id, KEY)
    truths = [Truth(u, group, frozenset({(n, None)})) for n, u in enumerate(CONTROL, start=1)]
    findings = attack(changes, {u: {team_id} for u in CONTROL})
    return judge(findings, truths, final, {group: set(CONTROL)})


def test_the_same_attack_on_answers_written_in_the_click_transaction_finds_every_one(
    sqlite_app: RunningApp, tmp_path: Path
) -> None:
    """The control: the attack is not blind; the transaction was the link."""
    recorders: list[WalRecorder] = []

    def record() -> None:
        recorders.append(WalRecorder(sqlite_app.database.engine, tmp_path / "aplauso.db"))

    team_id = answer_the_old_way(sqlite_app, record)
    [recorder] = recorders
    try:
        states = list(replay(recorder.base, recorder.wal()))
    finally:
        recorder.close()
    verdict = control_verdict(changes_between(states), states[-1], team_id)
    assert verdict.certain == len(CONTROL)
    assert verdict.chance_rate == pytest.approx(1 / len(CONTROL))


@pytest.fixture(scope="module")
def cluster() -> Iterator[pg_history.Cluster]:
    """A PostgreSQL server of these tests' own: no other test writes into its WAL. Started
    in the suite's PostgreSQL pass (as `.ci/run` runs it), where PostgreSQL is installed."""
    if not is_postgres(configured_url() or "sqlite://"):
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=postgresql+psycopg://...)")
    if BINARIES is None:
        pytest.skip("PostgreSQL's programs are not installed")
    with pg_history.private_cluster(BINARIES) as running:
        yield running


def archived(
    cluster: pg_history.Cluster, name: str, play: Callable[[RunningApp, Callable[[], object]], T]
) -> tuple[T, list[Change], list[Tables]]:
    """Plays something on a fresh database of the private server: what it returned, the WAL
    archive of it decoded, and a backup after every step (`play` calls its second argument
    after each step)."""
    assert BINARIES is not None
    admin = make_engine(cluster.url("postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(cluster.url(name))
    upgrade(engine)
    tables = pg_history.schema(engine)
    with running_app(cluster.url(name), ManualClock(START)) as app:
        backups: list[Tables] = [dump(engine)]
        start = pg_history.lsn(engine)
        played = play(app, lambda: backups.append(dump(engine)))
        end = pg_history.lsn(engine)
    changes = pg_history.changes(BINARIES, cluster, start, end, tables)
    engine.dispose()
    return played, changes, backups


def test_a_postgresql_wal_archive_attributes_no_more_than_chance(
    cluster: pg_history.Cluster,
) -> None:
    played, changes, backups = archived(cluster, "week", play_week)
    final = backups[-1]
    wal = verdict_of(changes, played, final, "PostgreSQL WAL archive")
    assert_no_better_than_chance(wal)
    series = verdict_of(changes_between(backups), played, final, "PostgreSQL backups")
    assert_no_better_than_chance(series)


def test_pg_waldump_reads_answers_written_in_the_click_transaction_back_to_their_people(
    cluster: pg_history.Cluster,
) -> None:
    """The control on PostgreSQL: decoding the archive is not blind either."""
    team_id, changes, backups = archived(cluster, "control", answer_the_old_way)
    assert control_verdict(changes, backups[-1], team_id).certain == len(CONTROL)
