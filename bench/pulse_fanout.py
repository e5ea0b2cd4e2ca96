"""How long the weekly pulse takes to reach everyone, and whether it keeps to Slack's rate limit
without losing or doubling a DM.

Why: the `pulse` job DMs every member of every team once a week, one `chat.postMessage` each,
and Slack caps that method per workspace (the cap is not published) and at about one message a
second per channel. A sender that ignores the cap collects 429s and, through slack-sdk's retry
handler, sleeps at least a second per 429; one that is too slow on its own leaves the allowance
unused. Either way 10,000 people wait longer than they need to. And the exactly-once claims in
the database must hold when the job runs on two instances at once.

The script runs the real service, `PulseService.send_due`, with the real `SlackPulseMessenger` and
the real `make_web_client` (429, 5xx and connection retry handlers) with a `SlackThrottle` as
`bot.wiring` builds it, against the project's fake Slack on loopback with Slack's documented
tiers enforced and `chat.postMessage` capped at `--rate-per-minute` (token bucket, burst of one
second's allowance unless `--burst`, plus one message a second per DM channel). The fake runs
in a child process, as Slack runs elsewhere: it keeps every DM and call it sees (about 40-50 KB
per pulse DM), which would otherwise be counted in the job's memory, and its CPU would compete
with the job's for the interpreter lock. People and teams are written straight into a fresh
database (migrated by `open_database`), not fetched from `users.info`. The moment is a Tuesday
20:00 UTC, when everyone in the chosen zones is past the default pulse hour (Tuesday 10:00
local).

The throttle starts `chat.postMessage` at `--pace` a minute, twice the fake's cap unless told:
the app does not know Slack's cap and must learn it from the first 429s (`SlackThrottle.hold`).
`--pace 0` builds the client without a throttle, as the bench did before the throttle learned.

    .venv/bin/python bench/pulse_fanout.py                       # 10,000 people, 6000/min cap
    .venv/bin/python bench/pulse_fanout.py --people 500          # a quick check
    .venv/bin/python bench/pulse_fanout.py --workers 2           # two concurrent job runs
    .venv/bin/python bench/pulse_fanout.py --pace 0              # no throttle, for comparison
    .venv/bin/python bench/pulse_fanout.py \\
        --database-url postgresql+psycopg://aplauso:aplauso@127.0.0.1:5432/aplauso
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from functools import partial
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from bench.pulse_send import (
    METHOD,
    PER_CHANNEL_PER_SECOND,
    Measured,
    SendRun,
    fake_answer,
    measure_send,
    prepare_fake,
)
from bench.support import (
    DatabaseKind,
    FakeSlackProcess,
    argument_parser,
    database_kind,
    fresh_database,
    machine_line,
    max_rss_mb,
    percentile,
    run_in_child,
)
from bench.workloads.pulse_people import seed_in_child
from bot.config import Settings
from bot.wiring import open_database
from engagement.pulse import SEND_WORKERS

RETRY_SLEEP_SECONDS = 0.9  # a send this slow waited out a 429 (Retry-After >= 1 s)
MAX_EXAMPLES = 5
SEED_TIMEOUT_SECONDS = 300.0
SEND_SLACK_SECONDS = 600.0  # beyond the bucket's own time, before the run is declared hung


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The sizes and limits of the run; the burst defaults to one second's allowance."""
    parser = argument_parser(__doc__)
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
    parser.add_argument(
        "--pace",
        type=float,
        metavar="PER_MINUTE",
        help=f"{METHOD} pace the app's throttle starts from, for the workspace (default: twice "
        "--rate-per-minute, so it must learn the cap; 0: no throttle)",
    )
    parser.add_argument("--team-size", type=int, default=100, help="members per team")
    parser.add_argument(
        "--database-url",
        help="default: a fresh SQLite file; a PostgreSQL URL gets a fresh bench_* database",
    )
    parser.add_argument("--workers", type=int, default=1, help="concurrent runs of the pulse job")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations during the send (slows the loop about 2.5x)",
    )
    args = parser.parse_args(argv)
    if args.people < 1 or args.rate_per_minute <= 0 or args.workers < 1 or args.team_size < 1:
        parser.error("--people, --rate-per-minute, --workers and --team-size must be positive")
    if args.pace is None:
        args.pace = 2 * args.rate_per_minute
    elif args.pace < 0:
        parser.error("--pace must be 0 (no throttle) or positive")
    if args.burst is None:
        args.burst = max(1.0, args.rate_per_minute / 60)
    elif args.burst < 1:
        parser.error("--burst must be at least 1")
    return args


# -- the run ------------------------------------------------------------------------------


