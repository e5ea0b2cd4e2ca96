"""Which cores each `serve` worker is kept on (bot/worker_cores.py), as the master decides it
before each fork. `tests/test_workers.py` checks the real processes."""

from __future__ import annotations

import logging
import os

import pytest

from bot.worker_cores import WorkerCores


class _Worker:
    """Stands for gunicorn's worker object: only its identity matters."""


def _spawn(cores: WorkerCores, count: int) -> tuple[list[_Worker], list[frozenset[int] | None]]:
    live: list[_Worker] = []
    chosen = []
    for _ in range(count):
        worker = _Worker()
        chosen.append(cores.assign(worker, live))
        live.append(worker)
    return live, chosen


def test_each_worker_gets_a_core_of_its_own_when_there_is_one_for_each() -> None:
    _, chosen = _spawn(WorkerCores(workers=4, cores=[0, 1, 2, 3]), 4)
    assert chosen == [frozenset({0}), frozenset({1}), frozenset({2}), frozenset({3})]


def test_with_fewer_workers_than_cores_every_core_still_serves_one() -> None:
    _, chosen = _spawn(WorkerCores(workers=2, cores=[0, 1, 2, 3, 4]), 2)
    assert chosen == [frozenset({0, 1, 2}), frozenset({3, 4})]


def test_a_worker_that_replaces_a_dead_one_takes_the_cores_it_left() -> None:
    cores = WorkerCores(workers=3, cores=[2, 5, 7])
    live, _ = _spawn(cores, 3)
    del live[1]  # the worker on core 5 died
    assert cores.assign(_Worker(), live) == frozenset({5})


def test_a_worker_added_beyond_the_cores_is_left_to_the_kernel() -> None:
    cores = WorkerCores(workers=2, cores=[0, 1])
    live, _ = _spawn(cores, 2)
    assert cores.assign(_Worker(), live) is None  # SIGTTIN asked for a third


def test_workers_are_left_to_the_kernel_when_they_do_not_fit() -> None:
    assert WorkerCores(workers=3, cores=[0, 1]).assign(_Worker(), []) is None  # more than cores
    assert WorkerCores(workers=1, cores=[0, 1]).assign(_Worker(), []) is None  # one process
    assert WorkerCores(workers=2, cores=[]).assign(_Worker(), []) is None  # switched off


def test_a_worker_moves_to_the_cores_chosen_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    moves: list[tuple[int, frozenset[int]]] = []
    monkeypatch.setattr(os, "sched_setaffinity", lambda pid, cores: moves.append((pid, cores)))
    cores = WorkerCores(workers=2, cores=[0, 1])
    placed, unplaced = _Worker(), _Worker()
    cores.assign(placed, [])
    cores.enter(placed)
    cores.enter(unplaced)  # the master chose nothing for it: it stays where it is
    assert moves == [(0, frozenset({0}))]


def test_a_refused_move_is_one_warning_and_the_worker_runs_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(_pid: int, _cores: frozenset[int]) -> None:
        raise PermissionError("Operation not permitted")

    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    cores = WorkerCores(workers=2, cores=[0, 1])
    worker = _Worker()
    cores.assign(worker, [])
    with caplog.at_level(logging.INFO, logger="aplauso"):
        cores.enter(worker)
    assert [
        (r.levelname, "could not be kept on CPUs [0]" in r.getMessage()) for r in caplog.records
    ] == [("WARNING", True)]
