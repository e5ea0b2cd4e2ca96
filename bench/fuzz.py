"""Fuzz: the CI fuzz test's strategies, for longer, counting every answer instead of stopping.

Sends `--examples` random signed requests on every surface (commands, clicks with known,
unknown and stale ids, view submissions with fields missing, odd events) and as many malformed
or badly signed ones to the real app over HTTP, against the fake Slack, on a fresh database
(SQLite by default, or a new database on `--database-url`'s PostgreSQL server).

Printed: answers by status for each kind, 5xx answers, failures logged (tracebacks), and
whether the malformed half changed the database (it must not). Exits 1 on any of those.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bench` importable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

from bench.support import argument_parser, fresh_database, print_table
from engagement.clock import ManualClock
from storage.db import make_engine
from storage.migrate import upgrade
from tests.conftest import START
from tests.support.app_harness import RunningApp, running_app
from tests.support.fuzzing import Request, malformed_bodies, signed_requests
from tests.test_fuzz import FAILURE_MARKS, fingerprint


class Tally(logging.Handler):
    """Counts log records that report a failure, without keeping their text."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.failures = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info or any(mark in message for mark in FAILURE_MARKS):
            self.failures += 1


def _fuzz(
    app: RunningApp,
    examples: int,
    strategy: SearchStrategy[Request],
    statuses: Counter[str],
    kind: str,
) -> None:
    @settings(
        max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(request=strategy)
    def one(request: Request) -> None:
        headers = {"Content-Type": request.content_type, **app.slack.sign(request.body)}
        statuses[f"{kind} {app.slack.raw(request.body, headers).status}"] += 1
        app.settle()

    one()


def main() -> int:
    parser = argument_parser(__doc__)
    parser.add_argument("--examples", type=int, default=20_000, help="per kind (default 20000)")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    tally = Tally()
    logging.getLogger().addHandler(tally)
    statuses: Counter[str] = Counter()
    started = time.monotonic()
    with fresh_database(args.database_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        with running_app(url, ManualClock(START)) as app:
            app.fake.clear_rate_limits()
            before = fingerprint(app)
            _fuzz(app, args.examples, malformed_bodies(), statuses, "malformed")
            unchanged = fingerprint(app) == before
            response_url = app.fake.new_response_url(channel_id="C0GENERAL", user_id="U04EMMA")
            _fuzz(app, args.examples, signed_requests(response_url), statuses, "signed")
    server_errors = sum(n for key, n in statuses.items() if key.split()[1].startswith("5"))
    print(f"fuzz: {sum(statuses.values())} requests in {time.monotonic() - started:.0f} s")
    rows: list[tuple[str, object]] = [(key, n) for key, n in sorted(statuses.items())]
    rows += [("5xx answers", server_errors), ("failures logged", tally.failures)]
    rows += [("malformed half left the database unchanged", "yes" if unchanged else "NO")]
    print_table([("answer", "<44"), ("count", ">8")], rows)
    return 1 if server_errors or tally.failures or not unchanged else 0


if __name__ == "__main__":
    raise SystemExit(main())
