"""Soak: a real `aplauso serve` (scheduler on) under steady mixed traffic while Slack falters.

For `--minutes` (default 30) signed requests arrive open-loop at `--rate` per second (default
50): /kudos, @mentions, /aplauso help, App Home opens. Every 15 s the fake Slack is told to fail
some calls (503s, 429s, dropped connections, slow answers, a post that lands but answers 500),
and every minute `aplauso jobs run pulse` and `digest` run in their own processes for a new
week beside the server's own scheduler, as a second instance would. Slack's standing rate
limits are off (the app is measured, not Slack's tiers); 429s arrive as injected faults.

Printed at the end: the resident memory of `serve` and its gunicorn workers at minute 5 (or at
a sixth of a shorter run) and at the end, error responses (5xx, and no answer at all), latency p50/p99, and whether every
pulse and digest landed once: messages are grouped by their Slack metadata (person and week).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from cryptography.fernet import Fernet

from bench.support import REPO_ROOT, argument_parser, fresh_database, percentile, print_table
from bot.config import Settings
from bot.wiring import build_runtime, open_database
from engagement.teams import TeamSpec
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient

SECRET = "soak-signing-secret"
PEOPLE = [
    "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA",
    "U08JAMES", "U09JAVIER", "U10NOAH", "U11LUCIA", "U12LIAM", "U13VALEN", "U14ETHAN",
]  # fmt: skip
FIRST_WEEK = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # a Tuesday evening: pulse time
READY_TIMEOUT_SECONDS = 60.0
SENDERS = 24


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    slow_by_minute: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, minute: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if seconds > 1.0:
                self.slow_by_minute[minute] += 1


def _rss_kb(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0  # ended meanwhile
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)


def tree_rss_mb(pid: int) -> tuple[float, int]:
    """Resident memory of `serve` and every process under it (gunicorn workers), and how many."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {pid}, True
    while grew:
        children = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(_rss_kb(member) for member in tree) / 1024, len(tree)


def prepare(url: str, fake: FakeSlack, key: str) -> None:
    """Migrations, two teams and a daily kudos limit the traffic will not reach."""
    settings = Settings(
        slack_bot_token=fake.bot_token, slack_api_url=fake.api_url, database_url=url,
        slack_signing_secret=SECRET, secret_key=key,
    )  # fmt: skip
    database = open_database(settings)
    runtime = build_runtime(settings, database)
    runtime.services.teams.set_team(TeamSpec("Ops", "U01CARMEN", PEOPLE[1:8]))
    runtime.services.teams.set_team(TeamSpec("Sales", "U04EMMA", PEOPLE[8:]))
    with database.unit_of_work() as uow:
        uow.settings.get().kudos_daily_limit = 1_000_000
    runtime.executor.shutdown(wait=True)
    database.dispose()


def environment(url: str, fake: FakeSlack, key: str, port: int) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "APLAUSO_"))}
    return {
        **keep, "DATABASE_URL": url, "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "APLAUSO_SECRET_KEY": key, "PORT": str(port), "APLAUSO_LOG_LEVEL": "WARNING",
        "APLAUSO_SLACK_THROTTLE": "off",  # the fake has no limits: 429s come as faults
    }  # fmt: skip


def wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"serve exited with {server.returncode} before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("serve did not answer /healthz in time")


def one_request(slack: SignedSlackClient, index: int, bot_user_id: str) -> int:
    person, receiver = PEOPLE[index % len(PEOPLE)], PEOPLE[(index * 7 + 3) % len(PEOPLE)]
    if receiver == person:
        receiver = PEOPLE[(index + 1) % len(PEOPLE)]
    kind = index % 5
    if kind in (0, 1):
        words = f"<@{receiver}> thanks for the help #{('helpful', 'timely')[kind]} {index}"
        return slack.slash_command("/kudos", words, user_id=person, channel_id="C0GENERAL").status
    if kind == 2:
        words = f"<@{bot_user_id}> <@{receiver}> thanks, {index}"
        return slack.app_mention(person, words, "C0GENERAL").status
    if kind == 3:
        return slack.slash_command("/aplauso", "help", user_id=person).status
    return slack.app_home_opened(person).status


