"""The feedback rules that need no database: table-tested on their own.

Each refusal names the form input it is about (`field`), so the modal can show it in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from engagement.errors import DomainError
from engagement.feedback_model import TEXT_MAX, Author

DELAY_MIN_MINUTES = 120
DELAY_MAX_MINUTES = 300
DELAY_SPAN_MINUTES = DELAY_MAX_MINUTES - DELAY_MIN_MINUTES


def validate_text(text: str) -> str:
    """The text as it will be stored: trimmed, not empty, within Slack's 3,000 characters."""
    cleaned = text.strip()
    if not cleaned:
        raise DomainError("feedback.errors.empty", field="text")
    if len(cleaned) > TEXT_MAX:
        raise DomainError(
            "feedback.errors.too_long", field="text", max=TEXT_MAX, length=len(cleaned)
        )
    return cleaned


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


def delivery_delay(wanted: bool, draw: int) -> timedelta | None:
    """Two to five hours when asked for, so the arrival says nothing about when it was written.

    `draw` is a random number in `[0, DELAY_SPAN_MINUTES)`; anything outside is folded in.
    """
    if not wanted:
        return None
    return timedelta(minutes=DELAY_MIN_MINUTES + draw % DELAY_SPAN_MINUTES)
