"""The pulse DM and comment modal fit Slack's limits in both languages and show what is done."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.views.limits import block_problems, view_problems
from bot.views.pulse import (
    COMMENT_ACTION,
    SCORE_ACTION_PREFIX,
    SKIP_ACTION,
    STOP_ACTION,
    CommentTarget,
    QuestionRef,
    ScoreClick,
    closed_message,
    comment_modal,
    parse_comment_metadata,
    parse_question_value,
    parse_score_value,
    parse_week,
    pulse_message,
    skipped_message,
    stopped_message,
)
from engagement.pulse_bank import DEFAULT_BANK, ENPS_QUESTION_KEY
from engagement.pulse_model import PulseInvite, QuestionInfo

WEEK = date(2026, 11, 23)


def info(key: str) -> QuestionInfo:
    return next(q for q in DEFAULT_BANK if q.key == key)


QUESTIONS = (*(info(q.key) for q in DEFAULT_BANK[:3]), info(ENPS_QUESTION_KEY))
INVITE = PulseInvite("U1", "en", WEEK, QUESTIONS)


def buttons(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("reminder", [False, True])
def test_the_pulse_fits_a_message(lang: str, reminder: bool) -> None:
    text, blocks = pulse_message(INVITE, lang, reminder=reminder)
    assert text
    assert block_problems(blocks) == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_comment_modal_and_the_one_line_notes_fit(lang: str) -> None:
    target = QuestionRef(WEEK, ENPS_QUESTION_KEY)
    modal = comment_modal(info(ENPS_QUESTION_KEY), lang, target=target, channel="D1", ts="1.2")
    assert view_problems(modal) == []
    for text, blocks in (closed_message(lang), skipped_message(lang), stopped_message(lang)):
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
    assert ScoreClick(WEEK, ENPS_QUESTION_KEY, 10) in values


def test_each_button_value_reads_back_as_what_it_was_built_from() -> None:
    _, blocks = pulse_message(INVITE, "en")
    by_action = {str(b["action_id"]): str(b["value"]) for b in buttons(blocks)}
    assert parse_question_value(by_action[COMMENT_ACTION]) == QuestionRef(WEEK, QUESTIONS[-1].key)
    assert parse_week(by_action[SKIP_ACTION]) == WEEK
    assert parse_week(by_action[STOP_ACTION]) == WEEK
    target = QuestionRef(WEEK, "recognition_valued")
    modal = comment_modal(info("recognition_valued"), "en", target=target, channel="D1", ts="1.2")
    assert parse_comment_metadata(modal["private_metadata"]) == CommentTarget(target, "D1", "1.2")


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


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"w": "x"}',
        '{"w": "2026-11-23", "q": "k"}',  # no score
        '{"w": "2026-11-23", "s": 3}',  # no question
        '{"w": "someday", "q": "k", "s": 3}',
        '{"w": "2026-11-23", "q": "k", "s": "many"}',
        json.dumps([1, 2, 3]),
    ],
)
def test_a_foreign_button_value_is_ignored(raw: str) -> None:
    assert parse_score_value(raw) is None
