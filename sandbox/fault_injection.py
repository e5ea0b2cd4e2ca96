"""Failures on demand: the next N calls to a method fail the way Slack sometimes fails.

Retry and resume logic is only trustworthy when it has met a real 429 with ``Retry-After``, a
real 503, and an ``ok: false`` answer over HTTP 200; this module queues such answers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

_SERVER_ERROR_CODES = {
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "request_timeout",
}


@dataclass(frozen=True)
class InjectedFailure:
    """How to answer one failing call."""

    status: int
    error: str
    retry_after: int | None = None


class FaultInjector:
    """Per-method queues of failures, consumed one per call, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, list[InjectedFailure]] = {}

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Queue ``times`` failures for ``method``.

        - ``status=429`` (default) and no ``error``: HTTP 429, ``Retry-After: retry_after``,
          body ``{"ok": false, "error": "ratelimited"}``.
        - ``error`` given with the default status: HTTP 200 with ``{"ok": false, "error": error}``,
          the way Slack reports most failures.
        - ``status`` 5xx: that status with a JSON error body (``error`` or a generic code).
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 429 and error is None:
            failure = InjectedFailure(429, "ratelimited", retry_after)
        elif status == 429:
            failure = InjectedFailure(200, error or "fatal_error")
        else:
            code = error or _SERVER_ERROR_CODES.get(status, "fatal_error")
            failure = InjectedFailure(status, code)
        with self._lock:
            self._pending.setdefault(method, []).extend([failure] * times)

    def take(self, method: str) -> InjectedFailure | None:
        """The failure for this call, if one is queued."""
        with self._lock:
            queue = self._pending.get(method)
            if not queue:
                return None
            return queue.pop(0)

    def clear(self) -> None:
        """Drop every queued failure."""
        with self._lock:
            self._pending.clear()
