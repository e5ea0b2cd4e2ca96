"""The pulse DM: each question with its scale as buttons, updated in place as people answer."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import t
from bot.views.blocks import Block, actions, button, context, divider, fit_message, header, section
from engagement.pulse import PulseInvite, QuestionInfo

SCORE_ACTION_PREFIX = "pulse_score_"
SKIP_ACTION = "pulse_skip"
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
            else t(lang, "pulse.intro", count=count, k=invite.anonymity_k)
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
