"""How long `aplauso serve` takes to answer its first health check, and `aplauso demo` to run.

Why: a restart or a new instance is unavailable until `/healthz` answers 200, so that time is
what a deploy, a crash restart or an autoscaler waits for; `serve` applies migrations at start,
so a fresh database is the worst case and each run gets one. The demo is the first thing a
newcomer runs, and the contract promises it finishes "well under a minute".

Each `serve` runs as a real subprocess (`python -m bot serve --port P`) against a fake Slack on
loopback, is polled every 5 ms from launch until `GET /healthz` answers 200, then gets SIGTERM
and is waited for (the shutdown time is reported too). Subprocesses run in a temporary
directory with a clean environment, so no `.env` or exported Slack variable changes what is
measured.

    .venv/bin/python bench/startup.py                 # 5 serve starts, 3 demo runs
    .venv/bin/python bench/startup.py --runs 2 --demo-runs 1
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from bench.support import REPO_ROOT, CpuMeter, CpuUse, argument_parser, nproc, print_table
from sandbox.fake_slack import FakeSlack

POLL_SECONDS = 0.005
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
DEMO_TIMEOUT_SECONDS = 120.0
# What waitress logs when an exception raised by a signal handler interrupts its event loop.
SWALLOWED_SIGNAL_MARK = "uncaptured python exception"
OWN_VARIABLES = ("SLACK_", "APLAUSO_", "DATABASE_URL", "PORT")
COLUMNS = (
    ("measure", "<40"),
    ("runs", ">4"),
    ("min ms", ">8.0f"),
    ("median", ">8.0f"),
    ("max ms", ">8.0f"),
)


@dataclass(frozen=True)
class ServeRun:
    """One `serve` start and stop, as timed from outside the process."""

    ready_seconds: float
    stop_seconds: float
    exit_code: int | None  # None: still running STOP_TIMEOUT_SECONDS after SIGTERM, killed
    signal_swallowed: bool  # waitress logged the shutdown exception and kept serving


def free_port() -> int:
    """A port nobody listens on now; `serve` binds it a moment later (a tiny race, retried)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def clean_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment without Aplauso's own variables, plus `extra`, so an exported
    SLACK_APP_TOKEN (Socket Mode) or DATABASE_URL cannot change what is measured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


def healthz_status(port: int) -> int | None:
    """The status of one GET /healthz, or None while nothing accepts connections yet."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def log_tail(path: Path, lines: int = 15) -> str:
    """The end of a subprocess's log, for the error that says why it failed."""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def time_serve(fake: FakeSlack, database_url: str, workdir: Path) -> ServeRun:
    """Launch to first 200 from /healthz, then SIGTERM to exit."""
    port = free_port()
    env = clean_environment(
        {
            "SLACK_BOT_TOKEN": fake.bot_token,
            "SLACK_SIGNING_SECRET": "x",
            "APLAUSO_SECRET_KEY": Fernet.generate_key().decode(),
            "SLACK_API_URL": fake.api_url,
            "DATABASE_URL": database_url,
        }
    )
    log_path = workdir / "serve.log"
    command = [sys.executable, "-m", "bot", "serve", "--port", str(port)]
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            while healthz_status(port) != 200:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"serve exited with {process.returncode} before /healthz answered 200:\n"
                        + log_tail(log_path)
                    )
                if time.perf_counter() - started > READY_TIMEOUT_SECONDS:
                    raise RuntimeError(
                        f"/healthz did not answer 200 within {READY_TIMEOUT_SECONDS:g} s:\n"
                        + log_tail(log_path)
                    )
                time.sleep(POLL_SECONDS)
            ready = time.perf_counter() - started
            stopping = time.perf_counter()
            process.send_signal(signal.SIGTERM)
            try:
                exit_code: int | None = process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                exit_code = None
            stop_seconds = time.perf_counter() - stopping
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
    swallowed = SWALLOWED_SIGNAL_MARK in log_path.read_text(errors="replace")
    return ServeRun(ready, stop_seconds, exit_code, swallowed)


