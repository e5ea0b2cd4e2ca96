"""The kudos rules as tables: pure functions, no database and no Slack."""

from __future__ import annotations

import pytest

from engagement.errors import DomainError
from engagement.kudos_model import SkippedReceiver
from engagement.kudos_rules import MAX_RECEIVERS, check_kudos, limit_units, skip_reason

# --- the pure rules ---------------------------------------------------------------------------

SELF = SkippedReceiver("UANA", "self")
BOT = SkippedReceiver("UBOT", "bot")
FINE = {
    "message": " thanks! ",
    "receiver_ids": ["ULUIS"],
    "skipped": [],
    "units": 1,
    "remaining": 5,
    "daily_limit": 5,
    "zone": "Europe/Madrid",
}


@pytest.mark.parametrize(
    ("change", "key", "field_name", "params"),
    [
        ({"message": "   "}, "kudos.errors.message_empty", "message", {}),
        (
            {"message": "x" * 1001},
            "kudos.errors.message_too_long",
            "message",
            {"max": 1000, "length": 1001},
        ),
        ({"receiver_ids": []}, "kudos.errors.no_receivers", "receivers", {}),
        ({"receiver_ids": [], "skipped": [SELF]}, "kudos.errors.only_self", "receivers", {}),
        (
            {"receiver_ids": [], "skipped": [SELF, BOT]},
            "kudos.errors.not_a_person",
            "receivers",
            {"user": "UBOT"},
        ),
        (
            {"receiver_ids": [f"U{n}" for n in range(MAX_RECEIVERS + 1)], "units": 1},
            "kudos.errors.too_many_receivers",
            "receivers",
            {"max": MAX_RECEIVERS},
        ),
        (
            {"units": 3, "remaining": 2},
            "kudos.errors.daily_limit",
            None,
            {"limit": 5, "remaining": 2, "reset": "00:00 (Europe/Madrid)"},
        ),
        # the message is judged first: the giver fixes one thing at a time, top to bottom
        ({"message": "", "receiver_ids": []}, "kudos.errors.message_empty", "message", {}),
    ],
)
def test_check_kudos_refuses_with_the_rule_and_the_input_it_is_about(
    change: dict[str, object], key: str, field_name: str | None, params: dict[str, object]
) -> None:
    with pytest.raises(DomainError) as raised:
        check_kudos(**{**FINE, **change})  # type: ignore[arg-type]
    assert (raised.value.key, raised.value.field, raised.value.params) == (key, field_name, params)


@pytest.mark.parametrize(
    "change",
    [{}, {"units": 5, "remaining": 5}, {"skipped": [SELF, BOT]}, {"message": "x" * 1000}],
)
def test_check_kudos_lets_a_good_kudos_through_with_its_message_trimmed(
    change: dict[str, object],
) -> None:
    message = check_kudos(**{**FINE, **change})  # type: ignore[arg-type]
    assert message == str({**FINE, **change}["message"]).strip()


@pytest.mark.parametrize(
    ("user_id", "known", "is_bot", "deleted", "reason"),
    [
        ("UANA", True, False, False, "self"),
        ("UX", False, False, False, "unknown"),
        ("UX", True, True, True, "deactivated"),
        ("UX", True, True, False, "bot"),
        ("UX", True, False, False, None),
    ],
)
def test_skip_reason(
    user_id: str, known: bool, is_bot: bool, deleted: bool, reason: str | None
) -> None:
    assert skip_reason(user_id, "UANA", known=known, is_bot=is_bot, deleted=deleted) == reason


@pytest.mark.parametrize(
    ("named", "usergroups", "receivers", "units"),
    [
        (["U1", "U2"], 0, 2, 2),
        (["U1", "U1", "U2"], 0, 2, 2),  # named twice counts once
        (["UANA", "U1"], 0, 1, 1),  # the giver named among others costs nothing
        ([], 1, 8, 1),  # a whole user group counts once
        (["U1"], 2, 9, 3),
        ([], 0, 0, 1),
    ],
)
def test_limit_units(named: list[str], usergroups: int, receivers: int, units: int) -> None:
    assert limit_units(named, usergroups, receivers) == units
