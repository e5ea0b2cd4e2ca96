"""Failures on demand: the next N calls to a method fail the way Slack sometimes fails.

Retry and resume logic is only trustworthy when it has met each way a real call goes wrong,
so this module queues them per method, consumed one per call:

- ``error``: an answer instead of the work: HTTP 429 with ``Retry-After``, a 5xx (500, 502,
  503, 504; JSON, or the HTML page a gateway sends), or ``ok: false`` over HTTP 200;
- ``reset``: the connection is closed without an answer (a TCP reset), the work not done;
- ``slow``: the answer comes ``delay`` seconds late (the work is done, then the answer);
- ``after_commit``: the work *is* done (the message is stored) but the answer is a 5xx, the
  case that turns a naive retry into a duplicate.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["error", "reset", "slow", "after_commit"]

SERVER_ERROR_CODES = {
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "request_timeout",
}
_GATEWAY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n</body>\r\n</html>\r\n"
)
_REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Time-out",
}


@dataclass(frozen=True)
class InjectedFailure:
    """How to answer one failing call."""

    status: int
    error: str
    retry_after: int | None = None
    kind: FaultKind = "error"
    delay: float = 0.0
    html: bool = False

    def html_page(self) -> str:
        """The body a load balancer sends for this status (for ``html=True`` failures)."""
        reason = _REASONS.get(self.status, "Error")
        return _GATEWAY_PAGE.format(status=self.status, reason=reason)


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
        html: bool = False,
    ) -> None:
        """Queue ``times`` failures for ``method``.

        - ``status=429`` (default) and no ``error``: HTTP 429, ``Retry-After: retry_after``,
          body ``{"ok": false, "error": "ratelimited"}``.
        - ``error`` given with the default status: HTTP 200 with ``{"ok": false, "error": error}``,
          the way Slack reports most failures.
        - ``status`` 5xx: that status with a JSON error body (``error`` or a generic code such
          as ``bad_gateway``), or with ``html=True`` the HTML page a gateway answers (502/504
          usually come from the load balancer, not from Slack's API, and are not JSON).
        """
        if status == 429 and error is None:
            failure = InjectedFailure(429, "ratelimited", retry_after)
        elif status == 429:
            failure = InjectedFailure(200, error or "fatal_error")
        else:
            code = error or SERVER_ERROR_CODES.get(status, "fatal_error")
            failure = InjectedFailure(status, code, html=html)
        self.add(method, failure, times)

    def reset_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls without answering or working."""
        self.add(method, InjectedFailure(0, "connection_reset", kind="reset"), times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` calls ``seconds`` late (they still succeed)."""
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        self.add(method, InjectedFailure(200, "", kind="slow", delay=seconds), times)

    def accept_then_fail_next(
        self, method: str, *, status: int = 500, error: str | None = None, times: int = 1
    ) -> None:
        """Do the work of the next ``times`` calls (store the message...) but answer ``status``."""
        if status < 500:
            raise ValueError("an accepted-then-failed call answers a 5xx status")
        code = error or SERVER_ERROR_CODES.get(status, "fatal_error")
        self.add(method, InjectedFailure(status, code, kind="after_commit"), times)

    def add(self, method: str, failure: InjectedFailure, times: int = 1) -> None:
        """Queue a prepared failure ``times`` times."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._pending.setdefault(method, []).extend([failure] * times)

    def take(self, method: str) -> InjectedFailure | None:
        """The failure for this call, if one is queued."""
        with self._lock:
            queue = self._pending.get(method)
            if not queue:
                return None
            return queue.pop(0)

    def pending(self, method: str) -> int:
        """How many failures are still queued for ``method``."""
        with self._lock:
            return len(self._pending.get(method, []))

    def clear(self) -> None:
        """Drop every queued failure."""
        with self._lock:
            self._pending.clear()


OUTAGE_CALLS = 10_000  # more calls than anything makes during a test's outage


def outage(
    faults: FaultInjector, method: str, seconds: float, *, status: int = 503
) -> threading.Timer:
    """Every call to ``method`` answers ``status`` from now for ``seconds`` (Slack down for a
    moment, however often it is called), then calls work again. Returns the ending timer."""
    failure = InjectedFailure(status, SERVER_ERROR_CODES.get(status, "fatal_error"))
    faults.add(method, failure, OUTAGE_CALLS)

    def end() -> None:
        with faults._lock:
            queue = faults._pending.get(method, [])
            queue[:] = [queued for queued in queue if queued is not failure]

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()
    return timer
