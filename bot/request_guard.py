"""The door of `POST /slack/events`: headers, signature and replays, checked before anything runs.

Order matters: malformed or stale headers are refused from the headers alone (401), the body
is read only within its size limit, the signature is compared in constant time over the raw
bytes, the payload's shape is checked (see `bot/payload_shape.py`), and only then is the
signature remembered, so a refused request leaves no trace in the database.

Replays: Slack signs `v0:{timestamp}:{body}` and a signature stays valid for five minutes, so
whoever captures a request could send it again within that window. Each accepted signature is
remembered for the window in a `ReplayCache`; the production one is a database table with a
unique key (`storage/replay_cache.py`), shared by every worker process and instance. The key
includes `X-Slack-Retry-Num`: Slack's own retry of an event we answered with an error may carry
the same signature, and must get through (the event-id claim then keeps it exactly once). An
attacker can therefore replay a request at most once per retry number, and every event is
still acted on once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger("aplauso.http")

MAX_AGE_SECONDS = 300
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
RETRY_NUM = re.compile(r"[0-9]{1,2}")
FALLBACK_WARNING_EVERY_SECONDS = 60.0


class ReplayCache(Protocol):
    """Remembers request keys until they expire, across every process that serves the app."""

    def first_sight(self, key: str, now: float, ttl: float) -> bool:
        """True the first time `key` is offered within `ttl` seconds; False for a replay."""
        ...


class MemoryReplayCache:
    """This process's memory of recent keys: the fallback while the shared cache is down."""

    def __init__(self, size: int = 100_000) -> None:
        self._size = size
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_sight(self, key: str, now: float, ttl: float) -> bool:
        with self._lock:
            if self._expiry.get(key, 0.0) > now:
                return False
            if len(self._expiry) >= self._size:
                self._expiry = {k: v for k, v in self._expiry.items() if v > now}
            self._expiry[key] = now + ttl
            return True


@dataclass(frozen=True)
class Refusal:
    """An answer given at the door, before any listener runs.

    `reason` is a fixed phrase, never a payload text: what is logged cannot leak a message."""

    status: int
    reason: str


@dataclass(frozen=True)
class SignedHeaders:
    """Slack's signing headers, each checked for its shape before anything trusts it."""

    timestamp: str
    signature: str
    retry_num: str


def read_signed_headers(
    headers: Mapping[str, str], now: float, max_age: float = MAX_AGE_SECONDS
) -> SignedHeaders | Refusal:
    """The signature headers when well formed and fresh, else a 401, from headers alone."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    retry_num = headers.get("x-slack-retry-num", "")
    if not TIMESTAMP.fullmatch(timestamp):
        return Refusal(401, "missing or malformed timestamp")
    if abs(now - int(timestamp)) > max_age:
        return Refusal(401, "stale timestamp")
    if not SIGNATURE.fullmatch(signature):
        return Refusal(401, "missing or malformed signature")
    if retry_num and not RETRY_NUM.fullmatch(retry_num):
        return Refusal(401, "malformed retry header")
    return SignedHeaders(timestamp, signature, retry_num)


def signature_matches(secret: str, signed: SignedHeaders, body: bytes) -> bool:
    base = b"v0:" + signed.timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signed.signature)


class ReplayGuard:
    """Refuses a signature seen before; falls back to memory when the shared cache fails.

    While the database is down the app still answers (so the person can be told their action
    was not saved), and replays are still refused within this process.
    """

    def __init__(self, shared: ReplayCache | None, clock: Callable[[], float] = time.time) -> None:
        self._shared = shared
        self._memory = MemoryReplayCache()
        self._clock = clock
        self._warned_at = -FALLBACK_WARNING_EVERY_SECONDS

    def first_sight(self, signed: SignedHeaders) -> bool:
        key = hashlib.sha256(f"{signed.signature}:{signed.retry_num}".encode()).hexdigest()
        now = self._clock()
        ttl = float(MAX_AGE_SECONDS) * 2  # timestamps are accepted up to 300 s either side
        if self._shared is not None:
            try:
                return self._shared.first_sight(key, now, ttl)
            except Exception as error:  # any storage failure: keep serving, warn now and then
                if now - self._warned_at >= FALLBACK_WARNING_EVERY_SECONDS:
                    self._warned_at = now
                    logger.warning(
                        "replay cache unavailable (%s); using this process's memory",
                        type(error).__name__,
                    )
        return self._memory.first_sight(key, now, ttl)
