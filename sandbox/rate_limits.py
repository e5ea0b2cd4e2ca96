"""Slack's rate limits as real token buckets, so throttling code is tested against a clock.

Slack publishes limits per method "tier" in calls per minute and says short bursts are allowed.
A token bucket models exactly that: it refills at ``per_minute / 60`` tokens a second and holds
``burst`` tokens (default: one minute's allowance). A call that finds no token is answered
HTTP 429 with ``Retry-After`` set to the whole seconds until the next token, as Slack does.

``chat.postMessage`` is special in Slack: about one message per second *per channel*, plus a
workspace-wide cap that Slack does not publish. We choose 600 messages a minute (10 a second,
burst 100) for that cap: high enough that a well-behaved sender limited to one message a
second per channel never meets it unless it fans out to many channels at once, low enough that
a weekly pulse to thousands of DMs without central throttling does meet it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

TIER_1_PER_MINUTE = 1
TIER_2_PER_MINUTE = 20
TIER_3_PER_MINUTE = 50
TIER_4_PER_MINUTE = 100
CHAT_POST_MESSAGE_WORKSPACE_PER_MINUTE = 600
CHAT_POST_MESSAGE_WORKSPACE_BURST = 100.0
CHAT_POST_MESSAGE_PER_CHANNEL_PER_SECOND = 1.0

#: Documented tier of every method the fake implements (Slack's method reference pages).
SLACK_METHOD_TIERS: dict[str, int] = {
    "api.test": TIER_4_PER_MINUTE,
    "auth.test": TIER_4_PER_MINUTE,
    "users.info": TIER_4_PER_MINUTE,
    "users.list": TIER_2_PER_MINUTE,
    "users.lookupByEmail": TIER_3_PER_MINUTE,
    "usergroups.list": TIER_2_PER_MINUTE,
    "usergroups.users.list": TIER_2_PER_MINUTE,
    "conversations.open": TIER_3_PER_MINUTE,
    "conversations.info": TIER_3_PER_MINUTE,
    "conversations.members": TIER_4_PER_MINUTE,
    "conversations.history": TIER_3_PER_MINUTE,
    "conversations.replies": TIER_3_PER_MINUTE,
    "chat.postEphemeral": TIER_4_PER_MINUTE,
    "chat.update": TIER_3_PER_MINUTE,
    "chat.delete": TIER_3_PER_MINUTE,
    "chat.getPermalink": TIER_4_PER_MINUTE,
    "views.open": TIER_4_PER_MINUTE,
    "views.push": TIER_4_PER_MINUTE,
    "views.update": TIER_4_PER_MINUTE,
    "views.publish": TIER_4_PER_MINUTE,
    "files.getUploadURLExternal": TIER_4_PER_MINUTE,
    "files.completeUploadExternal": TIER_4_PER_MINUTE,
}

Clock = Callable[[], float]


class TokenBucket:
    """A classic token bucket; not thread-safe on its own (the limiter holds the lock)."""

    def __init__(self, per_second: float, capacity: float, clock: Clock) -> None:
        if per_second <= 0 or capacity <= 0:
            raise ValueError("a rate limit needs a positive rate and capacity")
        self.per_second = per_second
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.per_second)
        self._updated = now

    def wait_time(self) -> float:
        """Seconds until a token is available (0 when one is available now)."""
        self._refill()
        if self._tokens >= 1.0:
            return 0.0
        return (1.0 - self._tokens) / self.per_second

    def take(self) -> None:
        """Spend one token; call only after :meth:`wait_time` returned 0."""
        self._tokens -= 1.0


@dataclass(frozen=True)
class RateLimitRule:
    """The limits of one method: a workspace bucket and optionally one bucket per channel."""

    per_minute: float
    burst: float | None = None
    per_channel_per_second: float | None = None
    per_channel_burst: float | None = None


class RateLimiter:
    """Decides, per call, whether Slack would answer 429 and with which ``Retry-After``."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._rules: dict[str, RateLimitRule] = {}
        self._workspace: dict[str, TokenBucket] = {}
        self._per_channel: dict[tuple[str, str], TokenBucket] = {}
        self._served_429: dict[str, int] = {}

    def set_rule(self, method: str, rule: RateLimitRule) -> None:
        """Install (or replace) a method's limits, starting with full buckets."""
        with self._lock:
            self._rules[method] = rule
            capacity = rule.burst if rule.burst is not None else max(1.0, rule.per_minute)
            self._workspace[method] = TokenBucket(rule.per_minute / 60.0, capacity, self._clock)
            for key in [key for key in self._per_channel if key[0] == method]:
                del self._per_channel[key]

    def remove_rule(self, method: str) -> None:
        """Stop limiting a method."""
        with self._lock:
            self._rules.pop(method, None)
            self._workspace.pop(method, None)

    def clear(self) -> None:
        """Remove every limit (counters of served 429s are kept)."""
        with self._lock:
            self._rules.clear()
            self._workspace.clear()
            self._per_channel.clear()

    def admit(self, method: str, channel: str | None = None) -> int | None:
        """Spend the tokens for one call, or return the ``Retry-After`` seconds of a 429.

        Both buckets (workspace and channel) must have a token; neither is spent otherwise,
        so a refused call does not eat into the allowance.
        """
        with self._lock:
            rule = self._rules.get(method)
            if rule is None:
                return None
            buckets = [self._workspace[method]]
            if rule.per_channel_per_second is not None and channel:
                key = (method, channel)
                bucket = self._per_channel.get(key)
                if bucket is None:
                    capacity = rule.per_channel_burst or max(1.0, rule.per_channel_per_second)
                    bucket = TokenBucket(rule.per_channel_per_second, capacity, self._clock)
                    self._per_channel[key] = bucket
                buckets.append(bucket)
            wait = max(bucket.wait_time() for bucket in buckets)
            if wait > 0:
                self._served_429[method] = self._served_429.get(method, 0) + 1
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.take()
            return None

    def count_429(self, method: str) -> None:
        """Count a 429 served for another reason (an injected failure)."""
        with self._lock:
            self._served_429[method] = self._served_429.get(method, 0) + 1

    def served_429(self) -> dict[str, int]:
        """How many 429 answers each method got, for assertions and bench reports."""
        with self._lock:
            return dict(self._served_429)


def slack_default_rules() -> dict[str, RateLimitRule]:
    """The documented limits of every implemented method (see module docstring)."""
    rules = {method: RateLimitRule(per_minute) for method, per_minute in SLACK_METHOD_TIERS.items()}
    rules["chat.postMessage"] = RateLimitRule(
        per_minute=CHAT_POST_MESSAGE_WORKSPACE_PER_MINUTE,
        burst=CHAT_POST_MESSAGE_WORKSPACE_BURST,
        per_channel_per_second=CHAT_POST_MESSAGE_PER_CHANNEL_PER_SECOND,
    )
    return rules
