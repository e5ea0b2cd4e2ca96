"""Each worker process on cores of its own (one each when there are as many as workers).

A recorded kudos passes from the thread that reads the request to the listener pool and back,
and calls SQLite and Slack in between: a dozen times a request, a thread sleeps and another
wakes. Left to itself, the kernel wakes each on whichever core is free, so a request's threads
keep changing cores, each change on cold caches, and the two workers' threads keep displacing
each other. With one worker per core and each worker kept on its core, a request stays on one
core: on the 2-core bench, at 200 kudos a second, CPU per recorded kudos went from 2.94-3.07
to 2.52-2.59 ms (four runs each, interleaved), and the median answer came 0.3 ms sooner.
Web servers offer this placement for the same reason (nginx's `worker_cpu_affinity auto`).

With fewer workers than cores, each gets a group of neighbouring cores, so every core still
serves someone. With more workers than cores, or a single core, the kernel places them as
before. `APLAUSO_PIN_WORKERS=off` leaves placement to the kernel in any case (for a machine
whose cores are busy with other work the app should make room for).

The master picks each worker's group before the fork (the least used among the live workers',
so a worker that replaces a dead one takes the cores it left); the worker moves there at once,
and the threads it starts afterwards follow it. A worker's scheduled jobs (the digests, in the
worker holding the jobs) run on its cores too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence

logger = logging.getLogger("aplauso")


def allowed_cores() -> list[int]:
    """The CPUs this process may run on (what `taskset -p` says)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return []


class WorkerCores:
    """Which cores each worker runs on, decided in the master.

    The allowed cores are split into one group per worker, in order and as even as can be (a
    core each when there are as many cores as workers, two each for 2 workers on 4 cores), so
    every core serves some worker and a second instance on the same machine shares the groups
    evenly with the first.
    """

    def __init__(self, workers: int, cores: Sequence[int]) -> None:
        cores = list(cores)
        self._groups: list[frozenset[int]] = []
        if 2 <= workers <= len(cores) and hasattr(os, "sched_setaffinity"):
            size, extra = divmod(len(cores), workers)
            start = 0
            for index in range(workers):
                end = start + size + (1 if index < extra else 0)
                self._groups.append(frozenset(cores[start:end]))
                start = end
        self._group_of: dict[int, int] = {}  # id() of gunicorn's worker object -> group

    def assign(self, worker: object, live: Iterable[object]) -> frozenset[int] | None:
        """The cores for a worker about to be forked, beside the `live` ones: the least used
        group. None when workers are not placed, or when there are more workers than groups
        (`SIGTTIN` added one): the extra ones are left to the kernel."""
        live_ids = {id(other) for other in live}
        self._group_of = {key: group for key, group in self._group_of.items() if key in live_ids}
        if not self._groups or len(live_ids) >= len(self._groups):
            return None
        used = list(self._group_of.values())
        group = min(range(len(self._groups)), key=lambda index: (used.count(index), index))
        self._group_of[id(worker)] = group
        return self._groups[group]

    def enter(self, worker: object) -> None:
        """Called in the forked worker, before it starts any thread: moves it to the cores the
        master chose for it (its threads, started later, follow it)."""
        group = self._group_of.get(id(worker))
        if group is None:
            return
        cores = self._groups[group]
        try:
            os.sched_setaffinity(0, cores)
        except OSError as error:  # a container may refuse: the kernel places it, as before
            logger.warning(
                "worker %s could not be kept on CPUs %s (%s)", os.getpid(), sorted(cores), error
            )
            return
        logger.info("worker %s runs on CPUs %s", os.getpid(), ",".join(map(str, sorted(cores))))
