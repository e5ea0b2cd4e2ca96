"""The pulse DM: each question with its scale as buttons, updated in place as people answer."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import t
from bot.views.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    fit_message,
    header,
    plain,
    section,
)
from engagement.pulse import COMMENT_MAX, PulseInvite, QuestionInfo

SCORE_ACTION_PREFIX = "pulse_score_"
SKIP_ACTION = "pulse_skip"
COMMENT_ACTION = "pulse_comment"
COMMENT_MODAL = "pulse_comment_modal"
COMMENT_SCORE_BLOCK = "pulse_comment_score"
COMMENT_TEXT_BLOCK = "pulse_comment_text"
COMMENT_SCORE_ACTION = "score"
COMMENT_TEXT_ACTION = "comment"
STOP_ACTION = "pulse_stop"

Message = tuple[str, list[Block]]


def score_value(week: str, key: str, score: int) -> str:
    return json.dumps({"w": week, "q": key, "s": score}, separators=(",", ":"))


def _question_blocks(question: QuestionInfo, invite: PulseInvite, lang: str) -> list[Block]:
    scores = list(question.scores)
    blocks: list[Block] = [
        section(f"*{question.text(lang)}*", block_id=f"q_{question.key}"),
    ]
    if question.key in invite.answered_keys:
        blocks.append(context(t(lang, "pulse.done_line")))
        return blocks
    blocks.append(
        context(
            t(
                lang,
                "pulse.scale_hint",
                low_n=scores[0],
                low=question.low(lang),
                high_n=scores[-1],
                high=question.high(lang),
            )
        )
    )
    week = invite.week_start.isoformat()
    blocks.append(
        actions(
            *[
                button(
                    str(score),
                    f"{SCORE_ACTION_PREFIX}{score}",
                    value=score_value(week, question.key, score),
                )
                for score in scores
            ],
            button(
                t(lang, "pulse.comment_button"),
                COMMENT_ACTION,
                value=json.dumps({"w": week, "q": question.key}, separators=(",", ":")),
            ),
            block_id=f"a_{question.key}",
        )
    )
    return blocks


def pulse_message(invite: PulseInvite, lang: str, *, reminder: bool = False) -> Message:
    open_questions = [q for q in invite.questions if q.key not in invite.answered_keys]
    count = len(open_questions)
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
    text = t(lang, "pulse.reminder_text" if reminder else "pulse.text", count=count)
    return text, fit_message(blocks)


def closed_message(lang: str) -> Message:
    text = t(lang, "pulse.closed")
    return text, [section(text)]


def parse_score_value(raw: str) -> tuple[str, str, int] | None:
    """(week, question key, score) from a button value, or None when it is not ours."""
    try:
        data: Any = json.loads(raw)
        return str(data["w"]), str(data["q"]), int(data["s"])
    except (ValueError, KeyError, TypeError):
        return None


def comment_modal(question: QuestionInfo, lang: str, *, private_metadata: str) -> dict[str, Any]:
    """Answer and comment together: a comment added later could not be joined to an answer
    that carries no name, which is the point."""
    options = [{"text": plain(str(score), 75), "value": str(score)} for score in question.scores]
    return {
        "type": "modal",
        "callback_id": COMMENT_MODAL,
        "title": plain(t(lang, "pulse.comment_title"), 24),
        "submit": plain(t(lang, "pulse.comment_submit"), 24),
        "close": plain(t(lang, "pulse.comment_close"), 24),
        "private_metadata": private_metadata,
        "blocks": [
            section(f"*{question.text(lang)}*"),
            context(
                t(
                    lang,
                    "pulse.scale_hint",
                    low_n=options[0]["value"],
                    low=question.low(lang),
                    high_n=options[-1]["value"],
                    high=question.high(lang),
                )
            ),
            {
                "type": "input",
                "block_id": COMMENT_SCORE_BLOCK,
                "label": plain(t(lang, "pulse.comment_score_label"), 2000),
                "element": {
                    "type": "static_select",
                    "action_id": COMMENT_SCORE_ACTION,
                    "options": options,
                },
            },
            {
                "type": "input",
                "block_id": COMMENT_TEXT_BLOCK,
                "optional": True,
                "label": plain(t(lang, "pulse.comment_label"), 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_TEXT_ACTION,
                    "multiline": True,
                    "max_length": COMMENT_MAX,
                },
            },
            context(t(lang, "pulse.comment_hint")),
        ],
    }
