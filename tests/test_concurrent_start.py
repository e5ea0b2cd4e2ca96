"""Several instances started at once on an empty database migrate it once; none crashes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from tests.support.databases import DatabaseFactory

APLAUSO = Path(sys.executable).with_name("aplauso")
INSTANCES = 4


def _environment(database_url: str, workdir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "APLAUSO_"))}
    return {**keep, "DATABASE_URL": database_url, "HOME": str(workdir)}


def test_instances_started_together_on_an_empty_database_all_start(
    database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    url = database_factory.empty_url()
    environment = _environment(url, tmp_path)
    upgrades = [
        subprocess.Popen(
            [str(APLAUSO), "db", "upgrade"],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(INSTANCES)
    ]
    results = [(process.wait(timeout=120), *process.communicate()) for process in upgrades]
    for status, out, err in results:
        assert status == 0, (out, err)
        assert "Traceback" not in err
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert len(versions) == 1
    assert {"kudos", "people", "seen_requests", "processed_events"} <= tables
    database_factory.drop(url)
