"""How long the managers' weekly digest takes for every team of a large workspace, and whether
its number of SQL statements stays fixed as teams are added.

Why: `compute_digests` builds every team's digest in one go (the digest job, the admins'
company report), over twelve weeks of pulse answers, kudos, deliveries, service ratings and
feedback. If it aggregated per team in Python, or issued a query per team, a workspace with
1,000 teams and a year of history would take minutes and hold the database meanwhile. The
issue asks for at most 10 s on SQLite and on PostgreSQL with 10,000 people, 1,000 teams and
52 weeks of data, and for a statement count that does not grow with the number of teams.

The script writes that history straight into a fresh, migrated database with bulk Core
inserts (the services would take hours to produce it one answer at a time), in a child
process so that this process's peak memory is the digest's own. It then times
`compute_digests` for the latest week inside `Database.unit_of_work()`, as the job calls it,
on the application's own engine (`storage.db.make_engine`), and counts the statements one run
issues with a `before_cursor_execute` listener. It does it all again with `--compare-teams`
teams (default 100) and the same people, to show whether the count depends on the teams.

    .venv/bin/python bench/digest_scale.py                          # SQLite, 10,000 people
    .venv/bin/python bench/digest_scale.py --people 1000 --weeks 8  # a quick check
    .venv/bin/python bench/digest_scale.py \\
        --database-url postgresql+psycopg://aplauso:aplauso@127.0.0.1:5432/aplauso
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import platform
import pstats
import resource
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from random import Random
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sqlalchemy import Engine, Table, create_engine, event, insert, text  # noqa: E402
from sqlalchemy.engine import Connection, make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bench.machine import machine_busy_seconds  # noqa: E402
from engagement.digest import TREND_WEEKS, compute_digests  # noqa: E402
from engagement.pulse import ensure_bank, month_of, week_number  # noqa: E402
from engagement.pulse_bank import (  # noqa: E402
    DEFAULT_BANK,
    ENPS_QUESTION_KEY,
    is_enps_week,
    week_questions,
)
from storage.db import make_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    FeedbackThread,
    Kudos,
    KudosReceiver,
    KudosTeamLink,
    Person,
    PulseAnswer,
    PulseDelivery,
    PulseWeek,
    ServiceRating,
    Team,
    TeamMember,
    TeamSupplier,
)
from storage.unit_of_work import Database  # noqa: E402

# The digest's week: a Monday. Its data ends the Sunday after; the history goes back from it.
LAST_WEEK = date(2026, 11, 16)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the Monday the digest of LAST_WEEK is due
BATCH_ROWS = 10_000
TARGET_SECONDS = 10.0
SECOND_TEAM_SHARE = 0.05  # people in a second team
KUDOS_PER_PERSON_WEEK = 2.0
KUDOS_SAME_TEAM_SHARE = 0.5  # the rest go to anyone, which feeds the team-to-team map
KUDOS_WITHOUT_VALUE_SHARE = 0.2
KUDOS_WITHDRAWN_SHARE = 0.005
SECOND_RECEIVER_SHARE = 0.1
COMMENT_SHARE = 0.03
SKIP_SHARE = 0.02  # answers whose score is None (the person skipped that question)
SUPPLIERS_PER_TEAM = 2
SERVICE_RATER_SHARE = 0.5  # of a team's members, per supplier and month
FEEDBACK_PER_TEAM_YEAR = 2
GENERATION_TIMEOUT_SECONDS = 1800.0
SQL_SHOWN_CHARS = 160
PLAN_LINE_CHARS = 200  # a plan repeats the digest's 12-branch CASE in full on several lines

# Tables in the order their foreign keys allow (PostgreSQL enforces them during the load).
LOAD_ORDER: tuple[type[SQLModel], ...] = (
    Person,
    Team,
    TeamMember,
    TeamSupplier,
    PulseWeek,
    PulseDelivery,
    PulseAnswer,
    Kudos,
    KudosReceiver,
    KudosTeamLink,
    ServiceRating,
    FeedbackThread,
)


# Large tables with no JSON column, loaded with COPY on PostgreSQL (see Loader).
COPIED = frozenset({PulseDelivery, PulseAnswer, Kudos, KudosReceiver, KudosTeamLink, ServiceRating})


# Fixed statements (no names spliced into SQL at run time).
SEQUENCE_RESETS = (
    "SELECT setval(pg_get_serial_sequence('teams', 'id'), (SELECT max(id) FROM teams))",
    "SELECT setval(pg_get_serial_sequence('kudos', 'id'), (SELECT max(id) FROM kudos))",
)


def table_of(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def max_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def nproc() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# -- the database -------------------------------------------------------------------------


@contextmanager
def fresh_database(explicit: str | None) -> Iterator[str]:
    """A database nobody else uses: a temporary SQLite file by default; for PostgreSQL a new
    `bench_<random>` database on that server (AUTOCOMMIT CREATE DATABASE), dropped at the end.
    The URL's own database is only used to create and drop it."""
    if explicit is None:
        with tempfile.TemporaryDirectory(prefix="aplauso-digest-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'aplauso.db'}"
        return
    url = make_url(explicit)
    if url.get_backend_name() == "sqlite":
        raise SystemExit("give no --database-url for SQLite: a temporary file is used")
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


def loader_engine(url: str) -> Engine:
    """An engine for the load only, never for the timing: on SQLite it skips fsync and uses a
    large page cache, since random primary keys (answers, ratings) make each insert touch a
    random page of a 100+ MB B-tree; the application's engine is left as it is."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, poolclass=NullPool)
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB, in KiB
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    return engine


def database_kind(engine: Engine) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            server = connection.execute(text("SELECT sqlite_version()")).scalar_one()
            mode = connection.execute(text("PRAGMA journal_mode")).scalar_one()
            return f"SQLite {server} (temporary file, journal {mode})"
        server = connection.execute(text("SHOW server_version")).scalar_one()
    return f"PostgreSQL {server} at {engine.url.host}:{engine.url.port} (loopback)"


# -- the synthetic workspace --------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    people: int
    teams: int
    weeks: int
    answer_rate: float
    seed: int


@dataclass
class Workspace:
    """Who is in which team: what every generated row is derived from."""

    user_ids: list[str]
    teams_of: list[tuple[int, ...]]  # per person index, team ids
    members: dict[int, list[int]]  # team id -> person indexes
    managers: dict[int, str]  # team id -> user id
    value_keys: list[str]

    @classmethod
    def build(cls, shape: Shape, value_keys: list[str], rng: Random) -> Workspace:
        """Team sizes vary (1 + about Poisson(people/teams - 1)), so some teams fall under
        the anonymity threshold as in a real company; the first `teams` people found one team
        each, so none is empty, and each team's founder is its manager."""
        if shape.people < shape.teams:
            raise SystemExit("--people must be at least --teams")
        user_ids = [f"UD{index:06d}" for index in range(shape.people)]
        teams_of: list[tuple[int, ...]] = []
        members: dict[int, list[int]] = {team: [] for team in range(1, shape.teams + 1)}
        for person in range(shape.people):
            first = person + 1 if person < shape.teams else rng.randrange(shape.teams) + 1
            teams: tuple[int, ...] = (first,)
            if shape.teams > 1 and rng.random() < SECOND_TEAM_SHARE:
                second = rng.randrange(shape.teams - 1) + 1
                teams = (first, second if second < first else second + 1)
            teams_of.append(teams)
            for team in teams:
                members[team].append(person)
        managers = {team: user_ids[team - 1] for team in members}
        return cls(user_ids, teams_of, members, managers, value_keys)


def week_starts(weeks: int) -> list[date]:
    return [LAST_WEEK - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def week_keys(week: date) -> list[str]:
    """The questions everyone was asked that week, as the pulse picks them from the default
    bank (3 rotating drivers, plus eNPS in the first week of a month)."""
    chosen = week_questions(week_number(week), DEFAULT_BANK, include_enps=is_enps_week(week))
    return [question.key for question in chosen]


def hex_id(rng: Random) -> str:
    """A random 32-hex-digit id, like the `uuid4().hex` the services use, but seeded."""
    return f"{rng.getrandbits(128):032x}"


def directory_rows(shape: Shape, ws: Workspace, rng: Random) -> dict[type[SQLModel], list[Any]]:
    synced = NOW - timedelta(days=1)
    created = datetime.combine(LAST_WEEK - timedelta(weeks=shape.weeks + 4), datetime.min.time())
    created = created.replace(tzinfo=UTC)
    people = [
        {
            "user_id": uid,
            "name": f"person{index}",
            "display_name": f"Person {index}",
            "real_name": f"Person Number {index}",
            "locale": "es-ES" if index % 3 == 0 else "en-US",
            "tz": "Europe/Madrid" if index % 2 == 0 else "America/New_York",
            "is_bot": False,
            "deleted": False,
            "synced_at": synced,
        }
        for index, uid in enumerate(ws.user_ids)
    ]
    teams = [
        {
            "id": team,
            "name": f"Bench team {team:05d}",
            "manager_id": ws.managers[team],
            "created_at": created,
            "updated_at": created,
        }
        for team in ws.members
    ]
    memberships = [
        {"team_id": team, "user_id": ws.user_ids[person]}
        for team, people_in in ws.members.items()
        for person in people_in
    ]
    suppliers = []
    if shape.teams > SUPPLIERS_PER_TEAM:
        for team in ws.members:
            others = rng.sample(range(1, shape.teams + 1), SUPPLIERS_PER_TEAM + 1)
            chosen = [other for other in others if other != team][:SUPPLIERS_PER_TEAM]
            suppliers += [{"team_id": team, "supplier_team_id": other} for other in chosen]
    return {Person: people, Team: teams, TeamMember: memberships, TeamSupplier: suppliers}


def week_rows(
    shape: Shape, ws: Workspace, week: date, next_kudos_id: int, rng: Random
) -> dict[type[SQLModel], list[Any]]:
    """One week of history: the plan, a delivery per person, the answers of those who
    answered (one row per team they are in), and the week's kudos with receivers and links."""
    keys = week_keys(week)
    sent_at = datetime.combine(week + timedelta(days=1), datetime.min.time()).replace(
        tzinfo=UTC
    ) + timedelta(hours=9)
    deliveries = [
        {
            "user_id": uid,
            "week_start": week,
            "status": "sent",
            "channel_id": f"D{uid}",
            "message_ts": f"{sent_at.timestamp():.0f}.{index:06d}",
            "claimed_at": sent_at,
            "reminded": False,
        }
        for index, uid in enumerate(ws.user_ids)
    ]
    answers = []
    for person in range(shape.people):
        if rng.random() >= shape.answer_rate:
            continue
        teams = ws.teams_of[person]
        for key in keys:
            score: int | None
            if rng.random() < SKIP_SHARE:
                score = None
            elif key == ENPS_QUESTION_KEY:
                score = rng.randint(0, 10)
            else:
                score = rng.randint(1, 5)
            comment = f"comment on {key}" if rng.random() < COMMENT_SHARE else None
            for team in teams:
                answers.append(
                    {
                        "id": hex_id(rng),
                        "week_start": week,
                        "question_key": key,
                        "team_id": team,
                        "score": score,
                        "comment": comment,
                    }
                )
    rng.shuffle(answers)  # _insert_mixed shuffles storage order in the real service too

    week_begin = datetime.combine(week, datetime.min.time()).replace(tzinfo=UTC)
    moments = sorted(
        week_begin + timedelta(seconds=rng.randrange(7 * 86_400))
        for _ in range(round(KUDOS_PER_PERSON_WEEK * shape.people))
    )
    kudos, receivers, links = [], [], []
    for offset, moment in enumerate(moments):
        kudos_id = next_kudos_id + offset
        giver = rng.randrange(shape.people)
        mates = ws.members[ws.teams_of[giver][0]]
        if len(mates) > 1 and rng.random() < KUDOS_SAME_TEAM_SHARE:
            chosen = [rng.choice(mates)]
        else:
            chosen = [rng.randrange(shape.people)]
        if rng.random() < SECOND_RECEIVER_SHARE:
            chosen.append(rng.randrange(shape.people))
        receiving = sorted({r for r in chosen if r != giver}) or [(giver + 1) % shape.people]
        withdrawn = moment + timedelta(hours=1) if rng.random() < KUDOS_WITHDRAWN_SHARE else None
        kudos.append(
            {
                "id": kudos_id,
                "giver_id": ws.user_ids[giver],
                "value_key": None
                if rng.random() < KUDOS_WITHOUT_VALUE_SHARE
                else rng.choice(ws.value_keys),
                "message": "Thanks for the help with the release, it made a difference!",
                "source_kind": "command",
                "source_key": f"bench:{kudos_id}",
                "limit_units": len(receiving),
                "celebrate": True,
                "created_at": moment,
                "withdrawn_at": withdrawn,
            }
        )
        receivers += [{"kudos_id": kudos_id, "receiver_id": ws.user_ids[r]} for r in receiving]
        links += [
            {
                "kudos_id": kudos_id,
                "team_id": team,
                "role": "giver",
                "user_id": ws.user_ids[giver],
            }
            for team in ws.teams_of[giver]
        ]
        links += [
            {"kudos_id": kudos_id, "team_id": team, "role": "receiver", "user_id": ws.user_ids[r]}
            for r in receiving
            for team in ws.teams_of[r]
        ]
    return {
        PulseWeek: [{"week_start": week, "question_keys": keys}],
        PulseDelivery: deliveries,
        PulseAnswer: answers,
        Kudos: kudos,
        KudosReceiver: receivers,
        KudosTeamLink: links,
    }


def service_rows(
    ws: Workspace, suppliers: list[dict[str, int]], month: date, rng: Random
) -> list[dict[str, Any]]:
    """A month of internal-service ratings: about half of each team's members rate each of
    its suppliers once."""
    rows = []
    for link in suppliers:
        for _member in ws.members[link["team_id"]]:
            if rng.random() >= SERVICE_RATER_SHARE:
                continue
            rows.append(
                {
                    "id": hex_id(rng),
                    "month": month,
                    "rating_team_id": link["team_id"],
                    "rated_team_id": link["supplier_team_id"],
                    "score": rng.randint(1, 5),
                    "comment": "slow to answer" if rng.random() < COMMENT_SHARE else None,
                }
            )
    rng.shuffle(rows)
    return rows


def feedback_rows(shape: Shape, ws: Workspace, rng: Random) -> list[dict[str, Any]]:
    """A few anonymous threads per team over the period, in every status."""
    first = LAST_WEEK - timedelta(weeks=shape.weeks - 1)
    span_days = shape.weeks * 7
    rows = []
    for team in ws.members:
        for _ in range(rng.randint(0, 2 * FEEDBACK_PER_TEAM_YEAR * shape.weeks // 52 or 1)):
            created = first + timedelta(days=rng.randrange(span_days))
            status = rng.choice(("open", "open", "acknowledged", "resolved"))
            rows.append(
                {
                    "id": hex_id(rng),
                    "team_id": team,
                    "manager_id": ws.managers[team],
                    "kind": rng.choice(("idea", "concern", "praise", "question", "service")),
                    "anonymous": True,
                    "writer_token": "sealed-token-placeholder",
                    "status": status,
                    "flagged": False,
                    "source_key": f"bench-feedback:{hex_id(rng)}",
                    "created_on": created,
                    "delivered": rng.random() < 0.95,
                    "resolved_on": created + timedelta(days=3) if status == "resolved" else None,
                }
            )
    return rows


class Loader:
    """Writes rows table by table in foreign key order, and counts them: on SQLite in batches
    of BATCH_ROWS with one Core executemany each; on PostgreSQL the large tables go through
    COPY, because executemany over loopback managed about 35,000 rows/s here, which makes
    the 7 million rows of the full size take over three minutes per database."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.copy = connection.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()

    def write(self, rows_by_model: dict[type[SQLModel], list[Any]]) -> None:
        for model in LOAD_ORDER:
            rows = rows_by_model.get(model)
            if not rows:
                continue
            table = table_of(model)
            if self.copy and model in COPIED:
                self._copy(table, rows)
            else:
                for start in range(0, len(rows), BATCH_ROWS):
                    self.connection.execute(insert(table), rows[start : start + BATCH_ROWS])
            self.counts[table.name] += len(rows)

    def _copy(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """COPY in the same transaction; psycopg adapts dates, aware datetimes and None."""
        columns = list(rows[0])
        names = ", ".join(f'"{name}"' for name in columns)
        driver = self.connection.connection.driver_connection
        assert driver is not None
        with (
            driver.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row([row[name] for name in columns])


@dataclass
class Generated:
    counts: dict[str, int]
    migrate_seconds: float
    load_seconds: float
    finish_seconds: float
    max_rss_mb: float


def generate(url: str, shape: Shape) -> Generated:
    """Migrates the database, seeds the question bank, and loads the whole history in one
    transaction. Run in a child process (see the module docstring)."""
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    database = Database(engine)
    with database.unit_of_work() as uow:
        ensure_bank(uow)
        value_keys = [value.key for value in uow.settings.values()]
    engine.dispose()
    migrated = time.perf_counter()

    rng = Random(shape.seed)
    ws = Workspace.build(shape, value_keys, rng)
    weeks = week_starts(shape.weeks)
    loading = loader_engine(url)
    postgres = loading.dialect.name == "postgresql"
    with loading.begin() as connection:
        loader = Loader(connection)
        directory = directory_rows(shape, ws, rng)
        loader.write(directory)
        next_kudos_id = 1
        for week in weeks:
            rows = week_rows(shape, ws, week, next_kudos_id, rng)
            next_kudos_id += len(rows[Kudos])
            loader.write(rows)
        for month in sorted({month_of(week) for week in weeks}):
            loader.write({ServiceRating: service_rows(ws, directory[TeamSupplier], month, rng)})
        loader.write({FeedbackThread: feedback_rows(shape, ws, rng)})
        if postgres:  # explicit ids were given: move the sequences past them
            for statement in SEQUENCE_RESETS:
                connection.execute(text(statement))
    loaded = time.perf_counter()
    if postgres:
        # What autovacuum would have done by the time a year of data exists: statistics for
        # the planner and a visibility map for index-only scans. Without it autovacuum may
        # start in the middle of the timed runs.
        with loading.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
    loading.dispose()
    finished = time.perf_counter()
    return Generated(
        counts=dict(loader.counts),
        migrate_seconds=migrated - started,
        load_seconds=loaded - migrated,
        finish_seconds=finished - loaded,
        max_rss_mb=max_rss_mb(),
    )


# -- measuring the digest -----------------------------------------------------------------


@dataclass
class Statement:
    sql: str
    parameters: Any
    started: float
    executed: float = 0.0  # seconds inside the driver's execute
    until_next: float = 0.0  # to the next statement: execute, fetch, and the Python after it


@dataclass
class StatementLog:
    """Every statement of one run, with timings, from engine events."""

    enabled: bool = False
    statements: list[Statement] = field(default_factory=list)

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(
        self, _conn: Any, _cursor: Any, sql: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        if self.enabled:
            self.statements.append(Statement(sql, parameters, time.perf_counter()))

    def _after(self, *_args: Any) -> None:
        if self.enabled and self.statements:
            last = self.statements[-1]
            last.executed = time.perf_counter() - last.started

    def close(self, ended: float) -> None:
        for current, following in zip(
            self.statements, [*(s.started for s in self.statements[1:]), ended], strict=True
        ):
            current.until_next = following - current.started


@dataclass
class Measured:
    kind: str
    teams: int
    seconds: list[float]
    statements: list[Statement]
    counted_wall: float
    digests: int
    hidden: Counter[str]
    answered: int
    kudos_received: int
    profile: str = ""
    plans: list[tuple[int, list[str]]] = field(default_factory=list)


def short_sql(sql: str) -> str:
    flat = " ".join(sql.split())
    return flat if len(flat) <= SQL_SHOWN_CHARS else flat[: SQL_SHOWN_CHARS - 3] + "..."


def slowest_first(statements: list[Statement]) -> list[tuple[int, Statement]]:
    return sorted(enumerate(statements), key=lambda item: item[1].until_next, reverse=True)


def query_plans(
    engine: Engine, statements: list[Statement], top: int
) -> list[tuple[int, list[str]]]:
    """The plans of the `top` slowest SELECTs, with the parameters they ran with, so a slow
    aggregate shows whether it scanned a table or used an index: SQLite's EXPLAIN QUERY PLAN;
    PostgreSQL's EXPLAIN (ANALYZE, BUFFERS), which runs the query once more."""
    prefix = (
        "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    plans = []
    with engine.connect() as connection:
        for index, statement in slowest_first(statements)[:top]:
            if not statement.sql.lstrip().upper().startswith("SELECT"):
                continue
            rows = connection.exec_driver_sql(prefix + statement.sql, statement.parameters).all()
            lines = [str(row[-1]) for row in rows]
            plans.append((index, lines))
    return plans


def measure(url: str, runs: int, *, profile: bool, explain: int) -> Measured:
    """Times `compute_digests` for LAST_WEEK `runs` times on the application's own engine, then
    once more with every statement logged (so the listener costs nothing in the timed runs)."""
    engine = make_engine(url)
    database = Database(engine)
    log = StatementLog()
    log.attach(engine)
    try:
        kind = database_kind(engine)
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            with database.unit_of_work() as uow:
                digests = compute_digests(uow, LAST_WEEK)
            seconds.append(time.perf_counter() - started)
        log.enabled = True
        started = time.perf_counter()
        with database.unit_of_work() as uow:
            digests = compute_digests(uow, LAST_WEEK)
        ended = time.perf_counter()
        log.enabled = False
        log.close(ended)
        profiled = ""
        if profile:
            profiler = cProfile.Profile()
            with database.unit_of_work() as uow:
                profiler.runcall(compute_digests, uow, LAST_WEEK)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            profiled = out.getvalue()
        plans = query_plans(engine, log.statements, explain) if explain else []
    finally:
        engine.dispose()
    return Measured(
        kind=kind,
        teams=len(digests),
        seconds=seconds,
        statements=log.statements,
        counted_wall=ended - started,
        digests=len(digests),
        hidden=Counter(d.hidden_reason or "shown" for d in digests.values()),
        answered=sum(d.answered for d in digests.values()),
        kudos_received=sum(d.kudos_received for d in digests.values()),
        profile=profiled,
        plans=plans,
    )


# -- the runs -----------------------------------------------------------------------------


def run_once(
    database_url: str | None,
    shape: Shape,
    runs: int,
    slowest: int,
    *,
    profile: bool,
    explain: int,
) -> Measured:
    """A fresh database of `shape`, generated in a child process, then measured here."""
    with fresh_database(database_url) as url:
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            generated = pool.submit(generate, url, shape).result(timeout=GENERATION_TIMEOUT_SECONDS)
        rows = sum(generated.counts.values())
        print(
            f"\n== {shape.people} people, {shape.teams} teams, {shape.weeks} weeks "
            f"(answer rate {shape.answer_rate:.0%}, seed {shape.seed})"
        )
        print(
            f"generation (child process): migrate + question bank {generated.migrate_seconds:.1f} s, "
            f"load {generated.load_seconds:.1f} s ({rows / generated.load_seconds:,.0f} rows/s), "
            f"vacuum/analyze {generated.finish_seconds:.1f} s; child peak memory "
            f"{generated.max_rss_mb:.0f} MB"
        )
        print("rows: " + ", ".join(f"{name} {n:,}" for name, n in generated.counts.items()))
        busy_before, wall_before = machine_busy_seconds(), time.perf_counter()
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        measured = measure(url, runs, profile=profile, explain=explain)
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter() - wall_before
    own = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    others = (machine_busy_seconds() - busy_before - own) / wall
    report(measured, slowest)
    print(
        f"cpu while measuring: this process {own / wall:.2f} cores, everything else "
        f"{max(0.0, others):.2f} cores (the database server included)"
    )
    return measured


def report(measured: Measured, slowest: int) -> None:
    times = sorted(measured.seconds)
    verdict = "within" if times[0] <= TARGET_SECONDS else "OVER"
    print(f"database: {measured.kind}")
    print(
        f"compute_digests({LAST_WEEK}, {TREND_WEEKS}-week trend) for {measured.digests} teams: "
        f"min {times[0]:.2f} s, median {statistics.median(times):.2f} s, max {times[-1]:.2f} s "
        f"over {len(times)} runs ({', '.join(f'{t:.2f}' for t in measured.seconds)}); "
        f"{verdict} the {TARGET_SECONDS:g} s target"
    )
    executed = sum(s.executed for s in measured.statements)
    print(
        f"SQL statements in one run: {len(measured.statements)} "
        f"(run {measured.counted_wall:.2f} s with the listener; {executed:.2f} s inside the "
        f"driver's execute, {measured.counted_wall - executed:.2f} s fetching and in Python)"
    )
    print(
        f"digests: {dict(measured.hidden)}; respondents {measured.answered:,}, kudos received "
        f"{measured.kudos_received:,} in the week (summed over teams)"
    )
    print(f"slowest {slowest} statements (until_next = execute + fetch + Python until the next):")
    for index, statement in slowest_first(measured.statements)[:slowest]:
        print(
            f"  #{index + 1:<2} until_next {statement.until_next:6.2f} s  execute "
            f"{statement.executed:6.2f} s  {short_sql(statement.sql)}"
        )
    for index, lines in measured.plans:
        print(f"plan of #{index + 1}:")
        for line in lines:
            shown = line if len(line) <= PLAN_LINE_CHARS else line[: PLAN_LINE_CHARS - 3] + "..."
            print(f"    {shown}")
    if measured.profile:
        print("cProfile of one more run (cumulative):")
        print(measured.profile)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=1_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument(
        "--compare-teams",
        type=int,
        default=100,
        help="a second database with the same people in this many teams (0: skip)",
    )
    parser.add_argument(
        "--answer-rate", type=float, default=0.9, help="share of people answering each week"
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per database")
    parser.add_argument("--slowest", type=int, default=5, help="slowest statements to show")
    parser.add_argument("--profile", action="store_true", help="cProfile one more run")
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="print the plans of the N slowest SELECTs (on PostgreSQL: EXPLAIN ANALYZE)",
    )
    parser.add_argument("--seed", type=int, default=20261116)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL: a bench_<random> database is created there and "
        "dropped after; default: a temporary SQLite file",
    )
    args = parser.parse_args(argv)
    if args.weeks < TREND_WEEKS:
        parser.error(f"--weeks must be at least {TREND_WEEKS}, the digest's trend")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    print(
        f"machine: {nproc()} CPUs (nproc), Python {platform.python_version()}, "
        f"SQLAlchemy {version('sqlalchemy')}, load average {os.getloadavg()[0]:.2f} at start"
    )
    counts: dict[int, int] = {}
    worst = 0.0
    for teams in [args.teams, *([args.compare_teams] if args.compare_teams else [])]:
        shape = Shape(args.people, teams, args.weeks, args.answer_rate, args.seed)
        measured = run_once(
            args.database_url,
            shape,
            args.runs,
            args.slowest,
            profile=args.profile,
            explain=args.explain,
        )
        counts[teams] = len(measured.statements)
        worst = max(worst, min(measured.seconds))
    print()
    print(
        "statements per run by teams: "
        + ", ".join(f"{teams} teams -> {n}" for teams, n in counts.items())
        + ("  (same count)" if len(set(counts.values())) == 1 else "  (COUNT CHANGES WITH TEAMS)")
    )
    print(
        f"peak memory of this process (ru_maxrss): {max_rss_mb():.0f} MB; of the generating "
        f"children: {max_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB; total "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0 if worst <= TARGET_SECONDS and len(set(counts.values())) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
