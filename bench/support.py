"""What the benches share: throwaway databases, the figures about the machine and this process
printed beside every result, the command line and table layout, and a fake Slack in a child
process.

Why one module: these helpers used to be copied from script to script, and copies drift; a fix
to how a bench makes its database or counts the CPU of other processes must reach every bench.

A script run as a file (``python bench/x.py``) has ``bench/`` on its path, not the repository,
so it puts the repository first with one ``sys.path.insert`` before importing this module;
nothing can do that for it from here. ``bench/loadgen.py`` imports nothing of this, by design:
it stays on the standard library so the load generator starts fast and stays small.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from sandbox.fake_slack import FakeSlack

REPO_ROOT = Path(__file__).resolve().parents[1]
DATABASE_DIR_PREFIX = "aplauso-bench-db-"
FAKE_START_TIMEOUT_SECONDS = 120.0
FAKE_ANSWER_TIMEOUT_SECONDS = 300.0
FAKE_STOP_TIMEOUT_SECONDS = 10.0
LOADGEN = REPO_ROOT / "bench" / "loadgen.py"

T = TypeVar("T")


# -- command line and output ----------------------------------------------------------------


def argument_parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser whose --help opens with the script's first paragraph: what it measures."""
    return argparse.ArgumentParser(description=doc.split("\n\n", 1)[0] if doc else "")


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest rank: always a value that was really observed, never an interpolation."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def print_table(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[object]]) -> None:
    """Prints a header, a rule as wide as it, and one line per row, so the columns line up.

    Each column is a title and the format spec of its values (``"<8"``, ``">7.1f"``); the title
    takes the spec's alignment and width only."""
    header = " ".join(format(title, _alignment_and_width(spec)) for title, spec in columns)
    print(header)
    print("-" * len(header))
    for row in rows:
        print(" ".join(format(value, spec) for value, (_, spec) in zip(row, columns, strict=True)))


def _alignment_and_width(spec: str) -> str:
    """`">7.1f"` -> `">7"`: a title is text, which a precision or a type would cut or refuse."""
    match = re.match(r"[<>^]?\d*", spec)
    return match.group() if match else ""


# -- the machine and this process -----------------------------------------------------------


