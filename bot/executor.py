"""The listener pool, which can tell when all work handed to it has finished.

Listeners acknowledge first and keep working afterwards; the demo and the tests need to know
when that after-work is done without sleeping for a guessed time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int, thread_name_prefix: str = "") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._idle:
            self._pending += 1

        def tracked() -> T:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

        try:
            return super().submit(tracked)
        except BaseException:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()
            raise

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once nothing is queued or running; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    @property
    def pending(self) -> int:
        return self._pending
