"""The pulse DM: each question with its scale as buttons, updated in place as people answer.

The buttons carry their week and question in their values; the decoders sit next to the
encoders here so the two cannot drift apart.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

from bot.i18n import t
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    input_block,
    modal,
    option,
    section,
    slack_message,
)
from engagement.pulse_model import COMMENT_MAX, PulseInvite, QuestionInfo

SCORE_ACTION_PREFIX = "pulse_score_"
SKIP_ACTION = "pulse_skip"
COMMENT_ACTION = "pulse_comment"
COMMENT_MODAL = "pulse_comment_modal"
COMMENT_SCORE_BLOCK = "pulse_comment_score"
COMMENT_TEXT_BLOCK = "pulse_comment_text"
COMMENT_SCORE_ACTION = "score"
COMMENT_TEXT_ACTION = "comment"
STOP_ACTION = "pulse_stop"

COMMENT_FIELD_BLOCKS = {"score": COMMENT_SCORE_BLOCK, "comment": COMMENT_TEXT_BLOCK}
"""Which input of the comment modal a `DomainError.field` points at."""

Message = tuple[str, list[Block]]


class QuestionRef(NamedTuple):
    week: date
    key: str


class ScoreClick(NamedTuple):
    week: date
    key: str
    score: int


class CommentTarget(NamedTuple):
    question: QuestionRef
    channel: str | None
    ts: str | None


def _compact(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"))


def score_value(week: str, key: str, score: int) -> str:
    return _compact({"w": week, "q": key, "s": score})


def parse_week(raw: object) -> date | None:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


def _decode(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _question_of(data: dict[str, Any]) -> QuestionRef | None:
    week = parse_week(data.get("w"))
    return QuestionRef(week, str(data["q"])) if week and data.get("q") else None


def parse_question_value(raw: str) -> QuestionRef | None:
    """(week, question key) from a comment button, or None when it is not ours."""
    return _question_of(_decode(raw))


def parse_score_value(raw: str) -> ScoreClick | None:
    """(week, question key, score) from a score button, or None when it is not ours."""
    data = _decode(raw)
    question = _question_of(data)
    try:
        score = int(data["s"])
    except (KeyError, TypeError, ValueError):
        return None
    return ScoreClick(question.week, question.key, score) if question else None


def parse_comment_metadata(raw: str) -> CommentTarget | None:
    """What the comment modal is about, and which DM to redraw once it is answered."""
    data = _decode(raw)
    question = _question_of(data)
    if question is None:
        return None
    return CommentTarget(
        question, str(data.get("c") or "") or None, str(data.get("ts") or "") or None
    )


def _scale_hint(question: QuestionInfo, lang: str) -> Block:
    scores = list(question.scores)
    return context(
        t(
            lang,
            "pulse.scale_hint",
            low_n=scores[0],
            low=question.low(lang),
            high_n=scores[-1],
            high=question.high(lang),
        )
    )


def _question_blocks(question: QuestionInfo, invite: PulseInvite, lang: str) -> list[Block]:
    blocks: list[Block] = [section(f"*{question.text(lang)}*", block_id=f"q_{question.key}")]
    if question.key in invite.answered_keys:
        return [*blocks, context(t(lang, "pulse.done_line"))]
    week = invite.week_start.isoformat()
    scores = [
        button(
            str(score),
            f"{SCORE_ACTION_PREFIX}{score}",
            value=score_value(week, question.key, score),
        )
        for score in question.scores
    ]
    comment = button(
        t(lang, "pulse.comment_button"),
        COMMENT_ACTION,
        value=_compact({"w": week, "q": question.key}),
    )
    return [
        *blocks,
        _scale_hint(question, lang),
        actions(*scores, comment, block_id=f"a_{question.key}"),
    ]


def pulse_message(invite: PulseInvite, lang: str, *, reminder: bool = False) -> Message:
    open_questions = [q for q in invite.questions if q.key not in invite.answered_keys]
    blocks: list[Block] = [
        header(t(lang, "pulse.reminder_title" if reminder else "pulse.title")),
        context(
            t(lang, "pulse.reminder_intro")
            if reminder
            else t(lang, "pulse.intro", count=len(invite.questions), k=invite.anonymity_k)
        ),
    ]
    for question in invite.questions:
        blocks.append(divider())
        blocks.extend(_question_blocks(question, invite, lang))
    blocks.append(divider())
    if open_questions:
        week = invite.week_start.isoformat()
        blocks.append(
            actions(
                button(t(lang, "pulse.skip_button"), SKIP_ACTION, value=week),
                button(t(lang, "pulse.stop_button"), STOP_ACTION, value=week, style="danger"),
                block_id="pulse_controls",
            )
        )
    else:
        blocks.append(section(t(lang, "pulse.all_done")))
    text = t(lang, "pulse.reminder_text" if reminder else "pulse.text", count=len(open_questions))
    return slack_message(text, blocks)


def _note(lang: str, key: str) -> Message:
    text = t(lang, key)
    return text, [section(text)]


def closed_message(lang: str) -> Message:
    return _note(lang, "pulse.closed")


def skipped_message(lang: str) -> Message:
    return _note(lang, "pulse.skipped_all")


def stopped_message(lang: str) -> Message:
    return _note(lang, "pulse.stopped")


def comment_modal(
    question: QuestionInfo,
    lang: str,
    *,
    target: QuestionRef,
    channel: str | None,
    ts: str | None,
) -> dict[str, Any]:
    """Answer and comment together: a comment added later could not be joined to an answer
    that carries no name, which is the point. The metadata says which DM to redraw."""
    metadata = {"w": target.week.isoformat(), "q": target.key, "c": channel, "ts": ts}
    score_select = {
        "type": "static_select",
        "action_id": COMMENT_SCORE_ACTION,
        "options": [option(str(score), str(score)) for score in question.scores],
    }
    text_input = {
        "type": "plain_text_input",
        "action_id": COMMENT_TEXT_ACTION,
        "multiline": True,
        "max_length": COMMENT_MAX,
    }
    blocks = [
        section(f"*{question.text(lang)}*"),
        _scale_hint(question, lang),
        input_block(COMMENT_SCORE_BLOCK, t(lang, "pulse.comment_score_label"), score_select),
        input_block(COMMENT_TEXT_BLOCK, t(lang, "pulse.comment_label"), text_input, optional=True),
        context(t(lang, "pulse.comment_hint")),
    ]
    return modal(lang, COMMENT_MODAL, "pulse.comment_modal", blocks, _compact(metadata))


def comment_errors(field: str | None, message: str) -> dict[str, str]:
    """The modal's inline error, under the input it is about (the score when unsure)."""
    return {COMMENT_FIELD_BLOCKS.get(field or "", COMMENT_SCORE_BLOCK): message}
