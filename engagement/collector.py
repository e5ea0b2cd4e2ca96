"""Big computations run with Python's cycle collector paused.

Why: building every team's digest allocates some 100,000 short-lived rows and tuples, none
in a cycle. Each batch of new objects sets off a collection, and the older generations' turns
walk everything still alive, rows included: on 1,000 teams that was a quarter of the digest
(0.14 s of 0.54 s), and a digest being sent holds the database's write lock meanwhile.
Reference counting still frees every object as before; only the search for cycles waits, and
runs as usual once the last pause ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """Pauses of several threads at once: the collector resumes when the last one ends, and
    only if it was running before the first began."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = 0
        self._resume = False

    def begin(self) -> None:
        with self._lock:
            if self._open == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._open += 1

    def end(self) -> None:
        with self._lock:
            self._open -= 1
            if self._open == 0 and self._resume:
                gc.enable()


_pauses = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection inside; for work that allocates much and builds no cycles."""
    _pauses.begin()
    try:
        yield
    finally:
        _pauses.end()
