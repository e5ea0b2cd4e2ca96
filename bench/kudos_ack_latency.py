"""How long Slack waits for Aplauso to acknowledge `/kudos`, under a steady load, against a
bare Bolt app served the same way.

Why: Slack gives an app 3 seconds to acknowledge, and everything Aplauso does before `ack()`
or beside it in the same process (signature checks, middleware, the listener pool, the
database and Web API work that follows acknowledgements) can push that figure up under load.
The bare app isolates what the server, Bolt and the machine cost on their own, so the ratio
says what Aplauso adds.

Both apps run in this process behind the same waitress server (`BackgroundServer` +
`AplausoWSGI`, same thread count) and the same fake Slack, seeded with the demo workspace; the
bare app first, then Aplauso on a fresh SQLite database (or `--database-url`). The load comes
from `bench/loadgen.py` in its own process: open loop at `--rate` requests/s for a 3 s warm-up
(left out of the figures) plus `--seconds`, over `--connections` keep-alive connections.

    .venv/bin/python bench/kudos_ack_latency.py                 # 100 req/s for 60 s
    .venv/bin/python bench/kudos_ack_latency.py --seconds 10    # a quick check
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import astuple, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from bench.support import (
    CpuMeter,
    argument_parser,
    machine_line,
    percentile,
    print_table,
    temporary_sqlite_url,
)
from bot.background_server import BackgroundServer
from bot.config import Settings
from bot.http_server import AplausoWSGI
from bot.wiring import SERVER_THREADS, build_runtime, open_database
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.slack_payloads import Origin, slash_command_form
from storage.db import HealthProbe
from storage.unit_of_work import Database

SIGNING_SECRET = "bench-signing-secret"
LOADGEN = Path(__file__).resolve().parent / "loadgen.py"
WARMUP_SECONDS = 3.0
DRAIN_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 10.0
IDLE_WAIT_SECONDS = 60.0
RECEIVER = "U02ANA"
RECEIVER_WHEN_GIVER_IS_ANA = "U04EMMA"
COLUMNS = (
    ("app", "<8"),
    ("sent", ">6"),
    ("compl", ">6"),
    ("non200", ">6"),
    ("errors", ">6"),
    ("unsent", ">6"),
    ("rate/s", ">7.1f"),
    ("p50 ms", ">7.1f"),
    ("p90 ms", ">7.1f"),
    ("p99 ms", ">7.1f"),
    ("max ms", ">8.1f"),
    ("lag p99", ">7.1f"),
    ("lag max", ">7.1f"),
    ("cpu app", ">7.2f"),
    ("client", ">6.2f"),
    ("other", ">5.2f"),
)


@dataclass(frozen=True)
class Figures:
    """One app's results over the measured window (warm-up left out), in COLUMNS order."""

    name: str
    sent: int
    completed: int
    non_200: int
    errors: int
    not_sent: int
    achieved_rate: float
    p50: float
    p90: float
    p99: float
    max: float
    lag_p99: float
    lag_max: float
    cpu_app: float
    cpu_client: float
    cpu_other: float


def kudos_bodies(fake: FakeSlack, count: int, start: int) -> list[str]:
    """Form bodies exactly like Slack's `/kudos`, with a response_url and trigger_id the fake
    issued, from givers rotating over the 25 demo people so one giver's daily limit of 5 does
    not decide the outcome (most kudos are refused after the limit; the ack is what counts)."""
    origin = Origin(
        team_id=fake.team_id,
        team_domain=fake.team_domain,
        api_app_id=fake.app_id,
        bot_user_id=fake.bot_user_id,
    )
    people = demo_workspace.PEOPLE
    channel = demo_workspace.KUDOS_CHANNEL
    bodies = []
    for index in range(start, start + count):
        giver = people[index % len(people)].user_id
        receiver = RECEIVER if giver != RECEIVER else RECEIVER_WHEN_GIVER_IS_ANA
        fields = slash_command_form(
            origin,
            command="/kudos",
            text=f"<@{receiver}> #helpful thanks for the quick fix {index}",
            user_id=giver,
            user_name=None,
            channel_id=channel,
            channel_name="kudos",
            response_url=fake.new_response_url(channel_id=channel, user_id=giver),
            trigger_id=fake.new_trigger_id(giver),
        )
        bodies.append(urlencode(fields))
    return bodies


