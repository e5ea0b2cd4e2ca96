"""How long the weekly pulse takes to reach everyone, and whether it keeps to Slack's rate limit
without losing or doubling a DM.

Why: the `pulse` job DMs every member of every team once a week, one `chat.postMessage` each,
and Slack caps that method per workspace (the cap is not published) and at about one message a
second per channel. A sender that ignores the cap collects 429s and, through slack-sdk's retry
handler, sleeps at least a second per 429; one that is too slow on its own leaves the allowance
unused. Either way 10,000 people wait longer than they need to. And the exactly-once claims in
the database must hold when the job runs on two instances at once.

The script runs the real service, `send_due_pulses`, with the real `SlackPulseMessenger` and
the real `make_web_client` (429, 5xx and connection retry handlers), against the project's fake
Slack on loopback with Slack's documented tiers enforced and `chat.postMessage` capped at
`--rate-per-minute` (token bucket, burst of one second's allowance unless `--burst`, plus one
message a second per DM channel). The fake runs in a child process, as Slack runs elsewhere:
it keeps every DM and call it sees (about 40-50 KB per pulse DM), which would otherwise be
counted in the job's memory, and its CPU would compete with the job's for the interpreter
lock. People and teams are written straight into a fresh database (migrated by
`open_database`), not fetched from `users.info`. The moment is a Tuesday 20:00 UTC, when
everyone in the chosen zones is past the default pulse hour (Tuesday 10:00 local).

    .venv/bin/python bench/pulse_fanout.py                       # 10,000 people, 6000/min cap
    .venv/bin/python bench/pulse_fanout.py --people 500          # a quick check
    .venv/bin/python bench/pulse_fanout.py --workers 2           # two concurrent job runs
    .venv/bin/python bench/pulse_fanout.py \\
        --database-url postgresql+psycopg://aplauso:aplauso@127.0.0.1:5432/aplauso
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import platform
import resource
import secrets
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import Engine, create_engine, event, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402
from sqlmodel import col  # noqa: E402

from bench.machine import machine_busy_seconds  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.pulse_messenger import SlackPulseMessenger  # noqa: E402
from bot.runtime import open_database  # noqa: E402
from bot.slack_client import make_web_client  # noqa: E402
from engagement.pulse import PulseInvite, RunReport, SentPulse, send_due_pulses  # noqa: E402
from sandbox.fake_slack import FakeSlack  # noqa: E402
from storage.models import Person, PulseDelivery, Team  # noqa: E402
from storage.unit_of_work import Database  # noqa: E402

# A Tuesday (the default pulse day) at 20:00 UTC: 10:00 has passed in every zone below.
NOW = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
ZONES = (
    "Europe/Madrid",
    "Europe/London",
    "America/New_York",
    "America/Mexico_City",
    "America/Bogota",
)
LOCALES = ("en-US", "es-ES")
MANAGER_ID = "UBMANAGER"
METHOD = "chat.postMessage"
PER_CHANNEL_PER_SECOND = 1.0
RETRY_SLEEP_SECONDS = 0.9  # a send this slow slept in slack-sdk's 429 handler (>= 1 s)
MAX_EXAMPLES = 5
FAKE_START_TIMEOUT_SECONDS = 120.0
FAKE_ANSWER_TIMEOUT_SECONDS = 300.0
FAKE_STOP_TIMEOUT_SECONDS = 10.0
SEED_TIMEOUT_SECONDS = 300.0
SEND_SLACK_SECONDS = 600.0  # beyond the bucket's own time, before the run is declared hung


def user_id(index: int) -> str:
    return f"UB{index:05d}"


def max_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the fake Slack, in its own process ---------------------------------------------------


def seed_fake(fake: FakeSlack, people: int) -> None:
    fake.add_user(MANAGER_ID, "manager", locale="en-US", tz="Europe/Madrid")
    for index in range(1, people + 1):
        fake.add_user(
            user_id(index),
            f"person{index}",
            locale=LOCALES[index % len(LOCALES)],
            tz=ZONES[index % len(ZONES)],
        )


def fake_answer(fake: FakeSlack, command: str, people: int) -> dict[str, Any]:
    """What the parent asks the fake: plain values only, so they cross the pipe as they are."""
    answer: dict[str, Any] = {"cpu": cpu_seconds(), "max_rss_mb": max_rss_mb()}
    calls = fake.calls_to(METHOD)
    answer["posts"] = len(calls)
    if command == "report":
        delivered = {user_id(i): len(fake.dm_messages(user_id(i))) for i in range(1, people + 1)}
        answer["ok_at"] = [call.at for call in calls if call.ok]
        answer["refused"] = Counter(
            str(call.response.get("error")) for call in calls if not call.ok
        )
        answer["429"] = fake.rate_limited_count(METHOD)
        answer["429_other"] = sum(fake.rate_limited.values()) - answer["429"]
        answer["lost"] = sorted(uid for uid, n in delivered.items() if n == 0)
        answer["duplicated"] = {uid: n for uid, n in sorted(delivered.items()) if n > 1}
    return answer


def serve_fake(conn: Connection, people: int, per_minute: float, burst: float) -> None:
    """The child process: a FakeSlack with the bench's users and limits, answering the
    parent's questions over `conn` until told to stop."""
    with FakeSlack() as fake:
        seed_fake(fake, people)
        fake.enforce_slack_rate_limits()
        fake.set_rate_limit(
            METHOD,
            per_minute=per_minute,
            burst=burst,
            per_channel_per_second=PER_CHANNEL_PER_SECOND,
        )
        conn.send({"api_url": fake.api_url, "bot_token": fake.bot_token})
        while True:
            command = conn.recv()
            if command == "stop":
                break
            conn.send(fake_answer(fake, command, people))


