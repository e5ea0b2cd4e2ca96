"""The pulse's calendar: which week is owed to whom, when a week closes, which month it rates.

A pulse belongs to the person's own Monday-to-Sunday week, so it opens on pulse day in their
time zone and stays open until the last time zone's Sunday has ended. Pure functions: the
moment and the zone are passed in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engagement.local_time import monday_of

EPOCH_MONDAY = date(2024, 1, 1)
CLOSE_AFTER = timedelta(days=7, hours=14)  # the end of Sunday in the earliest time zone


def week_number(week_start: date) -> int:
    """Weeks since a fixed Monday: every process picks the same questions for the same week."""
    return (week_start - EPOCH_MONDAY).days // 7


def closes_at(week_start: date) -> datetime:
    return datetime.combine(week_start, time(0), UTC) + CLOSE_AFTER


def month_of(week_start: date) -> date:
    return week_start.replace(day=1)


def due_week(zone: ZoneInfo, now: datetime, weekday: int, hour: int) -> date | None:
    """The week whose pulse a person in `zone` is owed now: from the pulse day and hour in
    their own time until the end of their Sunday."""
    local = now.astimezone(zone)
    if (local.weekday(), local.hour) < (weekday, hour):
        return None
    return monday_of(local.date())


def recent_weeks(now: datetime) -> tuple[date, date]:
    """This week and last week (UTC Mondays): the only weeks that may still be open."""
    this_week = monday_of(now.date())
    return this_week, this_week - timedelta(days=7)


def open_weeks(now: datetime) -> list[date]:
    return [week for week in recent_weeks(now) if now < closes_at(week)]


def closed_before(now: datetime) -> date:
    """Every week starting before this day has closed by `now`."""
    return (now - CLOSE_AFTER).date() + timedelta(days=1)
