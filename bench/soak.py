"""Soak: a real `aplauso serve` (scheduler on) under steady mixed traffic while Slack falters.

For `--minutes` (default 30) signed requests arrive open-loop at `--rate` per second (default
50): /kudos, @mentions, pulse clicks, anonymous /feedback, /aplauso help and App Home opens
(see `MIX`). Every 15 s the fake Slack is told to fail
some calls (503s, 429s, dropped connections, slow answers, a post that lands but answers 500),
and every minute `aplauso jobs run pulse` and `digest` run in their own processes for a new
week beside the server's own scheduler, as a second instance would. Slack's standing rate
limits are off (the app is measured, not Slack's tiers); 429s arrive as injected faults.

Processes: the fake Slack in its own (`FakeSlackProcess`), which also builds each minute's
requests with the tokens it will honour; the load in another (`bench/loadgen.py`, one run a
minute, open loop, latency from each request's due time, the next minute's requests built
while this one is sent); `serve` and the jobs in theirs. None shares an interpreter lock with
another, so the latency is the app's, not a crowded load generator's.

Printed at the end: the resident memory of `serve` and its gunicorn workers at minute 5 (or at
a sixth of a shorter run) and at the end, error responses (5xx, and no answer at all), latency
p50/p99, and whether every pulse and digest landed once: messages are grouped by their Slack
metadata (person and week).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from bench.support import (
    REPO_ROOT,
    FakeSlackProcess,
    LoadPlan,
    argument_parser,
    fresh_database,
    percentile,
    print_table,
    run_loadgen,
)
from bot.config import Settings
from bot.views import feedback_modal as forms
from bot.views.pulse import SCORE_ACTION_PREFIX
from bot.wiring import build_runtime, open_database
from engagement.teams import TeamSpec
from sandbox import demo_workspace
from sandbox.demo_steps import checked_state, select_state, text_state
from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import RequestRecorder, SlackKit

SECRET = "soak-signing-secret"
PEOPLE = [
    "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA",
    "U08JAMES", "U09JAVIER", "U10NOAH", "U11LUCIA", "U12LIAM", "U13VALEN", "U14ETHAN",
]  # fmt: skip
FIRST_WEEK = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # a Tuesday evening: pulse time
READY_TIMEOUT_SECONDS = 60.0
SENDERS = 24
CHUNK_SECONDS = 60


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    slow_by_minute: Counter[int] = field(default_factory=Counter)
    by_minute: dict[int, list[float]] = field(default_factory=dict)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    send_lags: list[float] = field(default_factory=list)
    raw: list[tuple[float, str, float, float | None, float | None, int]] = field(
        default_factory=list
    )

    def add(self, kind: str, status: int, seconds: float, minute: int) -> None:
        self.statuses[status] += 1
        self.kinds[kind] += 1
        self.latencies.append(seconds)
        self.by_minute.setdefault(minute, []).append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)
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


def prepare_database(url: str, api_url: str, bot_token: str, key: str) -> tuple[int, ...]:
    """Migrations, two teams (their ids returned) and daily kudos and feedback limits the
    traffic will not reach."""
    settings = Settings(
        slack_bot_token=bot_token, slack_api_url=api_url, database_url=url,
        slack_signing_secret=SECRET, secret_key=key,
    )  # fmt: skip
    database = open_database(settings)
    runtime = build_runtime(settings, database)
    runtime.services.teams.set_team(TeamSpec("Ops", "U01CARMEN", PEOPLE[1:8]))
    runtime.services.teams.set_team(TeamSpec("Sales", "U04EMMA", PEOPLE[8:]))
    with database.unit_of_work() as uow:
        limits = uow.settings.get()
        limits.kudos_daily_limit = limits.feedback_daily_limit = 1_000_000
        teams = tuple(team.id for team in uow.teams.all() if team.id is not None)
    runtime.executor.shutdown(wait=True)
    database.dispose()
    return teams


def environment(url: str, fake: FakeSlackProcess, key: str, port: int) -> dict[str, str]:
    """INFO: the server's log then times each answer and each run of its scheduler's jobs,
    so a slow minute can be matched with what ran in it."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "APLAUSO_"))}
    return {
        **keep, "DATABASE_URL": url, "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.api_url,
        "APLAUSO_SECRET_KEY": key, "PORT": str(port), "APLAUSO_LOG_LEVEL": "INFO",
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


EXTRA_PEOPLE = [f"US{index:05d}" for index in range(300)]
"""Givers outside the teams (no pulse), so each person's share of the kudos stays plausible."""
GIVERS = PEOPLE + EXTRA_PEOPLE
MIX = ("kudos",) * 8 + ("mention",) * 2 + ("pulse",) * 4 + ("feedback", "help") + ("home",) * 4
"""Twenty requests in turn: 40 % /kudos, 10 % @mentions, 20 % pulse clicks, 5 % /feedback
(every other turn; /aplauso help otherwise) and help, 20 % App Home opens."""


@dataclass(frozen=True)
class Mix:
    """What a minute's requests need to know besides their index."""

    bot_user_id: str
    teams: tuple[int, ...]
    pulses: dict[str, dict[str, Any]]  # person -> their newest pulse message


def kind_of(index: int) -> str:
    kind = MIX[index % len(MIX)]
    if kind == "feedback" and index % (2 * len(MIX)) >= len(MIX):
        return "help"
    return kind


def one_request(slack: SlackKit, index: int, mix: Mix) -> str:
    """The index-th request of the mix; returns its kind (a pulse click with no pulse out yet
    is an App Home open)."""
    person = GIVERS[index % len(GIVERS)]
    receiver = GIVERS[(index * 7 + 3) % len(GIVERS)]
    if receiver == person:
        receiver = GIVERS[(index + 1) % len(GIVERS)]
    kind = kind_of(index)
    if kind == "pulse":
        teammate = PEOPLE[index % len(PEOPLE)]
        if teammate in mix.pulses:
            click_pulse(slack, teammate, mix.pulses[teammate], index)
            return kind
        kind = "home"
    if kind == "kudos":
        words = f"<@{receiver}> thanks for the help #{('helpful', 'timely')[index % 2]} {index}"
        slack.slash_command("/kudos", words, user_id=person, channel_id="C0GENERAL")
    elif kind == "mention":
        slack.app_mention(
            person, f"<@{mix.bot_user_id}> <@{receiver}> thanks, {index}", "C0GENERAL"
        )
    elif kind == "feedback":
        send_feedback(slack, person, mix.teams[index % len(mix.teams)], index)
    elif kind == "help":
        slack.slash_command("/aplauso", "help", user_id=person)
    else:
        slack.app_home_opened(person)
    return kind


def click_pulse(slack: SlackKit, person: str, message: dict[str, Any], index: int) -> None:
    """A score on one of the pulse's questions (often one already answered: a second click)."""
    buttons = [
        (block["block_id"], element)
        for block in message.get("blocks") or []
        if str(block.get("block_id", "")).startswith("a_")
        for element in block.get("elements") or []
        if str(element.get("action_id", "")).startswith(SCORE_ACTION_PREFIX)
    ]
    block_id, button = buttons[index % len(buttons)]
    slack.block_action(
        button["action_id"], user_id=person, value=button["value"], block_id=block_id,
        message=message,
    )  # fmt: skip


def send_feedback(slack: SlackKit, person: str, team_id: int, index: int) -> None:
    """The /feedback form submitted, anonymous, to a team's manager."""
    slack.view_submission(
        forms.FEEDBACK_MODAL,
        user_id=person,
        view_id=f"VSOAK{index}",
        private_metadata=json.dumps({"channel": None}),
        state_values={
            forms.TEAM_BLOCK: {forms.TEAM_ACTION: select_state(str(team_id))},
            forms.KIND_BLOCK: {forms.KIND_ACTION: select_state("idea")},
            forms.TEXT_BLOCK: {forms.TEXT_ACTION: text_state(f"An idea for the team, {index}")},
            forms.OPTIONS_BLOCK: {forms.OPTIONS_ACTION: checked_state([forms.ANONYMOUS_OPTION])},
        },
    )


FAULTS = [
    lambda fake: fake.fail_next("chat.postMessage", status=503, times=3),
    lambda fake: fake.fail_next("views.publish", status=429, retry_after=1, times=2),
    lambda fake: fake.reset_next("conversations.open", times=2),
    lambda fake: fake.delay_next("chat.postMessage", 2.0, times=2),
    lambda fake: fake.accept_then_fail_next("chat.postMessage", status=500),
    lambda fake: fake.fail_next("users.info", status=502, times=2),
]


def prepare_fake(fake: FakeSlack) -> None:
    """The demo workspace and the extra givers; no standing rate limits (429s come as faults)."""
    fake.clear_rate_limits()
    demo_workspace.seed(fake)
    for person in EXTRA_PEOPLE:
        fake.add_user(person, person.lower(), tz="Europe/Madrid")


def newest_pulses(fake: FakeSlack) -> dict[str, dict[str, Any]]:
    """Each teammate's newest pulse message in their DM (what they would click on)."""
    pulses: dict[str, dict[str, Any]] = {}
    for person in PEOPLE:
        for message in reversed(fake.dm_messages(person)):
            if (message.get("metadata") or {}).get("event_type") == "aplauso_pulse":
                pulses[person] = message
                break
    return pulses


def answer_fake(fake: FakeSlack, command: str) -> dict[str, Any]:
    """In the fake's process: `bodies START COUNT TEAM...` (requests it will honour the tokens
    of, with their kinds), `fault K` (the K-th fault of the cycle) and `report` (deliveries
    and 429s)."""
    words = command.split()
    if words[0] == "bodies":
        recorder = RequestRecorder(fake)
        mix = Mix(fake.bot_user_id, tuple(int(w) for w in words[3:]), newest_pulses(fake))
        kinds = [
            one_request(recorder, index, mix)
            for index in range(int(words[1]), int(words[1]) + int(words[2]))
        ]
        return {"bodies": [list(pair) for pair in recorder.recorded], "kinds": kinds}
    if words[0] == "fault":
        FAULTS[int(words[1]) % len(FAULTS)](fake)
        return {}
    landed, repeats = deliveries(fake)
    return {"landed": landed, "repeats": repeats, "rate_limited": sum(fake.rate_limited.values())}


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


def background(
    fake: FakeSlackProcess, env: dict[str, str], stop: threading.Event, log: Path
) -> int:
    """Faults every 15 s; a pulse and a digest run for a new week every minute."""
    tick, weeks = 0, 0
    with log.open("ab") as out:
        while not stop.wait(15):
            fake.ask(f"fault {tick}")
            tick += 1
            if tick % 4 == 0:
                moment = FIRST_WEEK + timedelta(weeks=weeks)
                weeks += 1
                for job, at in (("pulse", moment), ("digest", moment + timedelta(days=6))):
                    command = [sys.executable, "-m", "bot", "jobs", "run", job, "--at", at.isoformat()]  # fmt: skip
                    began = time.time()
                    subprocess.run(command, env=env, cwd=REPO_ROOT, stdout=out, stderr=out, timeout=300, check=False)  # fmt: skip
                    out.write(
                        f"soak: jobs run {job} from {began:.1f} to {time.time():.1f}\n".encode()
                    )
                    out.flush()
    return weeks


def traffic(
    fake: FakeSlackProcess, port: int, load: tuple[float, float, tuple[int, ...]], workdir: Path
) -> Results:
    """Minute after minute, open loop; the next minute's requests are built meanwhile."""
    rate, seconds, teams = load
    results = Results()
    per_chunk = int(rate * CHUNK_SECONDS)
    total = int(rate * seconds)
    team_words = " ".join(str(team) for team in teams)
    with ThreadPoolExecutor(1) as builder:
        ask = lambda start: fake.ask(f"bodies {start} {min(per_chunk, total - start)} {team_words}")  # noqa: E731
        upcoming: Future[dict[str, Any]] = builder.submit(ask, 0)
        for minute, start in enumerate(range(0, total, per_chunk)):
            built = upcoming.result()
            if start + per_chunk < total:
                upcoming = builder.submit(ask, start + per_chunk)
            plan = LoadPlan(port, SECRET, built["bodies"], rate, SENDERS, 30.0, 30.0)
            began = time.time()
            samples = run_loadgen(plan, workdir)
            for kind, (sched, sent, done, status, _error) in zip(
                built["kinds"], samples, strict=True
            ):
                latency = (done - sched) if sent is not None and status else float("inf")
                results.add(kind, status, latency, minute)
                results.raw.append((began, kind, sched, sent, done, status))
                if sent is not None:
                    results.send_lags.append(sent - sched)
    return results


def run(minutes: float, rate: float, database_url: str | None, samples_path: str | None) -> None:
    key = Fernet.generate_key().decode()
    with (
        fresh_database(database_url) as url,
        FakeSlackProcess(prepare_fake, answer_fake) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        teams = prepare_database(url, fake.api_url, fake.bot_token, key)
        port = _free_port()
        env = environment(url, fake, key, port)
        log = Path(tmp) / "serve.log"
        with log.open("ab") as out:  # append: the jobs write to it too, never over it
            server = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=tmp, stdout=out, stderr=out)  # fmt: skip
        try:
            wait_ready(port, server)
            figures = _measure(fake, env, server, (minutes, rate, teams), log, Path(tmp))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                print("serve did not stop within 60 s of SIGTERM; killed", file=sys.stderr)
            if server.returncode != 0:
                print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        _report(figures, log, {**fake.ask("report"), **stored(url)}, minutes, rate)
        if samples_path:
            Path(samples_path).write_text(json.dumps(figures["results"].raw))
        kept = Path(tempfile.gettempdir()) / "aplauso-soak-serve.log"
        shutil.copyfile(log, kept)
        print(f"the log of serve and the jobs: {kept}")


def _measure(fake: FakeSlackProcess, env: dict[str, str], server: subprocess.Popen[bytes],
             load: tuple[float, float, tuple[int, ...]], log: Path, workdir: Path) -> dict[str, Any]:  # fmt: skip
    minutes, rate, teams = load
    stop = threading.Event()
    mark = min(5.0, minutes / 6) * 60
    memory: dict[str, float] = {}
    by_minute: list[float] = []

    def watch_memory() -> None:
        """The mark, and every minute (to tell a leak, which keeps growing, from warming up)."""
        started = time.monotonic()
        moments = sorted({mark, *(60.0 * m for m in range(1, int(minutes) + 1))})
        for moment in moments:
            if stop.wait(max(0.0, started + moment - time.monotonic())):
                return
            rss, processes = tree_rss_mb(server.pid)
            if moment == mark:
                memory["mark"], memory["processes"] = rss, processes
            if moment % 60 == 0:
                by_minute.append(rss)

    watcher = threading.Thread(target=watch_memory, daemon=True)
    watcher.start()
    jobs = ThreadPoolExecutor(1).submit(background, fake, env, stop, log)
    started = time.monotonic()
    results = traffic(fake, int(env["PORT"]), (rate, minutes * 60, teams), workdir)
    memory["end"], _ = tree_rss_mb(server.pid)
    elapsed = time.monotonic() - started
    stop.set()
    return {
        "results": results,
        "memory": memory,
        "rss_by_minute": by_minute,
        "mark": mark,
        "weeks": jobs.result(),
        "elapsed": elapsed,
    }


def _report(
    figures: dict[str, Any], log: Path, report: dict[str, Any], minutes: float, rate: float
) -> None:
    results: Results = figures["results"]
    ordered = sorted(results.latencies)
    errors = sum(n for status, n in results.statuses.items() if status >= 500 or status == 0)
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
                "RSS by minute (MB)",
                " ".join(f"{m + 1}:{rss:.0f}" for m, rss in enumerate(figures["rss_by_minute"])),
            ),
            (
                "answers by status",
                " ".join(f"{s}:{n}" for s, n in sorted(results.statuses.items())),
            ),
            ("error responses (5xx or none)", str(errors)),
            ("latency p50 (ms, from the due time)", f"{percentile(ordered, 0.50) * 1000:.1f}"),
            ("latency p99 (ms, from the due time)", f"{percentile(ordered, 0.99) * 1000:.1f}"),
            (
                "  of it waited before sending (24 senders), p99 ms",
                f"{percentile(sorted(results.send_lags), 0.99) * 1000:.1f}",
            ),
            (
                "answers slower than 1 s, by minute",
                " ".join(f"{m}:{n}" for m, n in sorted(results.slow_by_minute.items())) or "none",
            ),
            (
                "p99 by minute (ms)",
                " ".join(
                    f"{m}:{percentile(sorted(v), 0.99) * 1000:.0f}"
                    for m, v in sorted(results.by_minute.items())
                ),
            ),
            *(
                (f"  {kind}: count, p99 (ms)", f"{len(v)} {percentile(sorted(v), 0.99) * 1000:.1f}")
                for kind, v in sorted(results.by_kind.items())
            ),
            (
                "kudos recorded / sent (/kudos and @mentions)",
                f"{report['kudos']} / {results.kinds['kudos'] + results.kinds['mention']}",
            ),
            (
                "anonymous feedback stored / sent",
                f"{report['feedback']} / {results.kinds['feedback']}",
            ),
            ("job weeks run beside the scheduler", str(figures["weeks"])),
            ("pulse/digest messages landed", str(report["landed"])),
            ("  of which repeats (should be 0)", str(report["repeats"])),
            ("Slack 429s answered by the fake", str(report["rate_limited"])),
            ("fake Slack CPU (s)", f"{report['cpu']:.1f}"),
            ("'database is locked' in the log", str(text.count("database is locked"))),
            ("tracebacks in the log", str(text.count("Traceback"))),
            *slow_transactions(text),
        ],
    )
    grown = figures["memory"]["end"] / figures["memory"].get("mark", float("nan")) - 1
    p99 = percentile(ordered, 0.99) * 1000
    print(
        f"goals: resident memory within 10 % of minute 5: {grown:+.0%} ({'met' if grown <= 0.10 else 'NOT met'}); "
        f"p99 < 100 ms: {'met' if p99 < 100 else 'NOT met'}; no error responses: "
        f"{'met' if errors == 0 else 'NOT met'}; every delivery once: {'met' if report['repeats'] == 0 else 'NOT met'}"
    )


