"""`aplauso serve` uses every core: several worker processes, the jobs in exactly one of them,
and SIGTERM still lets the work done after each answer finish. Real processes throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.gunicorn_app import available_cores
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient
from tests.support.cli_runner import (
    SIGNING_SECRET,
    aplauso,
    demo_slack,
    free_port,
    health,
)

GIVERS = ("U04EMMA", "U06OLIVIA", "U08JAMES", "U10NOAH", "U12LIAM")
ANA = "U02ANA"
SEAT_TAKEN = "this process runs the scheduled jobs"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with demo_slack(rate_limits=False) as slack:
        yield slack


@contextmanager
def serving(env: dict[str, str], *flags: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    log = open(Path(env["APLAUSO_TEST_CWD"]) / "serve.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), *flags],
        env=env, cwd=env["APLAUSO_TEST_CWD"], stdout=log, stderr=log, text=True,
    )  # fmt: skip
    try:
        answer = health(port, timeout=60)
        assert answer is not None
        assert answer[0] == 200, answer
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        log.close()


def server_log(env: dict[str, str]) -> str:
    return (Path(env["APLAUSO_TEST_CWD"]) / "serve.log").read_text()


def workers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master and fields[0] != "Z":  # a killed one not yet reaped
                found.append(int(entry.name))
    return found


def cores_of(pid: int) -> frozenset[int]:
    """The CPUs a process may run on; none once it is gone."""
    try:
        return frozenset(os.sched_getaffinity(pid))
    except ProcessLookupError:
        return frozenset()


def wait_for(condition: object, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.1)
    return False


def count_kudos(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM kudos")).scalar_one())
    finally:
        engine.dispose()


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(60)


def test_serve_runs_one_worker_per_core_and_the_jobs_in_exactly_one(
    env: dict[str, str], fake: FakeSlack, database_url: str
) -> None:
    with serving(env) as (process, port):
        assert wait_for(lambda: len(workers_of(process.pid)) == available_cores())
        kit = SignedSlackClient(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake=fake)
        for round_ in range(4):
            for giver in GIVERS:
                reply = kit.slash_command(
                    "/kudos", f"<@{ANA}> #helpful thanks, round {round_}", user_id=giver
                )
                assert reply.status == 200
        assert wait_for(lambda: count_kudos(database_url) == 20)
        assert wait_for(lambda: len(fake.dm_messages(ANA)) == 20)
        assert stop(process) == 0
    assert server_log(env).count(SEAT_TAKEN) == 1
    assert count_kudos(database_url) == 20  # each recorded once
    assert len(fake.private_answers()) == 20  # each giver told once


def test_sigterm_lets_the_work_after_each_answer_finish(
    env: dict[str, str], fake: FakeSlack, database_url: str
) -> None:
    with serving(env, "--workers", "2") as (process, port):
        kit = SignedSlackClient(f"http://127.0.0.1:{port}", SIGNING_SECRET, fake=fake)
        fake.delay_next("chat.postMessage", 2.0)  # the receiver's DM is slow to leave
        reply = kit.slash_command(
            "/kudos", f"<@{ANA}> #helpful thanks for staying late", user_id="U04EMMA"
        )
        assert reply.status == 200  # answered; the DM is still on its way
        assert stop(process) == 0
    assert count_kudos(database_url) == 1
    assert len(fake.dm_messages(ANA)) == 1
    assert "SIGTERM received, shutting down" in server_log(env)


def test_when_the_worker_running_the_jobs_dies_another_takes_them_over(
    env: dict[str, str],
) -> None:
    with serving(env, "--workers", "2") as (process, port):
        assert wait_for(lambda: SEAT_TAKEN in server_log(env))
        for worker in workers_of(process.pid):
            os.kill(worker, signal.SIGKILL)  # gunicorn starts new ones; the seat went with them
        assert wait_for(lambda: server_log(env).count(SEAT_TAKEN) == 2, timeout=60)
        assert health(port) is not None
        assert stop(process) == 0


def test_workers_share_the_cores_out_and_a_replacement_takes_the_ones_left(
    env: dict[str, str],
) -> None:
    allowed = frozenset(os.sched_getaffinity(0))
    with serving(env, "--workers", "2") as (process, _port):
        assert wait_for(lambda: len(workers_of(process.pid)) == 2)
        if len(allowed) < 2:  # one core: nothing to share, the kernel places them
            assert [cores_of(pid) for pid in workers_of(process.pid)] == [allowed] * 2
            return

        def shared_out() -> bool:
            first, second = (cores_of(pid) for pid in workers_of(process.pid))
            return bool(first) and bool(second) and not first & second and first | second == allowed

        assert wait_for(shared_out)  # each its own cores, every core used
        assert cores_of(process.pid) == allowed  # the master stays free
        placed = {pid: cores_of(pid) for pid in workers_of(process.pid)}
        dead, left = sorted(placed)
        os.kill(dead, signal.SIGKILL)
        assert wait_for(lambda: set(workers_of(process.pid)) - {dead, left}, timeout=60)
        (new,) = set(workers_of(process.pid)) - {dead, left}
        assert wait_for(lambda: cores_of(new) == placed[dead])
        assert cores_of(left) == placed[left]
        assert stop(process) == 0


def test_workers_are_left_to_the_kernel_when_asked(env: dict[str, str]) -> None:
    allowed = frozenset(os.sched_getaffinity(0))
    with serving({**env, "APLAUSO_PIN_WORKERS": "off"}, "--workers", "2") as (process, _port):
        assert wait_for(lambda: len(workers_of(process.pid)) == 2)
        assert [cores_of(pid) for pid in workers_of(process.pid)] == [allowed] * 2
        assert stop(process) == 0


def test_a_wrong_number_of_workers_is_one_clear_line(env: dict[str, str]) -> None:
    result = aplauso("serve", "--workers", "0", env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "--workers must be a whole number from 1 to 64, got '0'" in result.stderr