def time_demo(workdir: Path) -> float:
    """Wall time of the whole `demo` command, interpreter start included, as a newcomer sees it."""
    log_path = workdir / "demo.log"
    command = [sys.executable, "-m", "bot", "demo", "--out", str(workdir / "demo-out")]
    with log_path.open("wb") as log:
        started = time.perf_counter()
        result = subprocess.run(
            command,
            cwd=workdir,
            env=clean_environment({}),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=DEMO_TIMEOUT_SECONDS,
            check=False,
        )
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"demo exited with {result.returncode}:\n{log_tail(log_path)}")
    return elapsed


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """How many runs of each, and which database `serve` uses."""
    parser = argument_parser(__doc__)
    parser.add_argument("--runs", type=int, default=5, help="serve starts (default 5)")
    parser.add_argument("--demo-runs", type=int, default=3, help="demo runs (default 3)")
    parser.add_argument(
        "--database-url",
        help="database for serve (default: a fresh SQLite file per run); the demo always "
        "uses its own throwaway SQLite",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.demo_runs < 1:
        parser.error("--runs and --demo-runs must be at least 1")
    return args


def row(label: str, values: Sequence[float]) -> tuple[object, ...]:
    """A table row: how many runs, and their min, median and max in milliseconds."""
    ms = [value * 1000 for value in values]
    return (label, len(values), min(ms), statistics.median(ms), max(ms))


def run_all(args: argparse.Namespace) -> tuple[list[ServeRun], list[float], CpuUse]:
    """Every serve run, then every demo run, each in a directory of its own; and the CPU the
    machine used meanwhile, to show whether something else competed with them."""
    serve_runs: list[ServeRun] = []
    demo_times: list[float] = []
    meter = CpuMeter()
    with tempfile.TemporaryDirectory(prefix="aplauso-bench-startup-") as tmp, FakeSlack() as fake:
        for index in range(args.runs):
            workdir = Path(tmp) / f"serve-{index}"
            workdir.mkdir()
            url = args.database_url or f"sqlite:///{workdir / 'aplauso.db'}"
            serve_runs.append(time_serve(fake, url, workdir))
        for index in range(args.demo_runs):
            workdir = Path(tmp) / f"demo-{index}"
            workdir.mkdir()
            demo_times.append(time_demo(workdir))
    return serve_runs, demo_times, meter.read()


def print_setting(args: argparse.Namespace, cpu: CpuUse) -> None:
    """The machine, the database and what else ran: what the figures depend on."""
    kind = make_url(args.database_url).get_backend_name() if args.database_url else "sqlite"
    fresh = "a fresh file per run" if not args.database_url else "the given URL, reused"
    print(
        f"machine: {nproc()} CPUs (nproc), Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )
    print(f"database for serve: {kind} ({fresh}); migrations run at every start")
    print(
        f"other processes on the machine used {cpu.others_cores:.2f} cores on average "
        f"during the bench (load average {os.getloadavg()[0]:.2f} at the end)"
    )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: .py files without a fresh .pyc compile every start")


def print_results(serve_runs: list[ServeRun], demo_times: list[float]) -> None:
    """The table, then how each serve ended: a hung shutdown is a finding, not noise."""
    ready = [run.ready_seconds for run in serve_runs]
    exited = [run.stop_seconds for run in serve_runs if run.exit_code is not None]
    rows = [row("serve: launch -> first 200 from /healthz", ready)]
    if exited:
        rows.append(row("serve: SIGTERM -> exit (runs that exited)", exited))
    rows.append(row("demo: whole command, wall time", demo_times))
    print()
    print_table(COLUMNS, rows)
    print()
    codes = ", ".join(
        str(run.exit_code) if run.exit_code is not None else "-" for run in serve_runs
    )
    hung = sum(1 for run in serve_runs if run.exit_code is None)
    print(f"serve exit codes after SIGTERM, per run: {codes}")
    if hung:
        swallowed = sum(1 for run in serve_runs if run.exit_code is None and run.signal_swallowed)
        print(
            f"{hung} of {len(serve_runs)} serve runs were still running {STOP_TIMEOUT_SECONDS:g} s "
            f"after SIGTERM and were killed; in {swallowed} of them waitress had logged "
            f"'{SWALLOWED_SIGNAL_MARK}' (the shutdown exception, caught, and serving went on)"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Runs and prints; exits 1 unless every serve exited 0 after SIGTERM."""
    args = parse_args(argv)
    serve_runs, demo_times, cpu = run_all(args)
    print_setting(args, cpu)
    print_results(serve_runs, demo_times)
    return 0 if all(run.exit_code == 0 for run in serve_runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
