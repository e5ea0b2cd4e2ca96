"""One per-method allowance of Slack Web API calls, shared by every thread of a process.

Slack limits each method per workspace (its tiers: ~20, 50 or 100 calls a minute) and answers
429 with `Retry-After` beyond that. Without a shared count, the pulse fan-out, the digest and
the listeners each find the limit by being refused and then sleep, listeners included. Here
every call takes a token from its method's bucket first; background work (jobs and their
fan-out threads) leaves a reserve to the listeners, whose calls answer a person; and one 429
holds the method for every thread until Slack's `Retry-After` has passed.

A pace is a guess where Slack publishes none (chat.postMessage's workspace cap), so a 429 also
teaches the bucket: see `SlackThrottle.hold`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
"""Calls a minute of each of Slack's documented tiers."""

METHOD_TIERS = {
    "users.list": 2,
    "usergroups.list": 2,
    "usergroups.users.list": 2,
    "conversations.list": 2,
    "files.upload": 2,
    "conversations.open": 3,
    "conversations.info": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "chat.update": 3,
    "chat.delete": 3,
    "users.lookupByEmail": 3,
    "emoji.list": 2,
}
"""Methods below Tier 4 that Aplauso calls; any other method is treated as Tier 4."""

POST_MESSAGE_PER_MINUTE = 600
POST_MESSAGE_BURST = 100
"""chat.postMessage has no tier: about one a second per channel and a workspace cap Slack does
not publish; a DM fan-out spreads over channels, so the workspace cap is what binds it. Ten a
second with bursts of 100 stays under what Slack has been seen to allow."""

BACKGROUND_RESERVE = 0.25
"""Share of each bucket that jobs leave to the listeners."""

LISTENER_THREADS = "aplauso-listener"
"""Threads whose name starts with this answer people (bot/app.py names its executor so)."""

LESSON_WINDOW_SECONDS = 2.0
"""How far back a 429 looks at what got through (see `SlackThrottle.hold`)."""

SLOWEST_LESSON = 0.5
"""One 429 at most halves a pace: a refusal may not be about this pace at all (a channel's own
limit of about one message a second, another app on the same token)."""

LEARNED_FLOOR_PER_SECOND = 1.0
"""No 429 pushes a method below one call a second for the workspace (times `share`)."""

REMEMBERED_CALLS = 4096
"""Calls and refusals kept per bucket for the lesson; more than a window holds at 1000/s."""

SMALLEST_CAPACITY = 2.0
"""A taught or configured bucket keeps at least this, so a job still finds a token above the
listeners' reserve."""

logger = logging.getLogger("aplauso.slack")


def per_minute(method: str) -> int:
    if method == "chat.postMessage":
        return POST_MESSAGE_PER_MINUTE
    return TIER_PER_MINUTE[METHOD_TIERS.get(method, 4)]


def burst(method: str) -> int:
    """How many calls may go at once: a tier's minute, a smaller burst for chat.postMessage."""
    return POST_MESSAGE_BURST if method == "chat.postMessage" else per_minute(method)


@dataclass
class _Bucket:
    capacity: float
    per_second: float
    tokens: float
    updated: float
    held_until: float = 0.0
    window_from: float = 0.0
    """Where the next lesson's window may start at the earliest: the bucket's first call, then
    the last lesson (Slack's own bucket was empty then, as it is at the next 429)."""
    granted: deque[float] = field(default_factory=lambda: deque(maxlen=REMEMBERED_CALLS))
    refused: deque[float] = field(default_factory=lambda: deque(maxlen=REMEMBERED_CALLS))

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def take(self, now: float) -> None:
        self.tokens -= 1.0
        self.granted.append(now)
        _forget_before(self.granted, now - LESSON_WINDOW_SECONDS)

    def got_through(self, now: float) -> float | None:
        """Calls a second Slack took from this bucket since the window's start, or None when
        the window is empty. A full record says how far back it reaches: older calls were
        dropped, not absent."""
        start = max(now - LESSON_WINDOW_SECONDS, self.window_from)
        for record in (self.granted, self.refused):
            if len(record) == record.maxlen:
                start = max(start, record[0])
        if now <= start:
            return None
        taken = sum(1 for at in self.granted if at >= start)
        refused = sum(1 for at in self.refused if at >= start)
        return max(0, taken - refused) / (now - start)

    def learn(self, now: float, floor: float) -> tuple[float, float] | None:
        """Paces the bucket at what got through, within the limits; the old and new pace a
        second when that lowered it."""
        through = self.got_through(now)
        self.window_from = now
        if through is None:
            return None
        pace = min(self.per_second, max(through, self.per_second * SLOWEST_LESSON, floor))
        if pace >= self.per_second:
            return None
        was = self.per_second
        self.per_second = pace
        self.capacity = min(self.capacity, max(pace, SMALLEST_CAPACITY))
        self.tokens = min(self.tokens, self.capacity)
        return was, pace


