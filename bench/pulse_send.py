"""The timed send of the weekly pulse, and what the fake Slack and the database say about it.

Why apart from `pulse_fanout.py`: this is the measuring (meters around the real
`PulseService.send_due`, the fake's report); the script around it picks the sizes and prints. The
fake's `prepare_fake` and `fake_answer` live here, in an importable module, because they
cross to the fake's spawned process by reference.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine, event, select
from sqlmodel import col

from bench.support import REPO_ROOT, CpuMeter, CpuUse, FakeSlackProcess, max_rss_mb
from bench.workloads.pulse_people import NOW, seed_fake, user_id
from bot.adapters.pulse_messenger import SlackPulseMessenger
from bot.adapters.slack_directory import SlackDirectory
from bot.config import Settings
from bot.slack_client import make_web_client
from bot.slack_throttle import SlackThrottle
from engagement.clock import ManualClock
from engagement.people import PeopleService
from engagement.pulse import PulseService
from engagement.pulse_model import PulseInvite, SentPulse
from engagement.reports import RunReport
from sandbox.fake_slack import FakeSlack
from storage.models import PulseDelivery
from storage.unit_of_work import Database

METHOD = "chat.postMessage"
PER_CHANNEL_PER_SECOND = 1.0


# -- the fake Slack, in its own process ---------------------------------------------------


def prepare_fake(fake: FakeSlack, people: int, per_minute: float, burst: float) -> None:
    """Runs in the fake's process: the bench's users, Slack's tiers, and the cap under test."""
    seed_fake(fake, people)
    fake.enforce_slack_rate_limits()
    fake.set_rate_limit(
        METHOD,
        per_minute=per_minute,
        burst=burst,
        per_channel_per_second=PER_CHANNEL_PER_SECOND,
    )


def fake_answer(fake: FakeSlack, command: str, people: int) -> dict[str, Any]:
    """What the parent asks the fake: plain values only, so they cross the pipe as they are.
    Every command counts the posts; "report" also says who got no DM or more than one."""
    calls = fake.calls_to(METHOD)
    answer: dict[str, Any] = {"posts": len(calls)}
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


def delivery_statuses(database: Database) -> tuple[Counter[str], dict[str, str]]:
    """Per-status counts of the claims, and why each person not `sent` ended as they did."""
    query = select(col(PulseDelivery.user_id), col(PulseDelivery.status), col(PulseDelivery.error))
    with database.engine.connect() as connection:  # a check, read below the services' API
        rows = connection.execute(query).all()
    statuses: Counter[str] = Counter(str(status) for _, status, _ in rows)
    not_sent = {
        str(uid): f"{status} {error or ''}".strip()
        for uid, status, error in rows
        if status != "sent"
    }
    return statuses, not_sent


# -- the client, paced as in production ---------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    """A 429 that lowered a throttle's pace: when (seconds after the throttle was built), from
    and to how many calls a minute."""

    at: float
    was: float
    now: float


class CountedThrottle(SlackThrottle):
    """The real throttle, which also counts what it cost: the seconds calls waited in it (their
    retries after a 429 included), the 429s it was told of, and each lesson."""

    def __init__(self, *, share: float, per_minute: dict[str, float]) -> None:
        super().__init__(share=share, per_minute=per_minute)
        self._counts = threading.Lock()
        self._born = time.perf_counter()
        self.waited = 0.0
        self.holds = 0
        self.lessons: list[Lesson] = []

    def acquire(self, method: str, *, background: bool | None = None) -> float:
        """The real wait, added up."""
        waited = super().acquire(method, background=background)
        with self._counts:
            self.waited += waited
        return waited

    def hold(self, method: str, seconds: float) -> None:
        """The real hold and lesson, noted when the pace went down."""
        was = self.pace(method)
        super().hold(method, seconds)
        now = self.pace(method)
        with self._counts:
            self.holds += 1
            if now < was:
                self.lessons.append(Lesson(time.perf_counter() - self._born, was, now))


def paced_client(
    settings: Settings, pace: float, share: float
) -> tuple[WebClient, CountedThrottle | None]:
    """The client as `bot.wiring.build_runtime` builds it, with `share` of the workspace and
    chat.postMessage starting at `pace` a minute; pace 0 builds it without a throttle."""
    if pace <= 0:
        return make_web_client(settings), None
    throttle = CountedThrottle(share=share, per_minute={METHOD: pace})
    return make_web_client(settings, throttle=throttle), throttle


# -- measuring the send -------------------------------------------------------------------


class TimedMessenger(SlackPulseMessenger):
    """The real messenger, each pulse DM timed (429 retry sleeps included): the loop's wall
    time minus this is what the database and Python cost, which says where a too-slow loop
    loses its time. A subclass, so whatever else the messenger does stays the real thing."""

    def __init__(self, client: WebClient) -> None:
        super().__init__(client)
        self.seconds: list[float] = []

    def send_pulse(self, invite: PulseInvite) -> SentPulse:
        """The real send, timed even when it raises."""
        started = time.perf_counter()
        try:
            return super().send_pulse(invite)
        finally:
            self.seconds.append(time.perf_counter() - started)


def send_due(database: Database, client: WebClient, messenger: SlackPulseMessenger) -> RunReport:
    """One run of the weekly pulse job at NOW: the service as `bot.wiring.build_services`
    builds it, with the bench's messenger."""
    clock = ManualClock(NOW)
    people = PeopleService(database, SlackDirectory(client), clock)
    return PulseService(database, people, messenger, clock).send_due(NOW)


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
        """Notes the start on the connection, so concurrent workers do not mix timings."""
        conn.info["bench_started"] = time.perf_counter()

    def _after(self, conn: Any, *_args: Any) -> None:
        """Counts the statement and its time inside execute, while enabled."""
        elapsed = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
        if self.enabled:
            with self._lock:
                self.statements += 1
                self.seconds += elapsed

    def _commit(self, _conn: Any) -> None:
        """Counts a commit, while enabled: each is a round trip and, on SQLite, a sync."""
        if self.enabled:
            with self._lock:
                self.commits += 1


