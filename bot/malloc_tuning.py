"""The long-running server's C heap: two malloc arenas instead of glibc's default of eight per
core, and freed memory handed back to the system once a minute.

Why: glibc gives each new thread that allocates its own arena, and a gthread worker has 16
threads plus the handoff pool's. Each arena keeps the pages its frees leave scattered, so a
worker's resident memory crept up about 4 MB a minute for as long as the 30-minute soak ran.
With two arenas it levels off after a few minutes, and the soak's latency did not change.
Trimming once a minute returns what frees left in the middle of a heap, which glibc keeps
otherwise. `MALLOC_ARENA_MAX` in the environment, read by glibc itself, still decides when it
is set.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any

M_ARENA_MAX = -8  # from glibc's malloc.h
SERVER_ARENAS = 2
TRIM_EVERY_SECONDS = 60.0


def _libc(name: str, argtypes: list[Any]) -> Any | None:
    """The C library's function `name` in this process (glibc's, on Linux), or None where
    there is none (other systems, a libc without it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None), name)  # the C library this process runs on
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = argtypes, ctypes.c_int
    return function


def limit_malloc_arenas(*, chosen: bool, arenas: int = SERVER_ARENAS) -> bool:
    """Caps the arenas glibc creates from now on; True if it did. Called before the server
    forks or starts threads, so every worker inherits the cap. Elsewhere (macOS, musl
    without `mallopt`) or when the admin chose a number (`MALLOC_ARENA_MAX`), nothing
    changes."""
    mallopt = None if chosen else _libc("mallopt", [ctypes.c_int, ctypes.c_int])
    return mallopt is not None and bool(mallopt(M_ARENA_MAX, arenas))


def trim_now() -> bool:
    """Hands the heap's free pages back to the system (glibc's `malloc_trim`); True if any
    were. glibc gives back only the top of the main heap by itself, so pages freed in the
    middle of a heap stay resident until something asks."""
    malloc_trim = _libc("malloc_trim", [ctypes.c_size_t])
    return malloc_trim is not None and bool(malloc_trim(0))


def keep_trimming(
    every: float = TRIM_EVERY_SECONDS, stop: threading.Event | None = None
) -> threading.Thread:
    """A daemon thread of this process that trims every `every` seconds (until `stop`)."""
    stop = stop or threading.Event()

    def trim() -> None:
        while not stop.wait(every):
            trim_now()

    thread = threading.Thread(target=trim, name="malloc-trim", daemon=True)
    thread.start()
    return thread