class FakeSlackProcess:
    """Starts `serve_fake` in a spawned child and asks it questions, every wait bounded."""

    def __init__(self, people: int, per_minute: float, burst: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=serve_fake, args=(child, people, per_minute, burst), name="fake-slack"
        )
        self.api_url = ""
        self.bot_token = ""

    def _receive(self, timeout: float) -> dict[str, Any]:
        if not self._conn.poll(timeout):
            raise RuntimeError(f"the fake Slack process did not answer within {timeout:g} s")
        answer: dict[str, Any] = self._conn.recv()
        return answer

    def ask(self, command: str) -> dict[str, Any]:
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


# -- the database -------------------------------------------------------------------------


@contextmanager
def fresh_database(explicit: str | None) -> Iterator[str]:
    """A database nobody else uses, so counts are this run's: a temporary SQLite file by
    default; for PostgreSQL a new `bench_<random>` database on that server, dropped at the end
    (the URL's own database is only used to issue CREATE/DROP DATABASE)."""
    if explicit is None:
        with tempfile.TemporaryDirectory(prefix="aplauso-bench-db-") as directory:
            yield f"sqlite:///{Path(directory) / 'aplauso.db'}"
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


def seed_database(database: Database, people: int, team_size: int) -> int:
    """People and teams in one transaction, straight through the ORM: the directory sync would
    call users.info once per person, and `people.upsert` re-reads every row it writes; neither
    is what this bench measures. Returns the number of teams."""
    persons = [
        Person(
            user_id=user_id(index),
            name=f"person{index}",
            real_name=f"Person {index}",
            locale=LOCALES[index % len(LOCALES)],
            tz=ZONES[index % len(ZONES)],
            synced_at=NOW,
        )
        for index in range(1, people + 1)
    ]
    ids = [p.user_id for p in persons]
    with database.unit_of_work() as uow:
        uow.people.upsert(
            Person(user_id=MANAGER_ID, name="manager", tz="Europe/Madrid", synced_at=NOW)
        )
        uow.session.add_all(persons)
        uow.session.flush()
        teams = 0
        for start in range(0, len(ids), team_size):
            teams += 1
            team = uow.teams.add(
                Team(
                    name=f"Bench team {teams:04d}",
                    manager_id=MANAGER_ID,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
            assert team.id is not None
            uow.teams.replace_members(team.id, ids[start : start + team_size])
    return teams


def seed_in_child(url: str, people: int, team_size: int) -> int:
    """Migrates and seeds the database in a short-lived process, so the job's process peak
    memory is the job's own and not that of 10,000 Person objects built for the seeding."""
    database = open_database(Settings(database_url=url))
    try:
        return seed_database(database, people, team_size)
    finally:
        database.dispose()


def delivery_statuses(database: Database) -> tuple[Counter[str], dict[str, str]]:
    """Per-status counts of the claims, and why each person not `sent` ended as they did."""
    with database.unit_of_work() as uow:
        rows = uow.session.execute(
            select(col(PulseDelivery.user_id), col(PulseDelivery.status), col(PulseDelivery.error))
        ).all()
    statuses: Counter[str] = Counter(str(status) for _, status, _ in rows)
    not_sent = {
        str(uid): f"{status} {error or ''}".strip()
        for uid, status, error in rows
        if status != "sent"
    }
    return statuses, not_sent


def database_kind(engine: Engine) -> str:
    with engine.connect() as connection:
        server = ".".join(str(part) for part in engine.dialect.server_version_info or ())
        if engine.dialect.name == "sqlite":
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            return f"sqlite {server} (file, journal {mode})"
    return f"{engine.dialect.name} {server} at {engine.url.host}:{engine.url.port}"


# -- measuring the send -------------------------------------------------------------------


class TimedMessenger(SlackPulseMessenger):
    """The real messenger, each pulse DM timed (429 retry sleeps included): the loop's wall
    time minus this is what the database and Python cost, which says where a too-slow loop
    loses its time. A subclass, so whatever else the messenger does stays the real thing."""

    def __init__(self, client: WebClient) -> None:
        super().__init__(client)
        self.seconds: list[float] = []

    def send_pulse(self, invite: PulseInvite) -> SentPulse:
        started = time.perf_counter()
        try:
            return super().send_pulse(invite)
        finally:
            self.seconds.append(time.perf_counter() - started)


class SqlMeter:
    """Counts statements, commits and the time spent inside the driver's execute, via engine
    events: cheap enough to leave on, and it separates round trips from ORM overhead."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self.statements = 0
        self.commits = 0
        self.seconds = 0.0
        self.enabled = False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._commit)

    def _before(self, conn: Any, *_args: Any) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, *_args: Any) -> None:
        elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        if self.enabled:
            with self._lock:
                self.statements += 1
                self.seconds += elapsed

    def _commit(self, _conn: Any) -> None:
        if self.enabled:
            with self._lock:
                self.commits += 1


@dataclass
class SendRun:
    """What the timed call(s) of `send_due_pulses` did."""

    wall: float
    reports: list[RunReport]
    slack_seconds: list[float] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(r.sent for r in self.reports)

    @property
    def skipped(self) -> int:
        return sum(r.skipped for r in self.reports)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.reports)


def run_senders(database: Database, settings: Settings, workers: int, bound: float) -> SendRun:
    """`workers` concurrent calls of `send_due_pulses`, as if the job fired on that many
    instances at once, each with its own WebClient; timed from a common start to the last."""
    messengers = [TimedMessenger(make_web_client(settings)) for _ in range(workers)]
    reports: list[RunReport | None] = [None] * workers
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers + 1, timeout=30)

    def work(index: int) -> None:
        barrier.wait()
        try:
            reports[index] = send_due_pulses(database, messengers[index], NOW)
        except BaseException as error:  # shown after the run, never swallowed
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(i,), name=f"pulse-{i}", daemon=True)
        for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(max(0.0, bound - (time.perf_counter() - started)))
        if thread.is_alive():
            raise RuntimeError(f"send_due_pulses still running after {bound:.0f} s")
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return SendRun(
        wall=wall,
        reports=[r for r in reports if r is not None],
        slack_seconds=[s for m in messengers for s in m.seconds],
    )


def traced_areas() -> dict[str, float]:
    """Memory still traced, grouped by top-level folder of the repository, in MB."""
    areas: Counter[str] = Counter()
    for stat in tracemalloc.take_snapshot().statistics("filename"):
        try:
            area = Path(stat.traceback[0].filename).resolve().relative_to(REPO_ROOT).parts[0]
        except ValueError:
            area = "stdlib"
        areas["libraries" if area == ".venv" else area] += stat.size
    return {area: size / 2**20 for area, size in areas.most_common(5)}


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest rank: always a value that was really observed."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("--people", type=int, default=10_000, help="team members to DM")
    parser.add_argument(
        "--rate-per-minute",
        type=float,
        default=6000.0,
        help="chat.postMessage workspace cap the fake enforces (default 6000 = 100/s)",
    )
    parser.add_argument(
        "--burst", type=float, help="token bucket size (default: one second's allowance)"
    )
    parser.add_argument("--team-size", type=int, default=100, help="members per team")
    parser.add_argument(
        "--database-url",
        help="default: a fresh SQLite file; a PostgreSQL URL gets a fresh bench_* database",
    )
    parser.add_argument("--workers", type=int, default=1, help="concurrent send_due_pulses")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations during the send (slows the loop about 2.5x)",
    )
    args = parser.parse_args(argv)
    if args.people < 1 or args.rate_per_minute <= 0 or args.workers < 1 or args.team_size < 1:
        parser.error("--people, --rate-per-minute, --workers and --team-size must be positive")
    if args.burst is None:
        args.burst = max(1.0, args.rate_per_minute / 60)
    elif args.burst < 1:
        parser.error("--burst must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    allowed = args.rate_per_minute / 60
    bucket_floor = max(0.0, (args.people - args.burst) / allowed)
    rss_start = max_rss_mb()
    seeding = time.perf_counter()
    with (
        fresh_database(args.database_url) as url,
        FakeSlackProcess(args.people, args.rate_per_minute, args.burst) as fake,
    ):
        settings = Settings(
            slack_bot_token=fake.bot_token,
            slack_signing_secret="x",
            slack_api_url=fake.api_url,
            database_url=url,
        )
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            seeded = pool.submit(seed_in_child, url, args.people, args.team_size)
            teams = seeded.result(timeout=SEED_TIMEOUT_SECONDS)
        seeding = time.perf_counter() - seeding
        database = open_database(settings)
        try:
            kind = database_kind(database.engine)
            print(
                f"pulse fan-out: {args.people} people in {teams} teams, {args.workers} "
                f"worker(s), {METHOD} capped at {args.rate_per_minute:g}/min "
                f"({allowed:g}/s, burst {args.burst:g}) + {PER_CHANNEL_PER_SECOND:g}/s per DM "
                "channel; other methods at Slack's documented tiers"
            )
            print(
                "  (Slack does not publish its workspace cap for chat.postMessage; it documents "
                "about 1 message/s per channel, which applies to each DM channel, so one DM "
                "per person never meets it)"
            )
            print(
                f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                f"slack-sdk {version('slack-sdk')}, SQLAlchemy {version('sqlalchemy')}, "
                f"load average {os.getloadavg()[0]:.2f} at start; fake Slack in a child process"
            )
            print(
                f"seeding (fake Slack start + migrations, people and teams in one transaction, "
                f"in a child process): {seeding:.1f} s"
            )
            rss_seeded = max_rss_mb()

            meter = SqlMeter(database.engine)
            fake_before = fake.ask("cpu")
            cpu_before, machine_before = cpu_seconds(), machine_busy_seconds()
            meter.enabled = True
            if args.tracemalloc:
                tracemalloc.start()
            run = run_senders(database, settings, args.workers, bucket_floor + SEND_SLACK_SECONDS)
            traced_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else 0
            traced = traced_areas() if args.tracemalloc else {}
            tracemalloc.stop()
            meter.enabled = False
            cpu_own = cpu_seconds() - cpu_before
            machine = machine_busy_seconds() - machine_before
            rss_sent = max_rss_mb()

            report = fake.ask("report")
            cpu_fake = report["cpu"] - fake_before["cpu"]
            statuses, not_sent = delivery_statuses(database)

            again_started = time.perf_counter()
            again = send_due_pulses(database, SlackPulseMessenger(make_web_client(settings)), NOW)
            again_wall = time.perf_counter() - again_started
            posts_again = fake.ask("posts")["posts"] - report["posts"]
        finally:
            database.dispose()

    ok_at: list[float] = report["ok_at"]
    lost: list[str] = report["lost"]
    duplicated: dict[str, int] = report["duplicated"]
    achieved = len(ok_at) / run.wall
    span = ok_at[-1] - ok_at[0] if len(ok_at) > 1 else 0.0
    slack = sorted(run.slack_seconds)
    retried = [s for s in slack if s >= RETRY_SLEEP_SECONDS]
    thread_seconds = run.wall * args.workers
    sent = max(1, run.sent)
    other = thread_seconds - sum(slack) - meter.seconds
    refused = ", ".join(f"{error} {n}" for error, n in report["refused"].most_common()) or "none"

    print()
    print(
        f"wall time of send_due_pulses: {run.wall:.1f} s (the token bucket allows "
        f"{args.people} posts in {bucket_floor:.1f} s at best)"
    )
    print(
        f"achieved {METHOD} rate: {achieved:.1f}/s = {achieved / allowed:.1%} of the allowed "
        f"{allowed:g}/s ({len(ok_at)} ok posts / wall time; first to last ok post {span:.1f} s)"
    )
    print(f"DMs lost: {len(lost)}  (people the fake holds no DM for)")
    print(f"DMs duplicated: {len(duplicated)}  (people the fake holds more than one DM for)")
    print(f"429s served: {report['429']} for {METHOD}, {report['429_other']} for other methods")
    print(
        f"peak memory of the job's process (ru_maxrss): {rss_sent:.0f} MB "
        f"({rss_start:.0f} MB at start, {rss_seeded:.0f} MB just before the send); "
        f"fake Slack process: {report['max_rss_mb']:.0f} MB"
    )
    if args.tracemalloc:
        areas = ", ".join(f"{name} {mb:.1f} MB" for name, mb in traced.items())
        print(
            f"tracemalloc peak during the send: {traced_peak / 2**20:.1f} MB (this run's loop "
            f"is ~2.5x slower for it); still traced at the end: {areas}"
        )
    print(f"database: {kind}")
    print()
    print(
        f"job report: sent {run.sent}, skipped {run.skipped}, failed {run.failed}; claims in "
        "the database: " + ", ".join(f"{s} {n}" for s, n in sorted(statuses.items()))
    )
    for uid in lost[:MAX_EXAMPLES]:
        print(f"  lost {uid}: {not_sent.get(uid, 'no claim')}")
    for uid, count in list(duplicated.items())[:MAX_EXAMPLES]:
        print(f"  duplicated {uid}: {count} DMs")
    print(
        f"{METHOD} calls: {report['posts']} ({len(ok_at)} ok; refused: {refused}); sends that "
        f"slept in slack-sdk's 429 handler: {len(retried)}, {sum(retried):.1f} s in all"
    )
    print(
        f"per DM, per worker: {thread_seconds / sent * 1000:.2f} ms = Slack call "
        f"{sum(slack) / sent * 1000:.2f} ms (p50 {percentile(slack, 0.5) * 1000:.2f}, "
        f"p99 {percentile(slack, 0.99) * 1000:.2f}, max {slack[-1] * 1000 if slack else 0:.0f}) "
        f"+ SQL execute {meter.seconds / sent * 1000:.2f} ms ({meter.statements / sent:.1f} "
        f"statements, {meter.commits / sent:.1f} commits) + the rest (ORM, commits, "
        f"message building, Python) {other / sent * 1000:.2f} ms"
    )
    print(
        f"cpu during the send, in cores: job process {cpu_own / run.wall:.2f}, fake Slack "
        f"{cpu_fake / run.wall:.2f}, rest of the machine "
        f"{max(0.0, (machine - cpu_own - cpu_fake) / run.wall):.2f}"
    )
    print()
    print(
        f"second run of send_due_pulses: sent {again.sent}, skipped {again.skipped}, "
        f"failed {again.failed}, {posts_again} {METHOD} calls, {again_wall:.2f} s"
    )
    healthy = not lost and not duplicated and again.sent == 0 and posts_again == 0
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
