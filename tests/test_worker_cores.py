"""Which core each `serve` worker is kept on (bot/worker_cores.py), as the master decides it
before each fork. `tests/test_workers.py` checks the real processes."""

from __future__ import annotations

import os

from bot.worker_cores import WorkerCores


class _Worker:
    """Stands for gunicorn's worker object: only its identity matters."""


def test_each_worker_gets_a_core_of_its_own() -> None:
    cores = WorkerCores(workers=4, cores=[0, 1, 2, 3])
    live: list[_Worker] = []
    chosen = []
    for _ in range(4):
        worker = _Worker()
        chosen.append(cores.assign(worker, live))
        live.append(worker)
    assert chosen == [0, 1, 2, 3]


def test_a_worker_that_replaces_a_dead_one_takes_the_core_it_left() -> None:
    cores = WorkerCores(workers=3, cores=[2, 5, 7])
    live = [_Worker(), _Worker(), _Worker()]
    for index, worker in enumerate(live):
        cores.assign(worker, live[:index])
    del live[1]  # the worker on core 5 died
    assert cores.assign(_Worker(), live) == 5


def test_fewer_workers_than_cores_each_still_alone() -> None:
    cores = WorkerCores(workers=2, cores=[0, 1, 2, 3])
    first = _Worker()
    assert cores.assign(first, []) == 0
    assert cores.assign(_Worker(), [first]) == 1


def test_workers_are_left_to_the_kernel_when_they_do_not_fit() -> None:
    assert WorkerCores(workers=3, cores=[0, 1]).assign(_Worker(), []) is None  # more than cores
    assert WorkerCores(workers=1, cores=[0, 1]).assign(_Worker(), []) is None  # one process
    assert WorkerCores(workers=2, cores=[]).assign(_Worker(), []) is None  # switched off


def test_a_worker_the_master_placed_nowhere_is_not_moved() -> None:
    before = os.sched_getaffinity(0)
    WorkerCores(workers=3, cores=[0, 1]).enter(_Worker())  # nothing chosen for it
    assert os.sched_getaffinity(0) == before
