"""`aplauso serve` over HTTP: gunicorn with N worker processes, the jobs in exactly one of them.

Why processes: one Python process runs Python on one core at a time (the interpreter lock),
and a kudos is mostly Python (Bolt, SQL building, Block Kit, the Slack client). Each worker is
a whole app of its own (database pool, Slack client, listener pool), built after the fork, so
no connection or thread crosses it. The master only forks, watches and relays signals.

The jobs: every worker asks for the one seat (`storage/scheduler_seat.py`, given here as
callables); the worker that gets it runs the scheduler and loads the directory from Slack
when it is due, the others ask again now and then and take over if that worker dies.

SIGTERM: the master stops taking connections and asks each worker to stop; a worker finishes
the requests it has, then (in `worker_exit`) waits for its listener pool to finish the work
done after acknowledging, stops its scheduler and closes its database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from bot.gc_tuning import freeze_what_is_built
from bot.worker_cores import WorkerCores, allowed_cores

logger = logging.getLogger("aplauso")

SEAT_RETRY_SECONDS = 15.0
GRACEFUL_SECONDS = 30


class Scheduler(Protocol):
    running: bool

    def start(self) -> None: ...

    def shutdown(self, wait: bool = True) -> None: ...


@dataclass(frozen=True)
class Seat:
    """The scheduler seat as callables, so this module needs no storage."""

    take: Callable[[], bool]
    still_held: Callable[[], bool]
    release: Callable[[], None]


class JobsSeat:
    """Runs the scheduler while this process holds the seat; checks it every few seconds."""

    def __init__(
        self,
        seat: Seat,
        make_scheduler: Callable[[], Scheduler],
        on_taken: Callable[[], None] = lambda: None,
        every: float = SEAT_RETRY_SECONDS,
    ) -> None:
        self._seat = seat
        self._make_scheduler = make_scheduler
        self._on_taken = on_taken
        self._every = every
        self._scheduler: Scheduler | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="aplauso-seat", daemon=True)

    @property
    def running(self) -> bool:
        """Healthy: running the jobs, or waiting for the seat while another process runs them."""
        if self._scheduler is not None:
            return bool(self._scheduler.running)
        return self._thread.is_alive()

    @property
    def holder(self) -> bool:
        return self._scheduler is not None

    def start(self) -> JobsSeat:
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stopping.is_set():
            try:
                self._step()
            except Exception as error:  # the seat keeper must outlive a database outage
                logger.warning("scheduler seat check failed: %s", type(error).__name__)
            self._stopping.wait(self._every)

    def _step(self) -> None:
        if self._scheduler is not None:
            if not self._seat.still_held():
                self._scheduler.shutdown(wait=False)
                self._scheduler = None
            return
        if self._seat.take():
            logger.info("this process runs the scheduled jobs")
            scheduler = self._make_scheduler()
            scheduler.start()
            self._scheduler = scheduler
            self._on_taken()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self._scheduler = None
        self._seat.release()


class Worker(Protocol):
    """One worker process's app."""

    def wsgi(self) -> Callable[..., Any]: ...

    def stop(self) -> None:
        """Drains the listener pool, stops the jobs, closes the database."""


class Drains(Protocol):
    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None: ...


@dataclass
class AppWorker:
    """What `wiring.serve_workers` builds in each worker: its WSGI app and what to stop."""

    app: Callable[..., Any]
    listeners: Drains
    close_database: Callable[[], None]
    jobs: JobsSeat | None = None

    def wsgi(self) -> Callable[..., Any]:
        return self.app

    def stop(self) -> None:
        """After the last request: the work done after acknowledging, then the jobs."""
        self.listeners.shutdown(wait=True, cancel_futures=False)
        if self.jobs is not None:
            self.jobs.stop()
        self.close_database()


def in_background(name: str, work: Callable[[], object]) -> None:
    """Start-up work that must not delay the first answer (warming the directory)."""

    def run() -> None:
        try:
            work()
        except Exception as error:  # a cold cache is slower, not broken
            logger.warning("%s failed: %s", name, type(error).__name__)

    threading.Thread(target=run, name=f"aplauso-{name}", daemon=True).start()


def available_cores() -> int:
    """How many CPUs this process may run on (what `nproc` says)."""
    return len(allowed_cores()) or os.cpu_count() or 1


class _Master(Arbiter):
    """gunicorn's master, saying in Aplauso's log why it stops; SIGINT drains like SIGTERM."""

    def handle_term(self) -> None:
        logger.info("SIGTERM received, shutting down")
        super().handle_term()

    def handle_int(self) -> None:
        logger.info("SIGINT received, shutting down")
        super().handle_term()


class AplausoServer(BaseApplication):
    """gunicorn's master, configured in code: gthread workers, no config file, no control socket
    (two instances on one machine must not fight over it)."""

    def __init__(
        self,
        make_worker: Callable[[], Worker],
        *,
        port: int,
        workers: int,
        threads: int,
        cores: WorkerCores,
    ) -> None:
        self._make_worker = make_worker
        self._worker: Worker | None = None
        self._cores = cores
        self._options: dict[str, Any] = {
            "bind": f"0.0.0.0:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "graceful_timeout": GRACEFUL_SECONDS,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": logging.getLevelName(logging.getLogger().level).lower(),
            "proc_name": "aplauso",
            "control_socket_disable": True,
            "worker_exit": self._worker_exit,
            "pre_fork": self._pre_fork,
            "post_fork": self._post_fork,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def run(self) -> None:
        _Master(self).run()

    def load(self) -> Callable[..., Any]:
        """Called in each worker after the fork: the worker's own app."""
        self._worker = self._make_worker()
        freeze_what_is_built()  # the worker's app lives as long as the worker
        return self._worker.wsgi()

    def _pre_fork(self, server: Any, worker: Any) -> None:
        self._cores.assign(worker, server.WORKERS.values())

    def _post_fork(self, _server: Any, worker: Any) -> None:
        self._cores.enter(worker)

    def _worker_exit(self, _server: Any, _worker: Any) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


def run_workers(
    make_worker: Callable[[], Worker],
    *,
    port: int,
    workers: int,
    threads: int,
    pin_workers: bool = True,
) -> int:
    """Serves until SIGTERM (graceful) or SIGINT; the exit status gunicorn ends with.
    `pin_workers`: each worker on a core of its own when there is one for each
    (bot/worker_cores.py).

    A port in use raises OSError at once (gunicorn itself would retry for five seconds and
    then exit with a log line), so `aplauso serve` can name the port in its one line."""
    with socket.create_server(("0.0.0.0", port)):
        pass
    logger.info("listening on port %s with %s worker processes", port, workers)
    freeze_what_is_built()  # before the fork: the workers share these pages untouched
    try:
        cores = WorkerCores(workers, allowed_cores() if pin_workers else [])
        AplausoServer(make_worker, port=port, workers=workers, threads=threads, cores=cores).run()
    except SystemExit as ending:
        return int(ending.code or 0) if not isinstance(ending.code, str) else 1
    return 0
