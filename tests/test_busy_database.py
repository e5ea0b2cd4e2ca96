"""Fifty people at once, a rate-limited Slack and the weekly pulse going out: nobody is locked out.

Listeners wait on Slack (429s, Retry-After) outside any transaction, every write transaction is
short, and the connection pool is as large as the threads that may use it at once, so every
request is answered and the log never says "database is locked".
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text

from bot.app import LISTENER_WORKERS
from bot.wiring import SERVER_THREADS
from storage.db import CONCURRENT_THREADS
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import TUESDAY, make_team, run

PEOPLE = [
    "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA",
    "U08JAMES", "U09JAVIER", "U10NOAH", "U11LUCIA", "U12LIAM", "U13VALEN", "U14ETHAN",
    "U15MARTA", "U16PRIYA", "U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL",
    "U22ISABEL", "U23DANIEL", "U24CHLOE", "U25MATEO",
]  # fmt: skip
REQUESTS = 50


def test_the_pool_has_a_connection_for_every_thread_that_may_want_one() -> None:
    assert CONCURRENT_THREADS >= SERVER_THREADS + LISTENER_WORKERS + 8  # scheduler and senders


def _request(app: RunningApp, index: int, start: threading.Barrier) -> Any:
    person = PEOPLE[index % len(PEOPLE)]
    receiver = PEOPLE[(index + 1) % len(PEOPLE)]
    start.wait(10)
    kind = index % 4
    if kind == 0:
        return app.slack.slash_command(
            "/kudos", f"<@{receiver}> thanks for the busy day {index}", user_id=person,
            channel_id="C0GENERAL",
        )  # fmt: skip
    if kind == 1:
        text = f"<@{app.fake.bot_user_id}> <@{receiver}> thanks for the rush {index}"
        return app.slack.app_mention(person, text, "C0GENERAL")
    if kind == 2:
        return app.slack.slash_command("/aplauso", "help", user_id=person)
    return app.slack.app_home_opened(person)


def test_fifty_requests_and_the_pulse_job_at_once_are_all_answered(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.fake.set_rate_limit("chat.postMessage", per_minute=120, burst=10)
    app.fake.set_rate_limit("views.publish", per_minute=60, burst=5)
    make_team(app, "Everyone", "U01CARMEN", PEOPLE[1:])
    start = threading.Barrier(REQUESTS + 1)
    with caplog.at_level(logging.INFO), ThreadPoolExecutor(REQUESTS + 1) as pool:
        pulse = pool.submit(lambda: (start.wait(10), run(app, "pulse", TUESDAY.replace(hour=20))))
        answers = list(pool.map(lambda i: _request(app, i, start), range(REQUESTS)))
        pulse.result(timeout=120)
    app.settle()
    assert [a.status for a in answers] == [200] * REQUESTS
    assert (
        app.fake.rate_limited_count("chat.postMessage")
        + app.fake.rate_limited_count("views.publish")
        > 0
    ), "Slack never said 429: the test did not meet a rate-limited Slack"
    logged = caplog.text.lower()
    assert "database is locked" not in logged
    assert "queuepool limit" not in logged
    assert "listener failed" not in logged
    assert "request failed" not in logged


def test_people_thanking_each_other_at_the_same_moment_are_all_recorded(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    """Each kudos locks its giver; the receiver's foreign key check must not wait on a lock the
    other kudos holds (on PostgreSQL that was a deadlock, and one giver was told "not saved")."""
    pairs = [(PEOPLE[i], PEOPLE[i + 1]) for i in range(0, 8, 2)]
    start = threading.Barrier(len(pairs) * 8)

    def thank(giver: str, receiver: str, n: int) -> int:
        start.wait(10)
        text = f"<@{receiver}> thanks, round {n}"
        return app.slack.slash_command("/kudos", text, user_id=giver).status

    with caplog.at_level(logging.WARNING), ThreadPoolExecutor(len(pairs) * 8) as pool:
        jobs = [
            pool.submit(thank, giver, receiver, n)
            for a, b in pairs
            for giver, receiver in ((a, b), (b, a))
            for n in range(4)
        ]
        assert [job.result() for job in jobs] == [200] * len(jobs)
        app.settle()
    with app.database.engine.connect() as connection:
        recorded = connection.execute(text("SELECT count(*) FROM kudos")).scalar_one()
    assert recorded == len(jobs)
    assert "database unavailable" not in caplog.text