class BacklogSampler:
    """Samples the listener pool's queue every 100 ms: a growing backlog means the work after
    acknowledging does not keep up with the load, even while acks stay fast."""

    def __init__(self, pending: Callable[[], int]) -> None:
        self.pending = pending
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-backlog", daemon=True)

    def _run(self) -> None:
        """Samples until stopped; the peak is what the summary needs."""
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self.pending())

    def __enter__(self) -> BacklogSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=1)


def run_load(
    name: str, app_url: str, bodies: list[str], args: argparse.Namespace, workdir: Path
) -> Figures:
    """Runs the load generator process against one app and reduces its samples to figures."""
    parts = urlsplit(app_url)
    plan = {
        "host": parts.hostname,
        "port": parts.port,
        "path": "/slack/events",
        "signing_secret": SIGNING_SECRET,
        "rate": args.rate,
        "threads": args.connections,
        "timeout": REQUEST_TIMEOUT_SECONDS,
        "drain_seconds": DRAIN_SECONDS,
        "bodies": bodies,
    }
    plan_path, results_path = workdir / f"{name}-plan.json", workdir / f"{name}-results.json"
    plan_path.write_text(json.dumps(plan))
    bound = WARMUP_SECONDS + args.seconds + DRAIN_SECONDS + REQUEST_TIMEOUT_SECONDS + 60
    meter = CpuMeter()
    subprocess.run(
        [sys.executable, str(LOADGEN), str(plan_path), str(results_path)],
        check=True,
        timeout=bound,
    )
    use = meter.read()
    cpu = (use.own / use.wall, use.children / use.wall, use.others_cores)
    samples = json.loads(results_path.read_text())["samples"]
    return reduce(name, samples, cpu)


def reduce(name: str, samples: list[list[Any]], cpu: tuple[float, float, float]) -> Figures:
    """Figures over the requests scheduled after the warm-up; latency of 200 answers only."""
    window = [s for s in samples if s[0] >= WARMUP_SECONDS]
    sent = [s for s in window if s[1] is not None]
    answered = [s for s in sent if s[3] > 0]
    ok = sorted((s[2] - s[1]) * 1000 for s in answered if s[3] == 200)
    lags = sorted((s[1] - s[0]) * 1000 for s in sent)
    span = max((s[2] for s in answered), default=0.0) - min((s[1] for s in sent), default=0.0)
    return Figures(
        name=name,
        sent=len(sent),
        completed=len(answered),
        non_200=sum(1 for s in answered if s[3] != 200),
        errors=len(sent) - len(answered),
        not_sent=len(window) - len(sent),
        achieved_rate=len(answered) / span if span > 0 else 0.0,
        p50=percentile(ok, 0.50),
        p90=percentile(ok, 0.90),
        p99=percentile(ok, 0.99),
        max=ok[-1] if ok else float("nan"),
        lag_p99=percentile(lags, 0.99),
        lag_max=lags[-1] if lags else float("nan"),
        cpu_app=cpu[0],
        cpu_client=cpu[1],
        cpu_other=cpu[2],
    )


def count_kudos(engine: Engine) -> int:
    """Kudos in the database now: the proof that the work after acknowledging happened."""
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM kudos")).scalar_one())


def database_url(explicit: str | None) -> AbstractContextManager[str]:
    """A fresh SQLite file per bench run unless a URL is given (then kudos are counted as a
    difference, since that database may already hold some)."""
    return nullcontext(explicit) if explicit else temporary_sqlite_url()


def bare_app(fake: FakeSlack) -> App:
    """The least a Bolt app can do for `/kudos`: acknowledge and nothing else."""
    app = App(
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
        client=WebClient(base_url=fake.api_url, token=fake.bot_token),
    )

    @app.command("/kudos")
    def kudos(ack: Ack) -> None:
        """Acknowledges, so the figure is Bolt's and the server's cost alone."""
        ack()

    return app


@dataclass(frozen=True)
class AfterWork:
    """How Aplauso's listener pool coped with the work after acknowledging, and what it did."""

    idle: bool
    drained_in: float
    still_pending: int
    peak_backlog: int
    kudos_recorded: int
    calls: Counter[str]


def run_bare(
    fake: FakeSlack, database: Database, count: int, args: argparse.Namespace, workdir: Path
) -> Figures:
    """The bare app behind the same server and WSGI front door as Aplauso."""
    bare = AplausoWSGI(bare_app(fake), HealthProbe(database.engine), SIGNING_SECRET)
    with BackgroundServer(bare, threads=args.threads) as server:
        bodies = kudos_bodies(fake, count, 0)
        return run_load("bare", server.url, bodies, args, workdir)