def _forget_before(record: deque[float], moment: float) -> None:
    while record and record[0] < moment:
        record.popleft()


class SlackThrottle:
    """Per-method token buckets, one allowance for the whole process.

    `share` is this process's part of the workspace's allowance (1/N with N worker processes).
    `per_minute` sets a method's starting pace for the whole workspace instead of `per_minute()`
    (before the share), with a burst of one second's allowance.
    """

    def __init__(
        self,
        *,
        share: float = 1.0,
        per_minute: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._share = max(share, 0.01)
        self._per_minute = dict(per_minute or {})
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}

    def acquire(self, method: str, *, background: bool | None = None) -> float:
        """Waits for a token of `method`; returns the seconds waited."""
        if background is None:
            background = not threading.current_thread().name.startswith(LISTENER_THREADS)
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                bucket = self._bucket(method, now)
                bucket.refill(now)
                floor = 1.0 + (BACKGROUND_RESERVE * bucket.capacity if background else 0.0)
                if now >= bucket.held_until and bucket.tokens >= floor:
                    bucket.take(now)
                    return waited
                pause = max(
                    bucket.held_until - now, (floor - bucket.tokens) / bucket.per_second, 0.01
                )
            self._sleep(pause)
            waited += pause

    def hold(self, method: str, seconds: float) -> None:
        """Slack said 429: nobody in this process calls `method` again before `seconds`, and
        the method's pace drops to what Slack let through.

        Why: a pace where Slack publishes none is a guess, and a guess above Slack's cap costs
        a hold of every thread (at least a second) each time the bucket outruns Slack's. Slack's
        own bucket is empty when it refuses, and was empty at the 429 before; what this process
        got through between the two (calls handed out minus calls refused, within the last
        `LESSON_WINDOW_SECONDS`) is its share of the cap, Slack's refill during the hold
        included (as long as Slack's burst holds a hold's refill; a smaller one makes the
        lesson low, and a burst of ours beyond Slack's looks like a rate above its cap). The
        first 429 of a hold teaches; the others of the same burst only count as
        refused. A lesson never raises the pace, at most halves it (`SLOWEST_LESSON`), never
        goes below `LEARNED_FLOOR_PER_SECOND` times the share, and shrinks the burst to one
        second of the new pace, which keeps a quarter for the listeners as before. Until the
        process restarts the learned pace stays.
        """
        with self._lock:
            now = self._clock()
            bucket = self._bucket(method, now)
            bucket.refused.append(now)
            _forget_before(bucket.refused, now - LESSON_WINDOW_SECONDS)
            if now >= bucket.held_until:
                lesson = bucket.learn(now, LEARNED_FLOOR_PER_SECOND * self._share)
                if lesson is not None:
                    was, pace = lesson
                    logger.info(
                        "%s answered 429: pacing it at %.0f/min (was %.0f/min)",
                        method,
                        pace * 60,
                        was * 60,
                    )
            bucket.held_until = max(bucket.held_until, now + seconds)

    def pace(self, method: str) -> float:
        """Calls a minute this process allows itself for `method` now."""
        with self._lock:
            return self._bucket(method, self._clock()).per_second * 60.0

    def _bucket(self, method: str, now: float) -> _Bucket:
        bucket = self._buckets.get(method)
        if bucket is None:
            if method in self._per_minute:
                rate = self._per_minute[method] * self._share / 60.0
                capacity = max(rate, SMALLEST_CAPACITY)
            else:
                rate = per_minute(method) * self._share / 60.0
                capacity = burst(method) * self._share
            bucket = _Bucket(capacity, rate, capacity, now, window_from=now)
            self._buckets[method] = bucket
        return bucket


def method_of(request: HttpRequest) -> str:
    return request.url.rsplit("/", 1)[-1].split("?", 1)[0]


class SharedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, which also tells the throttle: the other threads wait out
    Slack's `Retry-After` before calling the method, instead of each being refused. The refused
    call waits in the throttle too, for the hold and then a token like any other call, not in
    slack_sdk's sleep of `Retry-After` plus up to a second of jitter: so its retry is paced and
    counted, and no thread sleeps longer than Slack asked."""

    def __init__(self, throttle: SlackThrottle, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._throttle = throttle

    def _can_retry(self, **attempt: Any) -> bool:
        """slack_sdk asks with `state`, `request`, `response` and `error`, by keyword."""
        response: HttpResponse | None = attempt.get("response")
        if response is None or response.status_code != 429:
            return False
        retry_after = next(
            (values[0] for key, values in response.headers.items() if key.lower() == "retry-after"),
            "1",
        )
        try:
            seconds = float(retry_after)
        except ValueError:
            seconds = 1.0
        request: HttpRequest = attempt["request"]
        self._throttle.hold(method_of(request), seconds)
        return True

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        """Called only after `_can_retry` said yes to a 429, whose hold is in the throttle."""
        state.next_attempt_requested = True
        self._throttle.acquire(method_of(request))
        state.increment_current_attempt()
