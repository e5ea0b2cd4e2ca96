"""The call log: what the app asked of Slack, in order.

Tests assert on behaviour through this log (which methods, with which arguments, what Slack
answered) instead of mocking the app's own code.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedCall:
    """One Web API call (or ``response_url`` post) as the fake saw and answered it.

    ``params`` holds the arguments as received (form values are still strings, JSON bodies keep
    their types); ``response`` is the JSON body sent back; ``status`` the HTTP status.
    """

    seq: int
    method: str
    params: dict[str, Any]
    ok: bool
    response: dict[str, Any]
    at: float
    status: int = 200
    rate_limited: bool = field(default=False)


class CallLog:
    """Thread-safe, append-only list of :class:`RecordedCall`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[RecordedCall] = []
        self._seq = 0

    def record(
        self,
        method: str,
        params: dict[str, Any],
        response: dict[str, Any],
        *,
        status: int = 200,
    ) -> RecordedCall:
        """Append one call; ``seq`` numbers calls from 1 in arrival order."""
        with self._lock:
            self._seq += 1
            call = RecordedCall(
                seq=self._seq,
                method=method,
                params=params,
                ok=bool(response.get("ok", False)),
                response=response,
                at=time.time(),
                status=status,
                rate_limited=status == 429,
            )
            self._calls.append(call)
            return call

    def snapshot(self) -> list[RecordedCall]:
        """A copy of every call so far, safe to iterate while the server keeps serving."""
        with self._lock:
            return list(self._calls)

    def to(self, method: str) -> list[RecordedCall]:
        """Calls to one method, oldest first."""
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def clear(self) -> None:
        """Forget every call (sequence numbers keep increasing, so order stays provable)."""
        with self._lock:
            self._calls.clear()
