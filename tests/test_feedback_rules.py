"""The feedback rules that need no database, as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from engagement.errors import DomainError
from engagement.feedback_model import TEXT_MAX, Author, Destination, Posted
from engagement.feedback_rules import (
    check_daily_limit,
    choose_recipient,
    is_small_team,
    next_slot,
    require_recipient,
    role_of,
    validate_text,
)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("  Más formación, por favor.\n", "Más formación, por favor."),
        ("x" * TEXT_MAX, "x" * TEXT_MAX),
        ("  " + "x" * TEXT_MAX + "  ", "x" * TEXT_MAX),
    ],
)
def test_a_text_is_stored_trimmed(text: str, stored: str) -> None:
    assert validate_text(text) == stored


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("", "feedback.errors.empty", {}),
        (" \n\t ", "feedback.errors.empty", {}),
        ("x" * (TEXT_MAX + 1), "feedback.errors.too_long", {"max": TEXT_MAX, "length": 3001}),
    ],
)
def test_an_empty_or_too_long_text_is_refused_under_the_text_input(
    text: str, key: str, params: dict[str, object]
) -> None:
    with pytest.raises(DomainError) as refused:
        validate_text(text)
    assert (refused.value.key, refused.value.field, refused.value.params) == (key, "text", params)


@pytest.mark.parametrize(
    ("written", "limit", "refused"),
    [(0, 1, False), (4, 5, False), (5, 5, True), (6, 5, True), (0, 0, True)],
)
def test_the_daily_limit(written: int, limit: int, refused: bool) -> None:
    if not refused:
        check_daily_limit(written, limit)
        return
    with pytest.raises(DomainError) as error:
        check_daily_limit(written, limit)
    assert (error.value.key, error.value.field, error.value.params) == (
        "feedback.errors.daily_limit",
        "text",
        {"limit": limit},
    )


@pytest.mark.parametrize(
    ("members", "k", "small"),
    [(1, 5, True), (4, 5, True), (5, 5, False), (9, 5, False), (3, 3, False)],
)
def test_a_team_below_the_anonymity_threshold_is_small(members: int, k: int, small: bool) -> None:
    assert is_small_team(members, k) is small


@pytest.mark.parametrize(
    ("manager", "admins", "expected"),
    [
        ("UMAX", [], ("UMAX", False)),
        ("UMAX", ["UADMIN"], ("UMAX", False)),
        (None, ["UADMIN", "UOTHER"], ("UADMIN", True)),
    ],
)
def test_the_manager_receives_and_admins_stand_in_for_a_missing_one(
    manager: str | None, admins: list[str], expected: tuple[str, bool]
) -> None:
    assert choose_recipient(manager, admins) == expected


def test_without_manager_or_admins_nobody_can_receive() -> None:
    with pytest.raises(DomainError) as refused:
        choose_recipient(None, [])
    assert (refused.value.key, refused.value.field) == ("feedback.errors.no_recipient", "team")


@pytest.mark.parametrize(
    ("user", "manager", "writer", "role"),
    [
        ("UMAX", "UMAX", "UANA", Author.MANAGER),
        ("UANA", "UMAX", "UANA", Author.WRITER),
        ("ULUIS", "UMAX", "UANA", None),
        ("UANA", "UMAX", None, None),  # the writer was forgotten: the conversation is over
        ("", "UMAX", "UANA", None),
        ("", "", None, None),
    ],
)
def test_who_someone_is_in_a_conversation(
    user: str, manager: str, writer: str | None, role: Author | None
) -> None:
    assert role_of(user, manager, writer) is role


@pytest.mark.parametrize(
    ("user", "manager", "allowed"),
    [("UMAX", "UMAX", True), ("UANA", "UMAX", False), ("", "", False)],
)
def test_only_the_recipient_manages_a_conversation(user: str, manager: str, allowed: bool) -> None:
    if allowed:
        require_recipient(user, manager)
        return
    with pytest.raises(DomainError, match=r"feedback\.errors\.not_yours"):
        require_recipient(user, manager)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, 1, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (at(9, 0, 1), at(12)),
        (at(11, 59, 59), at(12)),
        (at(12), at(15)),  # a slot that has begun is gone: the next one
        (at(22, 30), at(0) + timedelta(days=1)),
        # the clock of the writer's zone changes nothing: slots are the same for everyone
        (datetime(2026, 12, 1, 10, 30, tzinfo=timezone(timedelta(hours=-5))), at(18)),
    ],
)
def test_everything_leaves_at_the_next_three_hour_slot(now: datetime, slot: datetime) -> None:
    assert next_slot(now) == slot


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        (None, Destination("UANA", "es")),
        (Posted("DANA", "171.1"), Destination("DANA", "es", "171.1")),
        (Posted("", ""), Destination("UANA", "es")),
    ],
)
def test_later_posts_follow_the_thread_a_post_started(
    posted: Posted | None, expected: Destination
) -> None:
    assert Destination("UANA", "es").in_thread(posted) == expected
