"""The feedback rules that need no database: table-tested on their own.

Each refusal names the form input it is about (`field`), so the modal can show it in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from engagement.errors import DomainError
from engagement.feedback_model import TEXT_MAX, Author
from engagement.text_rules import trimmed_text

SLOT_HOURS = 3
"""Feedback, replies and the news for writers leave in slots, every three hours on the UTC
clock, whoever sends or receives them."""
EMPTY = "feedback.errors.empty"
TOO_LONG = "feedback.errors.too_long"


def validate_text(text: str) -> str:
    """The text as it will be stored: trimmed, not empty, within Slack's 3,000 characters."""
    return trimmed_text(text, TEXT_MAX, field="text", empty=EMPTY, too_long=TOO_LONG)


def check_daily_limit(written_today: int, limit: int) -> None:
    if written_today >= limit:
        raise DomainError("feedback.errors.daily_limit", field="text", limit=limit)


def is_small_team(member_count: int, k: int) -> bool:
    """Writers in small teams are warned: the manager may guess who wrote."""
    return member_count < k


def choose_recipient(
    active_manager_id: str | None, active_admin_ids: Sequence[str]
) -> tuple[str, bool]:
    """The team's manager while active, else the first active admin: (user id, via admins)."""
    if active_manager_id:
        return active_manager_id, False
    if active_admin_ids:
        return active_admin_ids[0], True
    raise DomainError("feedback.errors.no_recipient", field="team")


def role_of(user_id: str, manager_id: str, writer_id: str | None) -> Author | None:
    """Who someone is in a conversation; `writer_id` comes from the sealed token only."""
    if not user_id:
        return None
    if user_id == manager_id:
        return Author.MANAGER
    if writer_id is not None and user_id == writer_id:
        return Author.WRITER
    return None


def require_recipient(user_id: str, manager_id: str) -> None:
    """Only whoever receives a conversation acknowledges, resolves, flags or reopens its card."""
    if not user_id or user_id != manager_id:
        raise DomainError("feedback.errors.not_yours")


def next_slot(now: datetime) -> datetime:
    """The delivery slot after `now`: everything written since the last slot leaves together,
    so an arrival says only "written in the last three hours", and storage keeps the slot,
    never the moment of writing."""
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(hours=SLOT_HOURS - hour.hour % SLOT_HOURS)
