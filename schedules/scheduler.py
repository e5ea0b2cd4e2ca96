"""The in-process APScheduler, started once per `aplauso serve` process."""

from __future__ import annotations

import logging
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from schedules.jobs import JOBS
from schedules.registry import JobDependencies, ScheduledJob

logger = logging.getLogger("aplauso.scheduler")


def _run_job(job: ScheduledJob, deps: JobDependencies) -> None:
    try:
        report = job.run(deps, deps.clock())
        logger.info("%s", report.summary())
    except Exception as error:  # one failed run must not stop the schedule
        logger.error("job %s failed: %s", job.name, type(error).__name__)


def build_scheduler(
    deps: JobDependencies, jobs: dict[str, ScheduledJob] | None = None
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
            args=[job, deps],
            id=job.name,
            name=job.description,
            next_run_time=deps.clock(),
            replace_existing=True,
        )
    return scheduler
