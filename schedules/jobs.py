"""The jobs themselves: thin wrappers that hand the moment to act as to a service."""

from __future__ import annotations

from datetime import datetime

from engagement.digest import send_digests
from engagement.feedback import deliver_due
from engagement.pulse import (
    PulseMessenger,
    reshuffle_closed_weeks,
    send_due_pulses,
    send_reminders,
)
from schedules.registry import JobDependencies, JobReport, ScheduledJob


def _messenger(deps: JobDependencies) -> PulseMessenger:
    if deps.messenger is None:
        raise RuntimeError("the pulse jobs need a Slack messenger")
    messenger: PulseMessenger = deps.messenger
    return messenger


def run_pulse(deps: JobDependencies, now: datetime) -> JobReport:
    result = send_due_pulses(deps.database, _messenger(deps), now)
    return JobReport(
        "pulse",
        sent=result.sent,
        skipped=result.skipped,
        failed=result.failed,
        notes=sorted(set(result.notes)),
    )


def run_reminders(deps: JobDependencies, now: datetime) -> JobReport:
    reshuffle_closed_weeks(deps.database, now)
    result = send_reminders(deps.database, _messenger(deps), now)
    return JobReport("reminders", sent=result.sent, skipped=result.skipped, failed=result.failed)


def run_feedback(deps: JobDependencies, now: datetime) -> JobReport:
    """Delivers delayed feedback whose time has come; forgets writers 30 days after resolution."""
    if deps.feedback_courier is None:
        return JobReport("feedback", notes=["no Slack courier in this process"])
    return JobReport("feedback", sent=deliver_due(deps.database, deps.feedback_courier, now))


def run_digest(deps: JobDependencies, now: datetime) -> JobReport:
    if deps.digest_messenger is None:
        raise RuntimeError("the digest job needs a Slack messenger")
    result = send_digests(deps.database, deps.digest_messenger, now)
    return JobReport(
        "digest",
        sent=result.sent,
        skipped=result.skipped,
        failed=result.failed,
        notes=sorted(set(result.notes)),
    )


JOBS: dict[str, ScheduledJob] = {
    job.name: job
    for job in (
        ScheduledJob(
            "pulse", "send this week's pulse to whoever is due", run_pulse, every_minutes=15
        ),
        ScheduledJob(
            "reminders", "nudge people who have not answered", run_reminders, every_minutes=15
        ),
        ScheduledJob("feedback", "deliver delayed feedback", run_feedback, every_minutes=5),
        ScheduledJob("digest", "post managers' weekly digests", run_digest, every_minutes=15),
    )
}
