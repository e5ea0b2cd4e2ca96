"""People live in their own time zones: days, months and pulse hours are theirs, not the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.models import Person


def zone_of(person: Person | None) -> ZoneInfo:
    try:
        return ZoneInfo(person.tz) if person and person.tz else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def start_of_local_day(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def start_of_local_month(now: datetime, zone: ZoneInfo) -> datetime:
    local = now.astimezone(zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def local_now(person: Person | None, now: datetime) -> datetime:
    return now.astimezone(zone_of(person))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
