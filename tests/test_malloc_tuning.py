"""The server caps glibc's malloc arenas, so a threaded worker's memory levels off."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

THREADS_ALLOCATING_AT_ONCE = textwrap.dedent(
    """
    import ctypes, os, sys, threading
    from bot.config import settings_from_mapping
    from bot.malloc_tuning import limit_malloc_arenas

    chosen = settings_from_mapping(os.environ).malloc_arenas_chosen
    capped = limit_malloc_arenas(chosen=chosen) if sys.argv[1] == "cap" else False
    start, done = threading.Barrier(12), threading.Barrier(12)

    def allocate():
        start.wait()
        kept = [bytearray(100_000) for _ in range(20)]  # malloc'd by this thread
        done.wait()

    threads = [threading.Thread(target=allocate) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("capped" if capped else "not capped", flush=True)
    ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on stderr
    """
)


def arenas_used(mode: str, **env: str) -> tuple[str, int]:
    environment = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env
    done = subprocess.run(
        [sys.executable, "-c", THREADS_ALLOCATING_AT_ONCE, mode],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    arenas = sum(line.startswith("Arena ") for line in done.stderr.splitlines())
    return done.stdout.strip(), arenas


def test_twelve_threads_allocating_at_once_share_two_arenas_once_capped() -> None:
    assert arenas_used("cap") == ("capped", 2)


def test_without_the_cap_each_thread_gets_its_own_arena() -> None:
    outcome, arenas = arenas_used("none")
    assert outcome == "not capped"
    assert arenas > 2


def test_an_admins_malloc_arena_max_is_left_to_glibc() -> None:
    assert arenas_used("cap", MALLOC_ARENA_MAX="4") == ("not capped", 4)


FREED_IN_THE_MIDDLE_OF_THE_HEAP = textwrap.dedent(
    """
    from bot.malloc_tuning import trim_now

    def resident_mb():
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("RssAnon:"))
        return int(line.split()[1]) // 1024

    blocks = [bytearray(100_000) for _ in range(1000)]  # 100 MB from the heap
    pinned = bytearray(100_000)  # above them: glibc cannot give back the heap's top
    del blocks
    before = resident_mb()
    trimmed = trim_now()
    print(trimmed, before, resident_mb())
    """
)


def test_a_trim_hands_memory_freed_in_the_middle_of_the_heap_back_to_the_system() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FREED_IN_THE_MIDDLE_OF_THE_HEAP],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    trimmed, before, after = done.stdout.split()
    assert trimmed == "True"
    assert int(before) >= 100
    assert int(after) < int(before) - 80
