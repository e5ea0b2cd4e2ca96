"""One allowance of Slack calls per process: jobs and listeners share Slack's per-method limits
instead of each finding them through 429s, and the listeners keep a reserve for people. Where
Slack publishes no limit (chat.postMessage's workspace cap), a 429 teaches the pace."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.slack_throttle import (
    BACKGROUND_RESERVE,
    SharedRateLimitRetryHandler,
    SlackThrottle,
    per_minute,
)
from sandbox.rate_limits import TokenBucket
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import EMMA, make_team, pulses_to, run

FAN_OUT = 150  # more DMs than chat.postMessage's burst: unthrottled, Slack answers 429
POST = "chat.postMessage"
ROUND_TRIP = 0.002  # seconds a call takes to come back, on the test's clock
A_POST = HttpRequest(method="POST", url="https://slack.com/api/chat.postMessage", headers={})


class Timeline:
    """A clock that moves only when the throttle sleeps: the waits are read, not endured."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def too_many(retry_after: int = 1) -> HttpResponse:
    return HttpResponse(status_code=429, headers={"Retry-After": str(retry_after)})


class FanOut:
    """A job posting DM after DM through the throttle, against Slack's own bucket for
    chat.postMessage (the fake Slack's, on the test's clock); a refused post goes through the
    client's real 429 handler, which holds the method and waits in the throttle to retry."""

    def __init__(
        self, throttle: SlackThrottle, timeline: Timeline, slack_per_second: float
    ) -> None:
        self.throttle = throttle
        self.timeline = timeline
        self.slack = TokenBucket(slack_per_second, slack_per_second, timeline)  # a second's burst
        self.handler = SharedRateLimitRetryHandler(throttle, max_retry_count=6)
        self.refused = 0

    def post(self, count: int) -> None:
        for _ in range(count):
            self.throttle.acquire(POST, background=True)  # as GuardedWebClient.api_call does
            self.timeline.sleep(ROUND_TRIP)
            state = RetryState()
            while self.slack.wait_time() > 0:
                self.refused += 1
                assert self.handler.can_retry(state=state, request=A_POST, response=too_many())
                self.handler.prepare_for_next_attempt(
                    state=state, request=A_POST, response=too_many()
                )
                self.timeline.sleep(ROUND_TRIP)
            self.slack.take()


def two_seconds_at_100_a_second_then_a_429(throttle: SlackThrottle, timeline: Timeline) -> None:
    for _ in range(200):
        throttle.acquire(POST, background=True)
        timeline.sleep(0.01)
    throttle.hold(POST, 1.0)


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


def test_the_starting_pace_of_a_method_can_be_set() -> None:
    timeline = Timeline()
    throttle = SlackThrottle(per_minute={POST: 1200}, clock=timeline, sleep=timeline.sleep)
    waits = [throttle.acquire(POST, background=False) for _ in range(21)]
    assert waits[:20] == [0.0] * 20  # a burst of one second's allowance: 1200 a minute is 20/s
    assert 0.04 < waits[20] < 0.06
    assert throttle.pace(POST) == 1200
    assert throttle.pace("users.list") == per_minute("users.list")  # the others as they were


def test_a_429_after_a_burst_lowers_the_pace_to_what_slack_let_through() -> None:
    """The throttle starts above Slack's cap (150/s against 100/s), as it may where Slack
    publishes none, and after the first 429s keeps to the cap without being refused again."""
    timeline = Timeline()
    throttle = SlackThrottle(per_minute={POST: 9000}, clock=timeline, sleep=timeline.sleep)
    fan_out = FanOut(throttle, timeline, slack_per_second=100)
    fan_out.post(1000)
    assert 1 <= fan_out.refused <= 3
    assert 95 <= throttle.pace(POST) / 60 <= 100

    refused, started = fan_out.refused, timeline.now
    fan_out.post(3000)
    assert fan_out.refused == refused
    assert 3000 / (timeline.now - started) >= 95  # and Slack's allowance is still used


def test_the_429s_of_one_burst_lower_the_pace_once() -> None:
    """The four posts in flight when Slack's bucket ran dry are all refused: one lesson."""
    timeline = Timeline()
    throttle = SlackThrottle(per_minute={POST: 9000}, clock=timeline, sleep=timeline.sleep)
    two_seconds_at_100_a_second_then_a_429(throttle, timeline)
    learned = throttle.pace(POST)
    assert 98 <= learned / 60 <= 100  # about 200 calls in 2 s, the last of them refused
    for _ in range(3):
        timeline.sleep(ROUND_TRIP)
        throttle.hold(POST, 1.0)
    assert throttle.pace(POST) == learned


def test_a_429_never_raises_the_pace() -> None:
    """A burst went out faster than the pace before Slack refused: Slack's burst, not its rate."""
    timeline = Timeline()
    throttle = SlackThrottle(per_minute={POST: 6000}, clock=timeline, sleep=timeline.sleep)
    for _ in range(75):
        throttle.acquire(POST, background=True)
        timeline.sleep(ROUND_TRIP)
    throttle.hold(POST, 1.0)
    assert throttle.pace(POST) == 6000
    timeline.sleep(1.0)
    waits = [throttle.acquire(POST, background=False) for _ in range(101)]
    assert waits[:100] == [0.0] * 100  # nor its burst
    assert waits[100] > 0


def test_a_429_after_another_at_most_halves_the_pace_and_never_below_one_a_second() -> None:
    """One post refused again and again: each 429 teaches, each at most halves the pace, down to
    one call a second for the workspace (this worker's half of it); jobs still get through."""
    timeline = Timeline()
    throttle = SlackThrottle(share=0.5, clock=timeline, sleep=timeline.sleep)
    handler = SharedRateLimitRetryHandler(throttle, max_retry_count=6)
    state = RetryState()
    throttle.acquire(POST, background=True)
    paces = []
    for _ in range(6):
        timeline.sleep(ROUND_TRIP)
        assert handler.can_retry(state=state, request=A_POST, response=too_many())
        handler.prepare_for_next_attempt(state=state, request=A_POST, response=too_many())
        paces.append(throttle.pace(POST))
    assert paces == [150, 75, 37.5, 30, 30, 30]  # per minute, from this worker's 300
    assert throttle.acquire(POST, background=True) < 3


def test_listeners_keep_their_reserve_after_a_lesson() -> None:
    timeline = Timeline()
    throttle = SlackThrottle(per_minute={POST: 9000}, clock=timeline, sleep=timeline.sleep)
    two_seconds_at_100_a_second_then_a_429(throttle, timeline)
    timeline.sleep(1.0)  # the hold is over, the bucket full again
    jobs = 0
    while throttle.acquire(POST, background=True) == 0.0:
        jobs += 1
    assert 72 <= jobs <= 75  # one second of the learned ~99/s, less the listeners' quarter
    assert throttle.acquire(POST, background=False) == 0.0


def test_a_refused_call_waits_in_the_throttle_exactly_as_long_as_slack_asked() -> None:
    """Not in slack_sdk's own sleep of Retry-After plus up to a second of jitter."""
    timeline = Timeline()
    throttle = SlackThrottle(clock=timeline, sleep=timeline.sleep)
    handler = SharedRateLimitRetryHandler(throttle, max_retry_count=6)
    throttle.acquire(POST, background=True)
    state = RetryState()
    assert handler.can_retry(state=state, request=A_POST, response=too_many(2))
    handler.prepare_for_next_attempt(state=state, request=A_POST, response=too_many(2))
    assert timeline.now == 2.0
    assert (state.next_attempt_requested, state.current_attempt) == (True, 1)
