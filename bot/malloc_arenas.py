"""Two malloc arenas for the long-running server instead of glibc's default of eight per core.

Why: glibc gives each new thread that allocates its own arena, and a gthread worker has 16
threads plus the handoff pool's. Each arena keeps the pages its frees leave scattered, so a
worker's resident memory crept up about 4 MB a minute for as long as the 30-minute soak ran.
With two arenas it levels off after a few minutes, and the soak's latency did not change.
`MALLOC_ARENA_MAX` in the environment, read by glibc itself, still decides when it is set.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
SERVER_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> bool:
    """Caps the arenas glibc creates from now on; True if it did. Called before the server
    forks or starts threads, so every worker inherits the cap. Elsewhere (macOS, musl
    without `mallopt`) or when the admin set `MALLOC_ARENA_MAX`, nothing changes."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