def bucket_floor(args: argparse.Namespace) -> float:
    """The least time the token bucket allows for everyone's DM: the yardstick for the wall time."""
    people: int = args.people
    burst: float = args.burst
    allowed: float = args.rate_per_minute / 60
    return max(0.0, (people - burst) / allowed)


def seed(url: str, args: argparse.Namespace) -> int:
    """Migrates and seeds the database in a spawned child (see `seed_in_child`); returns the
    number of teams."""
    return run_in_child(
        seed_in_child, url, args.people, args.team_size, timeout=SEED_TIMEOUT_SECONDS
    )


def print_setup(args: argparse.Namespace, teams: int, seeding: float) -> None:
    """What is about to be measured, printed before the send so a long run shows its setup."""
    print(
        f"pulse fan-out: {args.people} people in {teams} teams, {args.workers} "
        f"worker(s), {METHOD} capped at {args.rate_per_minute:g}/min "
        f"({args.rate_per_minute / 60:g}/s, burst {args.burst:g}) + "
        f"{PER_CHANNEL_PER_SECOND:g}/s per DM channel; other methods at Slack's documented tiers"
    )
    print(
        "  (Slack does not publish its workspace cap for chat.postMessage; it documents "
        "about 1 message/s per channel, which applies to each DM channel, so one DM "
        "per person never meets it)"
    )
    if args.pace > 0:
        print(
            f"the app's throttle: {METHOD} from {args.pace:g}/min ({args.pace / 60:g}/s) for "
            f"the workspace, a 1/{args.workers} share per worker, learning Slack's cap from 429s"
        )
    else:
        print("the app's throttle: none (--pace 0); every 429 sleeps in slack-sdk's handler")
    libraries = f"slack-sdk {version('slack-sdk')}", f"SQLAlchemy {version('sqlalchemy')}"
    print(machine_line(*libraries) + "; fake Slack in a child process")
    print(
        f"seeding (fake Slack start + migrations, people and teams in one transaction, "
        f"in a child process): {seeding:.1f} s"
    )


# -- the report ---------------------------------------------------------------------------


def print_outcome(args: argparse.Namespace, m: Measured, kind: str, rss_start: float) -> None:
    """How fast everyone got their DM, whether anyone got none or two, and at what memory."""
    ok_at: list[float] = m.fake["ok_at"]
    allowed = args.rate_per_minute / 60
    achieved = len(ok_at) / m.run.wall
    span = ok_at[-1] - ok_at[0] if len(ok_at) > 1 else 0.0
    print()
    print(
        f"wall time of the pulse job: {m.run.wall:.1f} s (the token bucket allows "
        f"{args.people} posts in {bucket_floor(args):.1f} s at best)"
    )
    print(
        f"achieved {METHOD} rate: {achieved:.1f}/s = {achieved / allowed:.1%} of the allowed "
        f"{allowed:g}/s ({len(ok_at)} ok posts / wall time; first to last ok post {span:.1f} s)"
    )
    print(f"DMs lost: {len(m.fake['lost'])}  (people the fake holds no DM for)")
    print(
        f"DMs duplicated: {len(m.fake['duplicated'])}  (people the fake holds more than one DM for)"
    )
    print(f"429s served: {m.fake['429']} for {METHOD}, {m.fake['429_other']} for other methods")
    print_throttles(args, m.run)
    print(
        f"peak memory of the job's process (ru_maxrss): {m.rss_sent:.0f} MB "
        f"({rss_start:.0f} MB at start, {m.rss_seeded:.0f} MB just before the send); "
        f"fake Slack process: {m.fake['max_rss_mb']:.0f} MB"
    )
    if args.tracemalloc:
        areas = ", ".join(f"{name} {mb:.1f} MB" for name, mb in m.traced.items())
        print(
            f"tracemalloc peak during the send: {m.traced_peak / 2**20:.1f} MB (this run's loop "
            f"is ~2.5x slower for it); still traced at the end: {areas}"
        )
    print(f"database: {kind}")


def print_throttles(args: argparse.Namespace, run: SendRun) -> None:
    """Where each worker's throttle started, what the 429s taught it, and when."""
    if not run.throttles:
        return
    learned = [throttle.pace(METHOD) for throttle in run.throttles]
    print(
        f"throttle pace of {METHOD}: from {args.pace:g}/min, at the end "
        + " + ".join(f"{pace:.0f}" for pace in learned)
        + f" = {sum(learned):.0f}/min ({sum(learned) / 60:.1f}/s; the cap is "
        f"{args.rate_per_minute / 60:g}/s)"
    )
    for index, throttle in enumerate(run.throttles):
        lessons = ", ".join(
            f"at {lesson.at:.1f} s {lesson.was / 60:.1f} -> {lesson.now / 60:.1f}/s"
            for lesson in throttle.lessons
        )
        print(
            f"  worker {index}: told of {throttle.holds} 429s; lessons: {lessons or 'none'}; "
            f"calls waited {throttle.waited:.1f} s in all in the throttle"
        )


