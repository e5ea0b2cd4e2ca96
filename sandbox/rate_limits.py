"""Slack's rate limits as real token buckets, so throttling code is tested against a clock.

Slack publishes limits per method "tier" in calls per minute (https://api.slack.com/apis/rate-limits):
Tier 1 "1+ per minute, a small amount of burst behavior is tolerated", Tier 2 "20+", Tier 3
"50+", Tier 4 "100+ ... generous burst behavior". A token bucket models exactly that: it
refills at ``per_minute / 60`` tokens a second and holds ``burst`` tokens (one minute's
allowance; three for Tier 1). A call that finds no token is answered HTTP 429 with
``Retry-After`` set to the whole seconds until the next token, as Slack does.

``chat.postMessage`` is special in Slack: "one message per second per channel ... short bursts
>1 allowed", plus a workspace-wide cap that Slack does not publish ("several hundred messages
per minute"). We model the channel limit as a bucket of 3 refilling at 1 a second, and choose
600 messages a minute (10 a second, burst 100) for the workspace cap: high enough that a
well-behaved sender limited to one message a second per channel never meets it unless it fans
out to many channels at once, low enough that a weekly pulse to thousands of DMs without
central throttling does meet it.

``conversations.history``/``replies`` stay Tier 3: Slack's 2025 cut to 1 a minute applies to
commercially distributed non-Marketplace apps, not to an internal app like this one.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Calls per minute of each documented tier.
TIER_PER_MINUTE: dict[int, int] = {1: 1, 2: 20, 3: 50, 4: 100}
#: Bucket size of each tier: one minute's allowance, except Tier 1's "small amount of burst".
TIER_BURST: dict[int, float] = {1: 3.0, 2: 20.0, 3: 50.0, 4: 100.0}
CHAT_POST_MESSAGE_WORKSPACE_PER_MINUTE = 600
CHAT_POST_MESSAGE_WORKSPACE_BURST = 100.0
CHAT_POST_MESSAGE_PER_CHANNEL_PER_SECOND = 1.0
CHAT_POST_MESSAGE_PER_CHANNEL_BURST = 3.0

#: Documented tier of every method the fake implements (the "Rate limits" fact of each
#: method's reference page); ``chat.postMessage`` is "Special" (see the module docstring).
METHOD_TIERS: dict[str, int] = {
    "api.test": 4,
    "auth.test": 4,
    "apps.connections.open": 1,
    "users.info": 4,
    "users.list": 2,
    "users.lookupByEmail": 3,
    "usergroups.list": 2,
    "usergroups.users.list": 2,
    "emoji.list": 2,
    "conversations.open": 3,
    "conversations.info": 3,
    "conversations.members": 4,
    "conversations.list": 2,
    "conversations.history": 3,
    "conversations.replies": 3,
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.getPermalink": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "files.upload": 2,
}
SPECIAL_TIER_METHODS = frozenset({"chat.postMessage"})

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


def tier_rule(tier: int) -> RateLimitRule:
    """The bucket of a documented tier (1 to 4)."""
    return RateLimitRule(per_minute=TIER_PER_MINUTE[tier], burst=TIER_BURST[tier])


def slack_default_rules() -> dict[str, RateLimitRule]:
    """The documented limits of every implemented method (see module docstring)."""
    rules = {method: tier_rule(tier) for method, tier in METHOD_TIERS.items()}
    rules["chat.postMessage"] = RateLimitRule(
        per_minute=CHAT_POST_MESSAGE_WORKSPACE_PER_MINUTE,
        burst=CHAT_POST_MESSAGE_WORKSPACE_BURST,
        per_channel_per_second=CHAT_POST_MESSAGE_PER_CHANNEL_PER_SECOND,
        per_channel_burst=CHAT_POST_MESSAGE_PER_CHANNEL_BURST,
    )
    return rules
