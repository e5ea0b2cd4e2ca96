"""The server freezes what start-up built, so a full collection walks only what came after,
and what comes after is still collected."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, bot.wiring
from bot.gc_tuning import freeze_what_is_built
tracked = len(gc.get_objects())
frozen = freeze_what_is_built()
print(frozen >= tracked, len(gc.get_objects()) < tracked // 10)
class Node: pass
a, b = Node(), Node(); a.other, b.other = b, a   # a cycle built after start-up
del a, b
print(gc.isenabled() and gc.collect() >= 2)
"""


def test_start_up_objects_are_frozen_and_later_garbage_is_still_collected() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["True", "True", "True"]