def print_costs(args: argparse.Namespace, m: Measured) -> None:
    """Where each DM's time went, what the claims say, and what a second run did."""
    run, fake, sql = m.run, m.fake, m.sql
    slack = sorted(run.slack_seconds)
    retried = [s for s in slack if s >= RETRY_SLEEP_SECONDS]
    thread_seconds = run.wall * args.workers * SEND_WORKERS
    throttled = sum(throttle.waited for throttle in run.throttles)
    sent = max(1, run.sent)
    other = thread_seconds - sum(slack) - sql.seconds
    refused = ", ".join(f"{error} {n}" for error, n in fake["refused"].most_common()) or "none"
    print()
    print(
        f"job report: sent {run.sent}, skipped {run.skipped}, failed {run.failed}; claims in "
        "the database: " + ", ".join(f"{s} {n}" for s, n in sorted(m.statuses.items()))
    )
    for uid in fake["lost"][:MAX_EXAMPLES]:
        print(f"  lost {uid}: {m.not_sent.get(uid, 'no claim')}")
    for uid, count in list(fake["duplicated"].items())[:MAX_EXAMPLES]:
        print(f"  duplicated {uid}: {count} DMs")
    print(
        f"{METHOD} calls: {fake['posts']} ({len(fake['ok_at'])} ok; refused: {refused}); sends "
        f"that waited out a 429 (in the throttle's hold, or without one in slack-sdk's sleep): "
        f"{len(retried)}, {sum(retried):.1f} s in all"
    )
    print(
        f"per DM, per sending thread ({args.workers} x {SEND_WORKERS}): "
        f"{thread_seconds / sent * 1000:.2f} ms = Slack call "
        f"{sum(slack) / sent * 1000:.2f} ms (p50 {percentile(slack, 0.5) * 1000:.2f}, "
        f"p99 {percentile(slack, 0.99) * 1000:.2f}, max {slack[-1] * 1000 if slack else 0:.0f}; "
        f"of it waiting in the throttle {throttled / sent * 1000:.2f}) "
        f"+ SQL execute {sql.seconds / sent * 1000:.2f} ms ({sql.statements / sent:.1f} "
        f"statements, {sql.commits / sent:.1f} commits) + the rest (ORM, commits, "
        f"message building, Python, waiting for the interpreter lock) "
        f"{other / sent * 1000:.2f} ms"
    )
    own, machine = m.cpu.own, m.cpu.machine
    print(
        f"cpu during the send, in cores: job process {own / run.wall:.2f}, fake Slack "
        f"{m.cpu_fake / run.wall:.2f}, rest of the machine "
        f"{max(0.0, (machine - own - m.cpu_fake) / run.wall):.2f}"
    )
    print()
    print(
        f"second run of the pulse job: sent {m.again.sent}, skipped {m.again.skipped}, "
        f"failed {m.again.failed}, {m.posts_again} {METHOD} calls, {m.again_wall:.2f} s"
    )


def describe(kind: DatabaseKind) -> str:
    """This bench's wording of the database line."""
    if kind.dialect == "sqlite":
        return f"sqlite {kind.version_info} (file, journal {kind.journal})"
    return f"{kind.dialect} {kind.version_info} at {kind.address}"


def main(argv: Sequence[str] | None = None) -> int:
    """Seeds, sends, reports; exits 1 if a DM was lost, doubled or sent again."""
    args = parse_args(argv)
    rss_start = max_rss_mb()
    seeding = time.perf_counter()
    prepare = partial(
        prepare_fake, people=args.people, per_minute=args.rate_per_minute, burst=args.burst
    )
    with (
        fresh_database(args.database_url) as url,
        FakeSlackProcess(prepare, partial(fake_answer, people=args.people)) as fake,
    ):
        settings = Settings(
            slack_bot_token=fake.bot_token,
            slack_signing_secret="x",
            slack_api_url=fake.api_url,
            database_url=url,
        )
        teams = seed(url, args)
        seeding = time.perf_counter() - seeding
        database = open_database(settings)
        try:
            kind = describe(database_kind(database.engine))
            print_setup(args, teams, seeding)
            bound = bucket_floor(args) + SEND_SLACK_SECONDS
            measured = measure_send(
                database,
                settings,
                fake,
                workers=args.workers,
                bound=bound,
                pace=args.pace,
                trace=args.tracemalloc,
            )
        finally:
            database.dispose()
    print_outcome(args, measured, kind, rss_start)
    print_costs(args, measured)
    healthy = (
        not measured.fake["lost"]
        and not measured.fake["duplicated"]
        and measured.again.sent == 0
        and measured.posts_again == 0
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