def run_aplauso(
    fake: FakeSlack,
    settings: Settings,
    database: Database,
    count: int,
    args: argparse.Namespace,
    workdir: Path,
) -> tuple[Figures, AfterWork]:
    """The real app; after the load, waits for its listener pool to finish what it queued."""
    kudos_before = count_kudos(database.engine)
    fake.clear_calls()
    runtime = build_runtime(settings, database)
    try:
        with (
            BackgroundServer(runtime.wsgi(), threads=args.threads) as server,
            BacklogSampler(lambda: runtime.executor.pending) as backlog,
        ):
            bodies = kudos_bodies(fake, count, count)
            figures = run_load("aplauso", server.url, bodies, args, workdir)
            load_ended = time.perf_counter()
            idle = runtime.executor.wait_idle(IDLE_WAIT_SECONDS)
            drained_in = time.perf_counter() - load_ended
            still_pending = runtime.executor.pending
    finally:
        runtime.executor.shutdown(wait=True, cancel_futures=True)
    kudos_recorded = count_kudos(database.engine) - kudos_before
    calls = Counter(call.method for call in fake.calls)
    after = AfterWork(idle, drained_in, still_pending, backlog.peak, kudos_recorded, calls)
    return figures, after


def print_setup(args: argparse.Namespace, url: str) -> None:
    """The load and the machine, printed before the runs so a long run shows what it does."""
    print(
        f"/kudos ack latency: open loop {args.rate:g} req/s, {WARMUP_SECONDS:g} s warm-up "
        f"(left out) + {args.seconds:g} s measured per app, {args.connections} client "
        f"connections in a separate process"
    )
    print(
        machine_line(
            f"slack-bolt {version('slack-bolt')}",
            f"waitress {version('waitress')} ({args.threads} threads)",
            f"database {make_url(url).get_backend_name()}",
        )
    )


def print_report(bare: Figures, aplauso: Figures, after: AfterWork) -> None:
    """Both apps side by side, the ratio, and the check that Aplauso's work really happened."""
    print()
    print_table(COLUMNS, [astuple(bare), astuple(aplauso)])
    print(
        f"ratio aplauso/bare: p50 {aplauso.p50 / bare.p50:.2f}x, p99 {aplauso.p99 / bare.p99:.2f}x"
    )
    print(
        "(latency: send to full response of 200 answers; lag: how late the client sent vs "
        "schedule; cpu: cores used by the app process (fake Slack included), the load "
        "generator and all other processes on the machine)"
    )
    print()
    if after.idle:
        print(f"aplauso listener pool: idle {after.drained_in:.1f} s after the load ended")
    else:
        print(
            f"aplauso listener pool: still {after.still_pending} tasks pending after "
            f"{IDLE_WAIT_SECONDS:g} s; the rest were cancelled"
        )
    print(f"  peak backlog (queued + running listener tasks): {after.peak_backlog}")
    print(f"  kudos recorded: {after.kudos_recorded}")
    detail = ", ".join(f"{method} {n}" for method, n in after.calls.most_common())
    print(f"  Slack calls seen by the fake: {sum(after.calls.values())} ({detail})")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The load and the server; both apps get the same."""
    parser = argument_parser(__doc__)
    parser.add_argument("--rate", type=float, default=100.0, help="offered requests per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per app")
    parser.add_argument("--connections", type=int, default=32, help="client keep-alive sockets")
    parser.add_argument(
        "--threads", type=int, default=SERVER_THREADS, help="waitress threads (same for both)"
    )
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp dir")
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.seconds <= 0 or args.connections < 1 or args.threads < 1:
        parser.error("--rate, --seconds, --connections and --threads must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """The bare app, then Aplauso, against the same fake Slack and database."""
    args = parse_args(argv)
    count = int((WARMUP_SECONDS + args.seconds) * args.rate)
    with (
        database_url(args.database_url) as url,
        tempfile.TemporaryDirectory(prefix="aplauso-bench-") as tmp,
        FakeSlack() as fake,
    ):
        workdir = Path(tmp)
        demo_workspace.seed(fake)
        settings = Settings(
            slack_bot_token=fake.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=fake.api_url,
            database_url=url,
        )
        database = open_database(settings)
        try:
            print_setup(args, url)
            bare = run_bare(fake, database, count, args, workdir)
            aplauso, after = run_aplauso(fake, settings, database, count, args, workdir)
        finally:
            database.dispose()
    print_report(bare, aplauso, after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