def slow_transactions(text: str) -> list[tuple[str, str]]:
    """Transactions the app logged as slow (storage/db.py), by where they were opened:
    a writing one holds SQLite's write lock, so every request waits behind it."""
    found: dict[str, list[float]] = {}
    for match in re.finditer(r"slow (\w+) transaction: held ([\d.]+) s .*? in (.+)", text):
        found.setdefault(f"{match[1]} {match[3]}", []).append(float(match[2]))
    rows = [("slow transactions (held over 1 s) logged", str(sum(len(v) for v in found.values())))]
    for where, took in sorted(found.items(), key=lambda item: -max(item[1]))[:8]:
        rows.append((f"  {where[:60]}", f"{len(took)}x max {max(took):.1f} s"))
    waits: dict[str, list[float]] = {}
    for match in re.finditer(r"waited ([\d.]+) s for the write lock .*? in (.+)", text):
        waits.setdefault(match[2], []).append(float(match[1]))
    rows.append(("waits over 1 s for the write lock", str(sum(len(v) for v in waits.values()))))
    for where, took in sorted(waits.items(), key=lambda item: -max(item[1]))[:8]:
        rows.append((f"  {where[:60]}", f"{len(took)}x max {max(took):.1f} s"))
    gave_up: dict[str, int] = {}
    for match in re.finditer(r"gave up: waited [\d.]+ s for the write lock in (.+)", text):
        gave_up[match[1]] = gave_up.get(match[1], 0) + 1
    rows.append(("writers that gave up waiting (refused)", str(sum(gave_up.values()))))
    rows += [(f"  {where[:60]}", f"{n}x") for where, n in sorted(gave_up.items())[:8]]
    return rows


def stored(url: str) -> dict[str, int]:
    """What the database holds at the end: kudos and feedback threads."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            kudos = connection.execute(text("SELECT count(*) FROM kudos")).scalar_one()
            feedback = connection.execute(
                text("SELECT count(*) FROM feedback_threads")
            ).scalar_one()
            return {"kudos": int(kudos), "feedback": int(feedback)}
    finally:
        engine.dispose()


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
    parser.add_argument(
        "--samples",
        help="also write every request's [wall start of its minute, kind, due, sent, done, status] here",
    )
    args = parser.parse_args()
    run(args.minutes, args.rate, args.database_url, args.samples)


if __name__ == "__main__":
    main()
