"""Recorded `/kudos` per second: `aplauso serve` against a bare Bolt app, every part in its own
process, at rising offered rates, plus a run on a cold directory.

Why: Slack waits at most 3 s for an answer, and a busy workspace sends bursts. What counts is
how fast Aplauso answers while it really records every kudos (database, the giver's reply,
the receiver's DM), and how close it stays to the least a Bolt app can do on the same server.

Processes: the fake Slack (`FakeSlackProcess`, rate limits off: this measures the app, not its
throttling), `aplauso serve --workers N` (gunicorn, a fresh database), `bench/bare_bolt.py`
(the same gunicorn setup, a listener that only acknowledges), and `bench/loadgen.py` (open
loop: request i is due at t0 + i/rate, latency counted from that due time's send).

    .venv/bin/python bench/kudos_throughput.py                       # 50..400 req/s, ~4 min
    .venv/bin/python bench/kudos_throughput.py --rates 100,200 --seconds 10
    .venv/bin/python bench/kudos_throughput.py --database-url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from sqlalchemy import create_engine, text

from bench.served import ServedApp, aplauso_command, bare_command
from bench.support import (
    FakeSlackProcess,
    LoadPlan,
    argument_parser,
    fresh_database,
    machine_line,
    percentile,
    print_table,
    run_loadgen,
)
from bot.gunicorn_app import available_cores
from sandbox.fake_slack import FakeSlack
from sandbox.slack_payloads import Origin, slash_command_form

SIGNING_SECRET = "bench-signing-secret"
CHANNEL = "C0KUDOS"
WARMUP_SECONDS = 2.0
TIMEOUT_SECONDS = 10.0
SATURATED_P99_MS = 100.0
SETTLE_SECONDS = 60.0
COLUMNS = (
    ("app", "<8"),
    ("offered", ">7.0f"),
    ("sent", ">6"),
    ("ok", ">6"),
    ("failed", ">6"),
    ("rate/s", ">7.1f"),
    ("p50 ms", ">8.1f"),
    ("p99 ms", ">8.1f"),
    ("max ms", ">8.1f"),
    ("recorded", ">8"),
    ("cpu ms/k", ">8.2f"),
    ("other", ">5.2f"),
)


def prepare_fake(fake: FakeSlack, people: int) -> None:
    """Rate limits off; `people` warm givers (UW...) and as many cold ones (UC...)."""
    fake.clear_rate_limits()
    for prefix in ("UW", "UC"):
        for index in range(people):
            fake.add_user(f"{prefix}{index:05d}", f"{prefix.lower()}{index}", locale="es-ES")
    fake.add_channel(CHANNEL, "kudos", ())


def answer_fake(fake: FakeSlack, command: str) -> dict[str, Any]:
    """`bodies PREFIX PEOPLE START COUNT`: signed-ready /kudos bodies with response URLs this
    fake issued; `calls`: the Web API calls seen so far, by method."""
    words = command.split()
    if words[0] == "calls":
        counts: dict[str, int] = {}
        for call in fake.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return {"calls": counts}
    prefix, people, start, count = words[1], int(words[2]), int(words[3]), int(words[4])
    origin = Origin(fake.team_id, fake.team_domain, fake.app_id, fake.bot_user_id)
    bodies = []
    for index in range(start, start + count):
        giver = f"{prefix}{index % people:05d}"
        receiver = f"{prefix}{(index + 1) % people:05d}"
        fields = slash_command_form(
            origin,
            command="/kudos",
            text=f"<@{receiver}> #helpful thanks for the quick fix {index}",
            user_id=giver,
            user_name=None,
            channel_id=CHANNEL,
            channel_name="kudos",
            response_url=fake.new_response_url(channel_id=CHANNEL, user_id=giver),
            trigger_id=fake.new_trigger_id(giver),
        )
        bodies.append(urlencode(fields))
    return {"bodies": bodies}


@dataclass(frozen=True)
class Step:
    """One app at one offered rate, over the measured window (warm-up left out)."""

    app: str
    offered: float
    sent: int
    ok: int
    failed: int
    achieved: float
    p50: float
    p99: float
    max: float
    recorded: int
    cpu_ms_per_kudos: float
    other_cores: float

    def row(self) -> tuple[object, ...]:
        return (
            self.app, self.offered, self.sent, self.ok, self.failed, self.achieved, self.p50,
            self.p99, self.max, self.recorded, self.cpu_ms_per_kudos, self.other_cores,
        )  # fmt: skip

    @property
    def held(self) -> bool:
        """The rate is sustained: everything answered 200 and p99 stayed under 100 ms."""
        return self.failed == 0 and self.p99 < SATURATED_P99_MS


def load(app: ServedApp, bodies: list[str], rate: float, workdir: Path) -> list[list[Any]]:
    """Sends `bodies` to `app` from the load generator's process and returns its samples."""
    plan = LoadPlan(app.port, SIGNING_SECRET, list(bodies), rate, 64, TIMEOUT_SECONDS, 20.0)
    return run_loadgen(plan, workdir)


