"""The feedback forms: *Send feedback* and *Reply*, and their inline errors.

Feedback is the open channel: anyone writes to a team's manager, anonymously unless they choose
otherwise, and both sides keep talking in a thread under the first message (`feedback.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.views.blocks import (
    Block,
    blockquote,
    context,
    input_block,
    modal,
    option,
    plain,
    section,
)
from bot.views.feedback_text import kind_name
from engagement.feedback_model import TEXT_MAX, FeedbackKind, FeedbackLine
from engagement.teams_model import TeamRef

FEEDBACK_MODAL = "feedback_modal"
REPLY_MODAL = "feedback_reply_modal"

TEAM_BLOCK = "fb_team"
KIND_BLOCK = "fb_kind"
TEXT_BLOCK = "fb_text"
OPTIONS_BLOCK = "fb_options"
REPLY_BLOCK = "fb_reply"

TEAM_ACTION = "team"
KIND_ACTION = "kind"
TEXT_ACTION = "text"
OPTIONS_ACTION = "options"
REPLY_ACTION_INPUT = "reply"

ANONYMOUS_OPTION = "anonymous"

FIELD_BLOCKS: Mapping[str, str] = {"team": TEAM_BLOCK, "kind": KIND_BLOCK, "text": TEXT_BLOCK}
"""The service's `DomainError.field` names, and the input each one is shown under."""

STATIC_SELECT_OPTIONS_MAX = 100
PLACEHOLDER_MAX = 150
REPLY_QUOTE_MAX = 500
CONVERSATION_SHOWN = 40  # of Slack's 100 blocks in a modal
CONVERSATION_QUOTE_MAX = 2900


def _text_input(action_id: str, placeholder: str) -> dict[str, Any]:
    return {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": True,
        "min_length": 1,
        "max_length": TEXT_MAX,
        "placeholder": plain(placeholder, PLACEHOLDER_MAX),
    }


def _team_options(teams: Sequence[TeamRef], default_team_id: int | None) -> list[dict[str, Any]]:
    """At most Slack's 100 options, in the given order; the default team is never the one cut."""
    shown = list(teams[:STATIC_SELECT_OPTIONS_MAX])
    default = [team for team in teams if team.id == default_team_id]
    if default and default[0] not in shown:
        shown = [*shown[: STATIC_SELECT_OPTIONS_MAX - 1], default[0]]
    return [option(team.name, str(team.id)) for team in shown]


def _select(action_id: str, placeholder: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, PLACEHOLDER_MAX),
        "options": options,
    }


def feedback_modal(
    lang: str,
    teams: Sequence[TeamRef],
    *,
    default_team_id: int | None,
    small_team_warning: bool,
    k: int,
    private_metadata: str = "",
    initial_text: str = "",
) -> dict[str, Any]:
    """The *Send feedback* form: to whom, about what, the words, and how private.

    It opens anonymous by default, says why the channel exists and, plainly, what is
    protected and from whom (delivery slots, what Slack keeps); a small team is warned that
    anonymity thins out when there are few people to guess from.
    """
    blocks: list[Block] = [section(t(lang, "feedback.modal.intro"))]
    options = _team_options(teams, default_team_id)
    if not options:
        blocks.append(context(t(lang, "feedback.modal.no_teams")))
        return modal(lang, FEEDBACK_MODAL, "feedback.modal", blocks, private_metadata, submit=False)

    team_select = _select(TEAM_ACTION, t(lang, "feedback.modal.team_placeholder"), options)
    chosen = [option for option in options if option["value"] == str(default_team_id)]
    if default_team_id is not None and chosen:
        team_select["initial_option"] = chosen[0]
    blocks.append(input_block(TEAM_BLOCK, t(lang, "feedback.modal.team_label"), team_select))

    kinds = [option(kind_name(kind, lang), kind.value) for kind in FeedbackKind]
    kind_select = _select(KIND_ACTION, t(lang, "feedback.modal.kind_placeholder"), kinds)
    kind_select["initial_option"] = kinds[0]
    blocks.append(input_block(KIND_BLOCK, t(lang, "feedback.modal.kind_label"), kind_select))

    text_input = _text_input(TEXT_ACTION, t(lang, "feedback.modal.text_placeholder"))
    if initial_text:
        text_input["initial_value"] = initial_text[:TEXT_MAX]
    label, hint = t(lang, "feedback.modal.text_label"), t(lang, "feedback.modal.text_hint")
    blocks.append(input_block(TEXT_BLOCK, label, text_input, hint=hint))

    anonymous = option(t(lang, "feedback.modal.anonymous_option"), ANONYMOUS_OPTION)
    checkboxes: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": OPTIONS_ACTION,
        "options": [anonymous],
        "initial_options": [anonymous],
    }
    label = t(lang, "feedback.modal.options_label")
    blocks.append(input_block(OPTIONS_BLOCK, label, checkboxes, optional=True))
    blocks.append(context(t(lang, "feedback.modal.protection")))
    if small_team_warning:
        blocks.append(context(t(lang, "feedback.modal.small_team", k=k)))
    return modal(lang, FEEDBACK_MODAL, "feedback.modal", blocks, private_metadata)


def reply_modal(
    lang: str,
    *,
    thread_id: str,
    to_manager: bool,
    quoted: str,
    anonymous: bool = True,
    history: Sequence[FeedbackLine] = (),
) -> dict[str, Any]:
    """The *Reply* form for either side of a thread, quoting what is being answered; for the
    writer, the whole conversation (`history`), which their DM never holds.

    `to_manager` is True when the writer answers the manager. `anonymous` says whether the
    thread is anonymous; it only changes the privacy note, and defaults to the safe reading
    for the writer ("the manager will not see your name") — pass False for signed feedback so
    the note stays true.
    """
    side = "to_manager" if to_manager else "to_writer"
    privacy = "anonymous" if anonymous else "signed"
    blocks: list[Block] = _conversation(history, lang)
    if quoted.strip() and not history:
        intro = t(lang, "feedback.reply.quote_intro")
        blocks.append(section(f"{intro}\n{blockquote(quoted.strip(), REPLY_QUOTE_MAX)}"))
    reply_input = _text_input(REPLY_ACTION_INPUT, t(lang, "feedback.reply.placeholder"))
    blocks.append(input_block(REPLY_BLOCK, t(lang, "feedback.reply.label"), reply_input))
    blocks.append(context(t(lang, f"feedback.reply.{side}_{privacy}")))
    return modal(lang, REPLY_MODAL, "feedback.reply", blocks, thread_id)


def _conversation(history: Sequence[FeedbackLine], lang: str) -> list[Block]:
    """Each message of the conversation, whose it is, and whether it waits for a slot."""
    blocks: list[Block] = []
    for line in history[-CONVERSATION_SHOWN:]:
        who = t(lang, f"feedback.conversation.{line.author.value}")
        if line.waiting:
            who = f"{who} {t(lang, 'feedback.conversation.waiting')}"
        blocks.append(section(f"{who}\n{blockquote(line.text.strip(), CONVERSATION_QUOTE_MAX)}"))
    return blocks


def feedback_form_errors(
    lang: str, field: str | None, key: str, params: Mapping[str, object]
) -> dict[str, str]:
    """`response_action: errors` for the feedback form: the message under the input it is about."""
    return {FIELD_BLOCKS.get(field or "", TEXT_BLOCK): t(lang, key, **params)}


def reply_form_errors(lang: str, key: str, params: Mapping[str, object]) -> dict[str, str]:
    """The reply form has one input: every refusal is shown under it."""
    return {REPLY_BLOCK: t(lang, key, **params)}
