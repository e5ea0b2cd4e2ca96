"""The pulse DM fits Slack's limits in both languages and shows what is done."""

from __future__ import annotations

from datetime import date

import pytest

from bot.views.limits import block_problems
from bot.views.pulse import (
    SCORE_ACTION_PREFIX,
    SKIP_ACTION,
    STOP_ACTION,
    parse_score_value,
    pulse_message,
)
from engagement.pulse import PulseInvite, QuestionInfo
from engagement.pulse_bank import DEFAULT_BANK, ENPS_QUESTION_KEY


def info(key: str) -> QuestionInfo:
    return next(q for q in DEFAULT_BANK if q.key == key)


QUESTIONS = (*(info(q.key) for q in DEFAULT_BANK[:3]), info(ENPS_QUESTION_KEY))
INVITE = PulseInvite("U1", "en", date(2026, 11, 23), QUESTIONS)


def buttons(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("reminder", [False, True])
def test_the_pulse_fits_a_message(lang: str, reminder: bool) -> None:
    text, blocks = pulse_message(INVITE, lang, reminder=reminder)
    assert text
    assert block_problems(blocks) == []


def test_likert_questions_offer_1_to_5_and_enps_0_to_10() -> None:
    _, blocks = pulse_message(INVITE, "en")
    scores = [
        str(b["action_id"])
        for b in buttons(blocks)
        if str(b["action_id"]).startswith(SCORE_ACTION_PREFIX)
    ]
    assert len(scores) == 3 * 5 + 11
    values = [parse_score_value(str(b["value"])) for b in buttons(blocks) if "value" in b]
    assert ("2026-11-23", ENPS_QUESTION_KEY, 10) in values


def test_answered_questions_lose_their_buttons_and_a_finished_pulse_says_thanks() -> None:
    done = PulseInvite("U1", "en", INVITE.week_start, QUESTIONS, answered_keys=(QUESTIONS[0].key,))
    _, blocks = pulse_message(done, "en")
    assert f"a_{QUESTIONS[0].key}" not in [b.get("block_id") for b in blocks]
    all_done = PulseInvite(
        "U1", "es", INVITE.week_start, QUESTIONS, answered_keys=tuple(q.key for q in QUESTIONS)
    )
    _, blocks = pulse_message(all_done, "es")
    assert "¡Gracias!" in str(blocks)
    assert SKIP_ACTION not in str(blocks)
    assert STOP_ACTION not in str(blocks)


def test_a_foreign_button_value_is_ignored() -> None:
    assert parse_score_value("not json") is None
    assert parse_score_value('{"w": "x"}') is None
