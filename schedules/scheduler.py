"""The in-process APScheduler, started once per `aplauso serve` process."""

from __future__ import annotations

import logging
import time
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from engagement.clock import Clock
from engagement.services import Services
from schedules.jobs import JOBS, Job

logger = logging.getLogger("aplauso.scheduler")


def _run_job(job: Job, services: Services, clock: Clock) -> None:
    started = time.monotonic()
    try:
        report = job.run(services, clock())
        logger.info("%s (%.2f s)", report.summary(job.name), time.monotonic() - started)
    except Exception as error:  # one failed run must not stop the schedule
        logger.error("job %s failed: %s", job.name, type(error).__name__)


def build_scheduler(
    services: Services, clock: Clock, jobs: dict[str, Job] | None = None
) -> BackgroundScheduler:
    """Jobs run often and decide for themselves what is due, so a missed run is caught up
    by the next one; coalescing folds a backlog of missed runs into one."""
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for job in (JOBS if jobs is None else jobs).values():
        scheduler.add_job(
            _run_job,
            IntervalTrigger(minutes=job.every_minutes, timezone=UTC),
            args=[job, services, clock],
            id=job.name,
            name=job.description,
            next_run_time=clock(),
            replace_existing=True,
        )
    return scheduler