def count_kudos(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM kudos")).scalar_one())
    finally:
        engine.dispose()


def settle(url: str | None, expected: int) -> int:
    """Waits until the kudos table holds `expected` rows (work continues after the answer)."""
    if url is None:
        return 0
    deadline = time.monotonic() + SETTLE_SECONDS
    found = count_kudos(url)
    while found < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        found = count_kudos(url)
    return found


def run_step(
    app: ServedApp,
    fake: FakeSlackProcess,
    rate: float,
    seconds: float,
    cursor: tuple[str, int, int],
    workdir: Path,
) -> Step:
    """`rate` req/s for the warm-up plus `seconds`; `cursor` = (giver prefix, people, first
    index) picks fresh kudos. CPU runs until the recorded count stops moving."""
    prefix, people, start = cursor
    count = int((WARMUP_SECONDS + seconds) * rate)
    bodies = fake.ask(f"bodies {prefix} {people} {start} {count}")["bodies"]
    before = count_kudos(app.database_url) if app.database_url else 0
    meter = app.cpu_meter()
    samples = load(app, bodies, rate, workdir)
    answered = sum(1 for s in samples if s[3] == 200)
    recorded = settle(app.database_url, before + answered) - before
    cpu, others = meter.read()
    window = [s for s in samples if s[0] >= WARMUP_SECONDS and s[1] is not None]
    ok = sorted((s[2] - s[0]) * 1000 for s in window if s[3] == 200)  # from the due time
    done = [s for s in window if s[3] > 0]
    span = max((s[2] for s in done), default=0.0) - min((s[0] for s in window), default=0.0)
    per_kudos = cpu * 1000 / max(1, recorded if app.database_url else answered)
    return Step(
        app.name, rate, len(window), len(ok), len(window) - len(ok),
        len(done) / span if span > 0 else 0.0, percentile(ok, 0.5), percentile(ok, 0.99),
        ok[-1] if ok else float("nan"), recorded, per_kudos, others,
    )  # fmt: skip


def sweep(
    apps: Sequence[ServedApp], fake: FakeSlackProcess, args: argparse.Namespace, workdir: Path
) -> list[Step]:
    """Each rate against each app, printed as it goes (a long run shows where it is)."""
    steps: list[Step] = []
    start = 0
    print_table(COLUMNS, [])
    for rate in args.rates:
        for app in apps:
            cursor = ("UW", args.people, start)
            steps.append(run_step(app, fake, rate, args.seconds, cursor, workdir))
            print(
                " ".join(
                    format(v, spec) for v, (_, spec) in zip(steps[-1].row(), COLUMNS, strict=True)
                )
            )
        start += int((WARMUP_SECONDS + args.seconds) * rate)
    return steps


def cold_run(fake: FakeSlackProcess, args: argparse.Namespace, workdir: Path) -> tuple[Step, Any]:
    """A fresh database and `people` givers the app has never seen, each giving one kudos at
    `--cold-rate`, right after `serve` answers its first health check."""
    calls_before = fake.ask("calls")["calls"]
    with fresh_database(None) as url:
        app = ServedApp("cold", aplauso_command(args.workers), url, fake, SIGNING_SECRET)
        with app:
            rate = args.cold_rate
            seconds = args.people / rate - WARMUP_SECONDS
            step = run_step(app, fake, rate, seconds, ("UC", args.people, 0), workdir)
    calls = fake.ask("calls")["calls"]
    seen = {m: calls.get(m, 0) - calls_before.get(m, 0) for m in ("users.info", "users.list")}
    return step, seen


def report(steps: list[Step], cold: Step, seen: dict[str, int], ready: float) -> None:
    print()
    print_table(COLUMNS, [step.row() for step in [*steps, cold]])
    best = {
        name: max((s.offered for s in steps if s.app == name and s.held), default=0.0)
        for name in ("aplauso", "bare")
    }
    share = best["aplauso"] / best["bare"] if best["bare"] else float("nan")
    print(
        f"saturation (highest offered rate with no failure and p99 < {SATURATED_P99_MS:g} ms): "
        f"aplauso {best['aplauso']:g}/s, bare Bolt {best['bare']:g}/s ({share:.0%})"
    )
    print(f"serve: launch -> first 200 from /healthz {ready:.2f} s")
    print(
        f"cold directory: {cold.ok} first kudos at {cold.offered:g}/s, p50 {cold.p50:.1f} ms, "
        f"p99 {cold.p99:.1f} ms, {cold.recorded} recorded; Slack saw "
        f"users.info {seen['users.info']}, users.list {seen['users.list']}"
    )
    print(
        "(latency: from each request's due time to its full answer; recorded: new rows in "
        "`kudos` once the app went quiet; cpu ms/k: CPU of the app's processes (gunicorn "
        "master and workers) per recorded kudos; other: cores used by every other process)"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argument_parser(__doc__)
    parser.add_argument("--rates", default="50,100,200,300,400", help="offered req/s, in order")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per step")
    parser.add_argument("--people", type=int, default=1000, help="givers (and cold givers)")
    parser.add_argument("--cold-rate", type=float, default=100.0, help="req/s of the cold run")
    parser.add_argument("--workers", type=int, default=available_cores(), help="per server")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    args.rates = [float(rate) for rate in args.rates.split(",") if rate.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    prepare = functools.partial(prepare_fake, people=args.people)
    with (
        FakeSlackProcess(prepare, answer_fake) as fake,
        fresh_database(args.database_url) as url,
        tempfile.TemporaryDirectory(prefix="aplauso-bench-") as tmp,
    ):
        print(machine_line(f"{args.workers} gunicorn workers x 16 threads per server"))
        aplauso = ServedApp("aplauso", aplauso_command(args.workers), url, fake, SIGNING_SECRET)
        bare_server = bare_command(args.workers, fake.api_url)
        bare = ServedApp("bare", bare_server, None, fake, SIGNING_SECRET)
        with aplauso, bare:
            steps = sweep([bare, aplauso], fake, args, Path(tmp))
        cold, seen = cold_run(fake, args, Path(tmp))
    report(steps, cold, seen, aplauso.ready_seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
