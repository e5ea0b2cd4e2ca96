"""A request waiting on Slack holds no database lock, so nobody else waits behind it.

`/kudos @newcomer` in a large workspace reloads the whole directory from Slack (users.list,
page by page). Here Slack makes that crawl wait (a 429 with Retry-After), and meanwhile two
other people's commands must be answered and recorded as if nothing were happening.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from engagement.clock import ManualClock
from sandbox.slack_requests import SlackResponse
from tests.support.app_harness import RunningApp, running_app

EMMA, ANA, LUIS, NOAH = "U04EMMA", "U02ANA", "U03LUIS", "U10NOAH"
WORKSPACE_SIZE = 3000
SLACK_HOLDS_USERS_LIST = 4  # seconds of Retry-After on the directory crawl
PROMPTLY = 2.0  # seconds: well under the time the first request is stuck in Slack


def wait_for(condition: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s")


def reply_to(app: RunningApp, command: SlackResponse) -> list[dict[str, Any]]:
    url = command.sent["response_url"]
    return [c.params for c in app.fake.private_answers() if c.params["response_url"] == url]


def kudos_by(app: RunningApp, giver_id: str) -> list[tuple[str, ...]]:
    with app.database.unit_of_work() as uow:
        return [
            tuple(uow.kudos.receiver_ids(k.id or 0))
            for k in uow.kudos.recent_received(ANA) + uow.kudos.recent_received("UBULK02999")
            if k.giver_id == giver_id
        ]


def test_an_unknown_name_does_not_delay_anyone_elses_command(
    database_url: str, clock: ManualClock
) -> None:
    with running_app(database_url, clock) as app:
        for n in range(WORKSPACE_SIZE):
            app.fake.add_user(f"UBULK{n:05d}", f"person{n:05d}", tz="Europe/Madrid")
        app.fake.fail_next("users.list", retry_after=SLACK_HOLDS_USERS_LIST)

        first = app.slack.slash_command("/kudos", "@person02999 welcome aboard!", user_id=EMMA)
        assert first.status == 200
        wait_for(lambda: app.fake.calls_to("users.list"), timeout=5)  # stuck in Slack now

        started = time.monotonic()
        second = app.slack.slash_command("/kudos", f"<@{ANA}> thanks for the review", user_id=LUIS)
        opt_out = app.slack.slash_command("/aplauso", "pulse off", user_id=NOAH)
        wait_for(lambda: reply_to(app, second) and reply_to(app, opt_out), timeout=PROMPTLY)
        assert time.monotonic() - started < PROMPTLY

        assert kudos_by(app, LUIS) == [(ANA,)]  # recorded, not just answered
        assert "Undo" in str(reply_to(app, second))
        with app.database.unit_of_work() as uow:
            assert uow.pulse.is_opted_out(NOAH)
        assert kudos_by(app, EMMA) == []  # the first is still waiting on Slack
        assert len(app.fake.calls_to("users.list")) == 1

        app.settle()
        assert kudos_by(app, EMMA) == [("UBULK02999",)]  # and goes through once Slack answers
        assert len(app.fake.calls_to("users.list")) > WORKSPACE_SIZE // 200
