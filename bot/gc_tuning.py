"""The server's garbage collector leaves alone what start-up built.

Why: a full collection walks every tracked object while holding the interpreter lock, so the
whole worker stops meanwhile. After start-up a worker holds some 200,000 objects (the modules,
SQLAlchemy's mappers, Bolt's listeners) that live as long as the process; in the soak, full
collections paused a worker 0.1-0.4 s, and a pause while a thread held SQLite's write lock
kept every writer of the other workers waiting too. Frozen objects are never walked again:
what is left to walk is what requests built since. Freezing in the master before the fork
also keeps the collector from writing into pages the workers share with it (Python's own
advice for servers that fork).
"""

from __future__ import annotations

import gc


def freeze_what_is_built() -> int:
    """Moves every object tracked now out of the collector's reach; returns how many are
    frozen in all. Call it once start-up is done: objects built later are collected as ever."""
    gc.freeze()
    return gc.get_freeze_count()