@dataclass
class SendRun:
    """What the timed call(s) of `PulseService.send_due` did."""

    wall: float
    reports: list[RunReport]
    slack_seconds: list[float] = field(default_factory=list)
    throttles: list[CountedThrottle] = field(default_factory=list)

    @property
    def sent(self) -> int:
        """DMs sent, over every worker."""
        return sum(r.sent for r in self.reports)

    @property
    def skipped(self) -> int:
        """People skipped (already claimed, opted out), over every worker."""
        return sum(r.skipped for r in self.reports)

    @property
    def failed(self) -> int:
        """DMs that failed after the retries, over every worker."""
        return sum(r.failed for r in self.reports)


def run_senders(
    database: Database, settings: Settings, workers: int, bound: float, pace: float
) -> SendRun:
    """`workers` concurrent runs of the pulse job, as if the job fired on that many
    instances at once, each with its own WebClient and throttle (a 1/`workers` share, as
    `bot.wiring` gives each worker process); timed from a common start to the last."""
    paced = [paced_client(settings, pace, 1 / workers) for _ in range(workers)]
    clients = [client for client, _ in paced]
    messengers = [TimedMessenger(client) for client in clients]
    reports: list[RunReport | None] = [None] * workers
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers + 1, timeout=30)

    def work(index: int) -> None:
        """One worker: starts with the others, keeps its report or its error."""
        barrier.wait()
        try:
            reports[index] = send_due(database, clients[index], messengers[index])
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
            raise RuntimeError(f"the pulse job still running after {bound:.0f} s")
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return SendRun(
        wall=wall,
        reports=[r for r in reports if r is not None],
        slack_seconds=[s for m in messengers for s in m.seconds],
        throttles=[throttle for _, throttle in paced if throttle is not None],
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


@dataclass
class Measured:
    """Everything the send and the checks after it produced, for the report."""

    run: SendRun
    sql: SqlMeter
    cpu: CpuUse
    cpu_fake: float
    rss_seeded: float
    rss_sent: float
    traced_peak: int
    traced: dict[str, float]
    fake: dict[str, Any]
    statuses: Counter[str]
    not_sent: dict[str, str]
    again: RunReport
    again_wall: float
    posts_again: int


def measure_send(
    database: Database,
    settings: Settings,
    fake: FakeSlackProcess,
    *,
    workers: int,
    bound: float,
    pace: float,
    trace: bool,
) -> Measured:
    """Times the send with SQL and CPU meters on, then asks the fake and the database what
    happened, then runs the job once more: a second run must send nothing."""
    rss_seeded = max_rss_mb()
    sql = SqlMeter(database.engine)
    fake_before = fake.ask("cpu")
    cpu = CpuMeter()
    sql.enabled = True
    if trace:
        tracemalloc.start()
    run = run_senders(database, settings, workers, bound, pace)
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
    traced = traced_areas() if trace else {}
    tracemalloc.stop()
    sql.enabled = False
    cpu_use = cpu.read()
    rss_sent = max_rss_mb()

    report = fake.ask("report")
    statuses, not_sent = delivery_statuses(database)

    again_started = time.perf_counter()
    client, _ = paced_client(settings, pace, 1.0)
    again = send_due(database, client, SlackPulseMessenger(client))
    again_wall = time.perf_counter() - again_started
    posts_again = fake.ask("posts")["posts"] - report["posts"]
    return Measured(
        run=run,
        sql=sql,
        cpu=cpu_use,
        cpu_fake=report["cpu"] - fake_before["cpu"],
        rss_seeded=rss_seeded,
        rss_sent=rss_sent,
        traced_peak=traced_peak,
        traced=traced,
        fake=report,
        statuses=statuses,
        not_sent=not_sent,
        again=again,
        again_wall=again_wall,
        posts_again=posts_again,
    )
