"""One allowance of Slack calls per process: jobs and listeners share Slack's per-method limits
instead of each finding them through 429s, and the listeners keep a reserve for people."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from bot.slack_throttle import BACKGROUND_RESERVE, SlackThrottle, per_minute
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import EMMA, make_team, pulses_to, run

FAN_OUT = 150  # more DMs than chat.postMessage's burst: unthrottled, Slack answers 429


class Timeline:
    """A clock that moves only when the throttle sleeps: the waits are read, not endured."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_a_tier_2_method_allows_its_minute_then_one_call_every_three_seconds() -> None:
    timeline = Timeline()
    throttle = SlackThrottle(clock=timeline, sleep=timeline.sleep)
    waits = [throttle.acquire("users.list", background=False) for _ in range(22)]
    assert waits[:20] == [0.0] * 20  # Tier 2: 20 a minute
    assert 2.9 < waits[20] < 3.1
    assert 2.9 < waits[21] < 3.1


def test_jobs_leave_a_reserve_that_only_listeners_may_use() -> None:
    timeline = Timeline()
    throttle = SlackThrottle(clock=timeline, sleep=timeline.sleep)
    burst = per_minute("conversations.history")
    free = int(burst * (1 - BACKGROUND_RESERVE))
    assert [throttle.acquire("conversations.history", background=True) for _ in range(free)] == [
        0.0
    ] * free
    assert throttle.acquire("conversations.history", background=True) > 0  # the job waits
    # no time has passed: the listener still finds the reserve
    assert throttle.acquire("conversations.history", background=False) == 0.0


def test_a_429_holds_the_method_for_every_thread_until_retry_after() -> None:
    timeline = Timeline()
    throttle = SlackThrottle(clock=timeline, sleep=timeline.sleep)
    throttle.hold("chat.update", 30)
    assert throttle.acquire("chat.update", background=False) >= 30
    assert throttle.acquire("views.open", background=False) == 0.0  # other methods are free


def test_workers_split_the_workspace_allowance() -> None:
    timeline = Timeline()
    throttle = SlackThrottle(share=0.5, clock=timeline, sleep=timeline.sleep)
    waits = [throttle.acquire("users.list", background=False) for _ in range(11)]
    assert waits[:10] == [0.0] * 10  # half of Tier 2's 20
    assert waits[10] > 0


def test_a_pulse_to_more_people_than_slack_allows_at_once_is_paced_and_kudos_stay_fast(
    app: RunningApp,
) -> None:
    people = [f"U7{n:04d}" for n in range(FAN_OUT)]
    for user_id in people:
        app.fake.add_user(user_id, f"person{user_id}", tz="Europe/Madrid")
    app.runtime.services.people.refresh_directory()
    make_team(app, "Warehouse", "U01CARMEN", people)

    tuesday_noon_in_madrid = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
    fan_out = threading.Thread(target=run, args=(app, "pulse", tuesday_noon_in_madrid))
    fan_out.start()
    time.sleep(0.5)  # the fan-out is under way
    started = time.monotonic()
    app.slack.slash_command("/kudos", "<@U02ANA> thanks for covering", user_id=EMMA)
    while not [m for m in app.fake.dm_messages("U02ANA") if m.get("bot_id")]:
        assert time.monotonic() - started < 3, "the kudos waited behind the pulse fan-out"
        time.sleep(0.05)
    assert fan_out.is_alive()  # the kudos went through while the pulse was still going out
    fan_out.join(timeout=60)

    assert all(len(pulses_to(app, user_id)) == 1 for user_id in people)
    refused = [call.method for call in app.fake.calls if call.rate_limited]
    assert refused == []  # paced, not refused


def test_one_429_makes_every_thread_wait_out_slacks_retry_after(app: RunningApp) -> None:
    """Without the shared hold, the second thread would call at once and be refused too."""
    app.fake.fail_next("chat.postMessage", retry_after=2)
    client = app.runtime.client
    first = threading.Thread(target=client.chat_postMessage, kwargs={"channel": EMMA, "text": "a"})
    first.start()
    time.sleep(0.3)  # the first post has been refused by now, and is waiting to retry
    client.chat_postMessage(channel=EMMA, text="b")
    first.join()
    posts = app.fake.calls_to("chat.postMessage")
    [refused] = [call for call in posts if call.rate_limited]
    later = [call for call in posts if not call.rate_limited]
    assert len(later) == 2
    assert all(call.at - refused.at >= 1.9 for call in later)
