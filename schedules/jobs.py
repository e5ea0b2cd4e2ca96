"""The one registry of jobs: the scheduler and `aplauso jobs run NAME` both read it.

Each job is one service call that takes the moment to act as. The exactly-once guarantee per
period lives in storage, so running a job twice (or on two instances) sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from engagement.reports import RunReport
from engagement.services import Services


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: Callable[[Services, datetime], RunReport]
    every_minutes: int = 15


def send_pulses(services: Services, now: datetime) -> RunReport:
    return services.pulse.send_due(now)


def close_weeks_and_remind(services: Services, now: datetime) -> RunReport:
    """Closes the weeks that have ended (their answers rewritten in random order), then nudges
    whoever has not answered an open one."""
    rewritten = services.pulse.close_weeks(now)
    report = services.pulse.send_reminders(now)
    if not rewritten:
        return report
    return report.with_note(f"rewrote {rewritten} answers of closed weeks")


def deliver_feedback(services: Services, now: datetime) -> RunReport:
    """Delivers delayed feedback whose time has come; forgets writers 30 days after resolution."""
    report = services.feedback.deliver_due(now)
    notes = (f"forgot the writers of {report.forgotten} resolved threads",)
    return RunReport(
        sent=report.sent, failed=report.failed, notes=notes if report.forgotten else ()
    )


def send_digests(services: Services, now: datetime) -> RunReport:
    return services.digest.send_due(now)


def sync_rosters(services: Services, now: datetime) -> RunReport:
    """Once a day: who left the workspace, and every team bound to a user group read again,
    so a missed Slack event is corrected within a day."""
    return services.rosters.resync(now)


def send_welcomes(services: Services, now: datetime) -> RunReport:
    """Welcomes owed to people put on a team since the last run, and retries that fell due."""
    return services.welcomes.send_due(now)


def send_kudos_summaries(services: Services, now: datetime) -> RunReport:
    """Yesterday's (UTC) kudos, in one DM, to each person who chose a daily summary."""
    return services.quiet_kudos.send_summaries(now)


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("pulse", "send this week's pulse to whoever is due", send_pulses),
        Job("reminders", "nudge people who have not answered", close_weeks_and_remind),
        Job("feedback", "deliver delayed feedback", deliver_feedback, every_minutes=5),
        Job("digest", "post managers' weekly digests", send_digests),
        Job("rosters", "follow user groups and people who left", sync_rosters, every_minutes=1440),
        Job("welcomes", "welcome people put on a team", send_welcomes, every_minutes=5),
        Job(
            "kudos_summaries",
            "send yesterday's kudos to people who chose a daily summary",
            send_kudos_summaries,
            every_minutes=60,
        ),
    )
}
