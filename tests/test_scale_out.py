"""Scale-out: two `aplauso serve` instances behind a load balancer share one PostgreSQL and
nothing else. Traffic goes to both, a Slack retry lands on the other instance, and the pulse
and digest jobs run at the same due time on both: everything happens exactly once.

PostgreSQL only (SQLite is the single-machine default): skipped on SQLite.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.views.welcome import WELCOME_MARKER
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient
from tests.support.cli_runner import SIGNING_SECRET, aplauso, cli_env, demo_slack
from tests.support.databases import is_postgres
from tests.test_workers import count_kudos, serving, stop, wait_for

ANA, BOT = "U02ANA", "UAPLAUSOBOT"
PULSE_AT, PULSE_WEEK = "2026-11-24T20:00:00+00:00", "2026-11-23"
DIGEST_AT = "2026-11-30T12:00:00+00:00"
GIVERS = [p.user_id for p in demo_workspace.PEOPLE if p.user_id != ANA][:20]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with demo_slack(rate_limits=False) as slack:
        yield slack


def both(env: dict[str, str], *command: str) -> list[subprocess.CompletedProcess[str]]:
    """The same job started on both instances at once (as each one's scheduler would)."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", *command],
            env=env,
            cwd=env["APLAUSO_TEST_CWD"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def metadata_weeks(fake: FakeSlack, user_id: str, event_type: str) -> Counter[str]:
    return Counter(
        str(m["metadata"]["event_payload"].get("week"))
        for m in fake.dm_messages(user_id)
        if (m.get("metadata") or {}).get("event_type") == event_type
    )


def test_two_instances_on_one_postgresql_do_everything_once(
    fake: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    if not is_postgres(database_url):
        pytest.skip("scale-out shares PostgreSQL: run with DATABASE_URL=postgresql+psycopg://...")
    env = cli_env(fake, database_url, tmp_path)
    for team in demo_workspace.TEAMS:
        members = ",".join(team.member_ids)
        assert aplauso("team", "set", team.name, "--manager", team.manager_id,
                       "--members", members, env=env).returncode == 0  # fmt: skip
    with ExitStack() as stack:
        ports = []
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            process, port = stack.enter_context(serving({**env, "APLAUSO_TEST_CWD": str(folder)}))
            ports.append((process, port, folder))
        kits = [
            SignedSlackClient(f"http://127.0.0.1:{p}", SIGNING_SECRET, fake=fake)
            for _, p, _ in ports
        ]
        for giver, kit in zip(GIVERS, itertools.cycle(kits), strict=False):
            assert (
                kit.slash_command("/kudos", f"<@{ANA}> #helpful gracias", user_id=giver).status
                == 200
            )
        retried = {"type": "app_mention", "user": "U04EMMA", "channel": demo_workspace.KUDOS_CHANNEL,
                   "text": f"<@{BOT}> <@{ANA}> #helpful thanks for the demo", "ts": "1764590000.000100"}  # fmt: skip
        for retry, kit in enumerate(kits):  # Slack retries; the balancer picks the other one
            kit.event(retried, event_id="Ev0SCALEOUT", retry_num=retry or None)
        pulses, digests = (
            both(env, "jobs", "run", "pulse", "--at", PULSE_AT),
            both(env, "jobs", "run", "digest", "--at", DIGEST_AT),
        )
        assert all(r.returncode == 0 for r in pulses + digests), [
            r.stderr for r in pulses + digests
        ]
        assert wait_for(lambda: count_kudos(database_url) == len(GIVERS) + 1)
        assert wait_for(lambda: len(fake.dm_messages(ANA)) >= len(GIVERS) + 1)
        for process, _, folder in ports:
            assert stop(process) == 0
            assert (folder / "serve.log").read_text().count("Traceback") == 0
    assert count_kudos(database_url) == len(GIVERS) + 1  # every kudos once, the retry too
    welcomes = [m for m in fake.dm_messages(ANA) if WELCOME_MARKER in json.dumps(m)]
    assert len(welcomes) <= 1  # two instances, each running the welcome job: never twice
    kudos_dms = [m for m in fake.dm_messages(ANA) if not m.get("metadata") and m not in welcomes]
    assert len(kudos_dms) == len(GIVERS) + 1  # Ana was told once per kudos
    surveyed = {member for team in demo_workspace.TEAMS for member in team.member_ids}
    for member in surveyed:
        assert metadata_weeks(fake, member, "aplauso_pulse")[PULSE_WEEK] == 1, member
    for team in demo_workspace.TEAMS:
        assert metadata_weeks(fake, team.manager_id, "aplauso_digest")[PULSE_WEEK] <= 1
    sent = sum(
        metadata_weeks(fake, t.manager_id, "aplauso_digest")[PULSE_WEEK]
        for t in demo_workspace.TEAMS
    )
    assert sent >= 1, [r.stdout for r in digests]  # at least one team was owed a digest
