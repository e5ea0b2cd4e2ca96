"""One per-method allowance of Slack Web API calls, shared by every thread of a process.

Slack limits each method per workspace (its tiers: ~20, 50 or 100 calls a minute) and answers
429 with `Retry-After` beyond that. Without a shared count, the pulse fan-out, the digest and
the listeners each find the limit by being refused and then sleep, listeners included. Here
every call takes a token from its method's bucket first; background work (jobs and their
fan-out threads) leaves a reserve to the listeners, whose calls answer a person; and one 429
holds the method for every thread until Slack's `Retry-After` has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

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

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now


class SlackThrottle:
    """Per-method token buckets, one allowance for the whole process.

    `share` is this process's part of the workspace's allowance (1/N with N worker processes).
    """

    def __init__(
        self,
        *,
        share: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._share = max(share, 0.01)
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
                    bucket.tokens -= 1.0
                    return waited
                pause = max(
                    bucket.held_until - now, (floor - bucket.tokens) / bucket.per_second, 0.01
                )
            self._sleep(pause)
            waited += pause

    def hold(self, method: str, seconds: float) -> None:
        """Slack said 429: nobody in this process calls `method` again before `seconds`."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(method, now)
            bucket.held_until = max(bucket.held_until, now + seconds)

    def _bucket(self, method: str, now: float) -> _Bucket:
        bucket = self._buckets.get(method)
        if bucket is None:
            capacity = burst(method) * self._share
            rate = per_minute(method) * self._share / 60.0
            bucket = _Bucket(capacity, rate, capacity, now)
            self._buckets[method] = bucket
        return bucket


def method_of(request: HttpRequest) -> str:
    return request.url.rsplit("/", 1)[-1].split("?", 1)[0]


class SharedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, which also tells the throttle: the other threads wait out
    Slack's `Retry-After` before calling the method, instead of each being refused."""

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