def traffic(slack: SignedSlackClient, fake: FakeSlack, rate: float, seconds: float) -> Results:
    """Open loop: request i is sent at start + i / rate, whatever earlier ones are doing."""
    results = Results()
    start = time.monotonic()

    def send(index: int) -> None:
        time.sleep(max(0.0, start + index / rate - time.monotonic()))
        sent = time.monotonic()
        try:
            status = one_request(slack, index, fake.bot_user_id)
        except OSError:
            status = 0  # no answer at all
        results.add(status, time.monotonic() - sent, int((sent - start) // 60))

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(send, range(int(rate * seconds))))
    return results


FAULTS = [
    lambda fake: fake.fail_next("chat.postMessage", status=503, times=3),
    lambda fake: fake.fail_next("views.publish", status=429, retry_after=1, times=2),
    lambda fake: fake.reset_next("conversations.open", times=2),
    lambda fake: fake.delay_next("chat.postMessage", 2.0, times=2),
    lambda fake: fake.accept_then_fail_next("chat.postMessage", status=500),
    lambda fake: fake.fail_next("users.info", status=502, times=2),
]


def background(fake: FakeSlack, env: dict[str, str], stop: threading.Event, log: Path) -> int:
    """Faults every 15 s; a pulse and a digest run for a new week every minute."""
    tick, weeks = 0, 0
    with log.open("ab") as out:
        while not stop.wait(15):
            FAULTS[tick % len(FAULTS)](fake)
            tick += 1
            if tick % 4 == 0:
                moment = FIRST_WEEK + timedelta(weeks=weeks)
                weeks += 1
                for job, at in (("pulse", moment), ("digest", moment + timedelta(days=6))):
                    command = [
                        sys.executable,
                        "-m",
                        "bot",
                        "jobs",
                        "run",
                        job,
                        "--at",
                        at.isoformat(),
                    ]
                    subprocess.run(command, env=env, cwd=REPO_ROOT, stdout=out, stderr=out, timeout=300, check=False)  # fmt: skip
    return weeks


def deliveries(fake: FakeSlack) -> tuple[int, int]:
    """(messages carrying pulse or digest metadata, of which repeats of the same person-week)."""
    seen: Counter[str] = Counter()
    for person in PEOPLE:
        for message in fake.dm_messages(person):
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") in ("aplauso_pulse", "aplauso_digest"):
                payload = json.dumps(metadata.get("event_payload"), sort_keys=True)
                seen[f"{person} {metadata['event_type']} {payload}"] += 1
    return sum(seen.values()), sum(count - 1 for count in seen.values())


def run(minutes: float, rate: float, database_url: str | None) -> None:
    key = Fernet.generate_key().decode()
    fake_slack = FakeSlack(rate_limits=False)  # the app is measured; 429s come as faults
    with (
        fresh_database(database_url) as url,
        fake_slack as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        demo_workspace.seed(fake)
        prepare(url, fake, key)
        port = _free_port()
        env = environment(url, fake, key, port)
        log = Path(tmp) / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp, stdout=out, stderr=out)  # fmt: skip
        try:
            wait_ready(port, server)
            figures = _measure(fake, env, server, minutes, rate, log, port)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                print("serve did not stop within 60 s of SIGTERM; killed", file=sys.stderr)
            if server.returncode != 0:
                print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        _report(figures, log, fake, minutes, rate)


def _measure(fake: FakeSlack, env: dict[str, str], server: subprocess.Popen[bytes],
             minutes: float, rate: float, log: Path, port: int) -> dict[str, Any]:  # fmt: skip
    slack = SignedSlackClient(f"http://127.0.0.1:{port}", SECRET, fake=fake, timeout=30)
    stop = threading.Event()
    mark = min(5.0, minutes / 6) * 60
    memory: dict[str, float] = {}

    def watch_memory() -> None:
        if not stop.wait(mark):
            memory["mark"], memory["processes"] = tree_rss_mb(server.pid)

    watcher = threading.Thread(target=watch_memory, daemon=True)
    watcher.start()
    jobs = ThreadPoolExecutor(1).submit(background, fake, env, stop, log)
    started = time.monotonic()
    results = traffic(slack, fake, rate, minutes * 60)
    memory["end"], _ = tree_rss_mb(server.pid)
    elapsed = time.monotonic() - started
    stop.set()
    return {
        "results": results,
        "memory": memory,
        "mark": mark,
        "weeks": jobs.result(),
        "elapsed": elapsed,
    }


def _report(
    figures: dict[str, Any], log: Path, fake: FakeSlack, minutes: float, rate: float
) -> None:
    results: Results = figures["results"]
    ordered = sorted(results.latencies)
    errors = sum(n for status, n in results.statuses.items() if status >= 500 or status == 0)
    landed, repeats = deliveries(fake)
    text = log.read_text(errors="replace")
    print(
        f"soak: {minutes:g} min at {rate:g} req/s, {sum(results.statuses.values())} requests in {figures['elapsed']:.0f} s"
    )
    print_table(
        [("figure", "<44"), ("value", ">14")],
        [
            (
                f"serve RSS at minute {figures['mark'] / 60:.1f} (MB, "
                f"{figures['memory'].get('processes', 0):.0f} processes)",
                f"{figures['memory'].get('mark', float('nan')):.1f}",
            ),
            ("serve RSS at the end (MB, same processes)", f"{figures['memory']['end']:.1f}"),
            (
                "answers by status",
                " ".join(f"{s}:{n}" for s, n in sorted(results.statuses.items())),
            ),
            ("error responses (5xx or none)", str(errors)),
            ("latency p50 (ms)", f"{percentile(ordered, 0.50) * 1000:.1f}"),
            ("latency p99 (ms)", f"{percentile(ordered, 0.99) * 1000:.1f}"),
            (
                "answers slower than 1 s, by minute",
                " ".join(f"{m}:{n}" for m, n in sorted(results.slow_by_minute.items())) or "none",
            ),
            ("job weeks run beside the scheduler", str(figures["weeks"])),
            ("pulse/digest messages landed", str(landed)),
            ("  of which repeats (should be 0)", str(repeats)),
            ("Slack 429s answered by the fake", str(sum(fake.rate_limited.values()))),
            ("'database is locked' in the log", str(text.count("database is locked"))),
            ("tracebacks in the log", str(text.count("Traceback"))),
        ],
    )


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argument_parser(__doc__)
    parser.add_argument("--minutes", type=float, default=30.0, help="how long (default 30)")
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second (default 50)")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    run(args.minutes, args.rate, args.database_url)


if __name__ == "__main__":
    main()