def nproc() -> int:
    """CPUs this process may run on (what `nproc` says), which can be fewer than the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def machine_line(*parts: str, affinity: bool = False) -> str:
    """ "machine: CPUs, Python, `parts`, load average at start": figures from two machines, or
    from a busy one, are not comparable. `affinity` counts the CPUs this process may use."""
    cpus = f"{nproc()} CPUs (nproc)" if affinity else f"{os.cpu_count()} CPUs"
    load = f"load average {os.getloadavg()[0]:.2f} at start"
    return ", ".join([f"machine: {cpus}", f"Python {platform.python_version()}", *parts, load])


def machine_busy_seconds() -> float:
    """CPU seconds all processes have used since boot (Linux /proc/stat; NaN elsewhere), so a
    busy machine shows beside the figures it may have slowed."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return float("nan")
    ticks = [int(field) for field in fields[:8]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU of this process (or of the children it has waited for)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds used over `wall` seconds: by this process, by the children it waited for,
    and by every process on the machine."""

    wall: float
    own: float
    children: float
    machine: float

    @property
    def others_cores(self) -> float:
        """Cores the rest of the machine used: on a shared machine, the first thing to rule out
        before trusting a figure."""
        return max(0.0, (self.machine - self.own - self.children) / self.wall)


class CpuMeter:
    """Takes the readings behind a `CpuUse` at creation, and again at each `read()`."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.own = cpu_seconds()
        self.children = cpu_seconds(resource.RUSAGE_CHILDREN)
        self.machine = machine_busy_seconds()

    def read(self) -> CpuUse:
        """What was used since the meter was created."""
        wall = max(1e-9, time.perf_counter() - self.started)
        own = cpu_seconds() - self.own
        children = cpu_seconds(resource.RUSAGE_CHILDREN) - self.children
        return CpuUse(wall, own, children, machine_busy_seconds() - self.machine)


def run_in_child(function: Callable[..., T], *args: object, timeout: float) -> T:
    """`function(*args)` in a short-lived spawned process, so what it builds (a seeded
    workspace, millions of generated rows) is not counted in this process's peak memory.
    `function` must be importable by name: a module-level function."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return pool.submit(function, *args).result(timeout=timeout)


# -- databases ------------------------------------------------------------------------------


@contextmanager
def temporary_sqlite_url() -> Iterator[str]:
    """A SQLite file in a temporary directory removed afterwards: no earlier run's rows count."""
    with tempfile.TemporaryDirectory(prefix=DATABASE_DIR_PREFIX) as directory:
        yield f"sqlite:///{Path(directory) / 'aplauso.db'}"


@contextmanager
def fresh_database(explicit: str | None) -> Iterator[str]:
    """A database nobody else uses, so counts are this run's: a temporary SQLite file by
    default; a SQLite URL only if its file does not exist yet; for PostgreSQL a new
    `bench_<random>` database on that server, dropped at the end (the URL's own database is
    only used to issue CREATE/DROP DATABASE)."""
    if explicit is None:
        with temporary_sqlite_url() as temporary:
            yield temporary
        return
    url = make_url(explicit)
    if url.get_backend_name() == "sqlite":
        if url.database and Path(url.database).exists():
            raise SystemExit(f"{url.database} exists; give a SQLite path that does not exist yet")
        yield explicit
        return
    name = f"bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class DatabaseKind:
    """What a figure was measured on, so two runs are only compared like for like. Each bench
    words it in its own line."""

    dialect: str  # "sqlite", "postgresql"
    version: str  # as the server words it (`sqlite_version()`, `SHOW server_version`)
    version_info: str  # dotted, from the driver's `server_version_info`
    journal: str  # SQLite's journal mode; "" elsewhere
    address: str  # host:port of the server; "" for SQLite


def database_kind(engine: Engine) -> DatabaseKind:
    """Asks the database itself, since the URL does not say the version or journal mode."""
    dialect = engine.dialect.name
    with engine.connect() as connection:
        info = ".".join(str(part) for part in engine.dialect.server_version_info or ())
        journal, version = "", info
        if dialect == "sqlite":
            version = connection.execute(text("SELECT sqlite_version()")).scalar_one()
            journal = connection.execute(text("PRAGMA journal_mode")).scalar_one()
        elif dialect == "postgresql":
            version = connection.execute(text("SHOW server_version")).scalar_one()
    address = "" if dialect == "sqlite" else f"{engine.url.host}:{engine.url.port}"
    return DatabaseKind(dialect, str(version), info, str(journal), address)


# -- the fake Slack, in its own process -----------------------------------------------------

Prepare = Callable[[FakeSlack], None]
Answer = Callable[[FakeSlack, str], dict[str, Any]]


def serve_fake(conn: Connection, prepare: Prepare, answer: Answer | None) -> None:
    """The child process: a FakeSlack set up by `prepare`, answering the parent's commands over
    `conn` until told to stop. Every answer starts with the child's CPU and peak memory, read
    before `answer` runs so that building a report does not count as serving."""
    with FakeSlack() as fake:
        prepare(fake)
        conn.send({"api_url": fake.api_url, "bot_token": fake.bot_token})
        while (command := conn.recv()) != "stop":
            usage: dict[str, Any] = {"cpu": cpu_seconds(), "max_rss_mb": max_rss_mb()}
            conn.send(usage | (answer(fake, command) if answer else {}))


class FakeSlackProcess:
    """A FakeSlack in a spawned child, as Slack runs elsewhere: what it keeps (every call and
    message) stays out of the measured process's memory and its CPU out of that process's
    interpreter lock. Every wait on it is bounded.

    `prepare` and `answer` cross to the child by pickling, so they must be module-level
    functions (or `functools.partial` of them) with plain arguments; answers must be plain
    values too."""

    def __init__(self, prepare: Prepare, answer: Answer | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve_fake, args=(child, prepare, answer), name="fake-slack"
        )
        self.api_url = ""
        self.bot_token = ""
        self._asking = threading.Lock()  # one question at a time on the pipe, whatever thread

    def _receive(self, timeout: float) -> dict[str, Any]:
        """The child's next message, or an error after `timeout`: never a hang."""
        if not self._conn.poll(timeout):
            raise RuntimeError(f"the fake Slack process did not answer within {timeout:g} s")
        answer: dict[str, Any] = self._conn.recv()
        return answer

    def ask(self, command: str) -> dict[str, Any]:
        """Sends `command` to the child's `answer` and waits for what it returns."""
        with self._asking:
            self._conn.send(command)
            return self._receive(FAKE_ANSWER_TIMEOUT_SECONDS)

    def __enter__(self) -> FakeSlackProcess:
        self._process.start()
        try:
            ready = self._receive(FAKE_START_TIMEOUT_SECONDS)
        except BaseException:
            self._process.kill()
            raise
        self.api_url, self.bot_token = ready["api_url"], ready["bot_token"]
        return self

    def __exit__(self, *_exc: object) -> None:
        with suppress(OSError):
            self._conn.send("stop")
        self._process.join(FAKE_STOP_TIMEOUT_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(FAKE_STOP_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class LoadPlan:
    """What `bench/loadgen.py` sends: `bodies` (form strings or [content type, body] pairs)
    at `rate` per second, open loop, signed, from `threads` senders."""

    port: int
    signing_secret: str
    bodies: list[Any]
    rate: float
    threads: int
    timeout: float
    drain_seconds: float


def run_loadgen(plan: LoadPlan, workdir: Path) -> list[list[Any]]:
    """Runs the load generator in its own process (so its sending never shares a core's
    interpreter with what it measures) and returns its samples:
    [due, sent, done, status, error] per request, in seconds from its start."""
    spec = {
        "host": "127.0.0.1", "port": plan.port, "path": "/slack/events",
        "signing_secret": plan.signing_secret, "rate": plan.rate, "threads": plan.threads,
        "timeout": plan.timeout, "drain_seconds": plan.drain_seconds, "bodies": plan.bodies,
    }  # fmt: skip
    plan_path, results = workdir / "plan.json", workdir / "results.json"
    plan_path.write_text(json.dumps(spec))
    bound = len(plan.bodies) / plan.rate + plan.drain_seconds + 120
    subprocess.run([sys.executable, str(LOADGEN), plan_path, results], check=True, timeout=bound)
    samples: list[list[Any]] = json.loads(results.read_text())["samples"]
    return samples
