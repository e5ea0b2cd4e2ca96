"""An app under test in its own process tree (`aplauso serve`, or `bench/bare_bolt.py`): started
on a free port, ready when it first answers over HTTP, its CPU read from /proc, and stopped
with SIGTERM (as a platform stops it), killed only if it does not exit in time.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from bench.support import REPO_ROOT, machine_busy_seconds

READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 40.0
RAISED_DAILY_LIMIT = 1_000_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def aplauso_command(workers: int) -> list[str]:
    return [sys.executable, "-m", "bot", "serve", "--workers", str(workers)]


def bare_command(workers: int, api_url: str) -> list[str]:
    script = str(REPO_ROOT / "bench" / "bare_bolt.py")
    return [sys.executable, script, "--workers", str(workers), "--api-url", api_url]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of `root` and every process below it (gunicorn's workers), now."""
    parents: dict[int, int] = {}
    spent: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended while we looked
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier += children
    return sum(spent.get(pid, 0.0) for pid in tree)


class CpuWindow:
    """CPU of the app's tree, and cores used by everything else, between creation and read()."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._app = tree_cpu_seconds(pid)
        self._machine = machine_busy_seconds()
        self._started = time.perf_counter()

    def read(self) -> tuple[float, float]:
        app = tree_cpu_seconds(self._pid) - self._app
        wall = time.perf_counter() - self._started
        others = (machine_busy_seconds() - self._machine - app) / wall
        return app, max(0.0, others)


class ServedApp:
    """`with ServedApp(...)` starts the process and waits until it answers; `database_url` is
    None for the bare app (nothing is recorded)."""

    def __init__(
        self, name: str, command: list[str], database_url: str | None, fake: Any, secret: str
    ) -> None:
        self.name = name
        self.database_url = database_url
        self.port = free_port()
        self.ready_seconds = float("nan")
        self._command = [*command, "--port", str(self.port)]
        self._workdir = tempfile.TemporaryDirectory(prefix=f"aplauso-bench-{name}-")
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "APLAUSO_"))}
        self._env = {
            **keep,
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": secret,
            "SLACK_API_URL": fake.api_url,
            "APLAUSO_SECRET_KEY": Fernet.generate_key().decode(),
            "APLAUSO_SLACK_THROTTLE": "off",  # the fake Slack of a bench has no limits either
            "PYTHONPATH": str(REPO_ROOT),
            **({"DATABASE_URL": database_url} if database_url else {}),
        }
        self._process: subprocess.Popen[bytes] | None = None

    def _prepare_database(self) -> None:
        """Migrated, with a daily limit no giver meets: every kudos of the load is recorded."""
        upgrade = [sys.executable, "-m", "bot", "db", "upgrade"]
        subprocess.run(upgrade, env=self._env, cwd=self._workdir.name, check=True, timeout=300)
        engine = create_engine(str(self.database_url))
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE workspace_settings SET kudos_daily_limit = :limit"),
                {"limit": RAISED_DAILY_LIMIT},
            )
        engine.dispose()

    def __enter__(self) -> ServedApp:
        if self.database_url:
            self._prepare_database()
        log = open(Path(self._workdir.name) / "server.log", "wb")
        started = time.perf_counter()
        self._process = subprocess.Popen(
            self._command, env=self._env, cwd=self._workdir.name, stdout=log, stderr=log
        )
        self._wait_ready()
        self.ready_seconds = time.perf_counter() - started
        return self

    def _wait_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (Path(self._workdir.name) / "server.log").read_text(errors="replace")
                raise RuntimeError(f"{self.name} exited:\n{log[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/healthz")
                if connection.getresponse().status in (200, 404):
                    return
            except OSError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer within {READY_TIMEOUT_SECONDS:g} s")

    def cpu_meter(self) -> CpuWindow:
        assert self._process is not None
        return CpuWindow(self._process.pid)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._workdir.cleanup()
