"""The *Give kudos* modal, and which of its inputs a refusal is shown next to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import t
from bot.views.blocks import (
    OPTION_TEXT_MAX,
    Block,
    blockquote,
    input_block,
    modal,
    plain,
    section,
)
from bot.views.kudos import link
from engagement.kudos_model import MESSAGE_MAX, Celebrated, ValueInfo

KUDOS_MODAL_CALLBACK = "kudos_modal"
RECEIVERS_BLOCK = "kudos_receivers"
VALUE_BLOCK = "kudos_value"
MESSAGE_BLOCK = "kudos_message"
CELEBRATE_BLOCK = "kudos_celebrate"
RECEIVERS_ACTION = "receivers"
VALUE_ACTION = "value"
MESSAGE_ACTION = "message"
CELEBRATE_ACTION = "celebrate"
CELEBRATE_OPTION_VALUE = "celebrate"

MAX_MODAL_RECEIVERS = 10
MODAL_QUOTE_MAX = 300
STATIC_SELECT_OPTIONS_MAX = 100
PLACEHOLDER_MAX = 150
INLINE_ERROR_MAX = 150
# The input each `DomainError.field` is about; anything else is shown under the message.
FIELD_BLOCKS = {"receivers": RECEIVERS_BLOCK, "value": VALUE_BLOCK, "message": MESSAGE_BLOCK}


def block_for_field(field: str | None) -> str:
    return FIELD_BLOCKS.get(field or "", MESSAGE_BLOCK)


def inline_error(field: str | None, reason: str) -> dict[str, str]:
    """`response_action: errors` content: the reason next to the input it is about."""
    return {block_for_field(field): reason[:INLINE_ERROR_MAX]}


def kudos_modal(
    lang: str,
    values: Sequence[ValueInfo],
    *,
    private_metadata: str,
    initial_receivers: Sequence[str] = (),
    initial_value: str | None = None,
    initial_message: str = "",
    quote: str | None = None,
    quote_permalink: str | None = None,
    celebrate: bool = True,
    celebrated: Celebrated = Celebrated.KUDOS_CHANNEL,
) -> dict[str, Any]:
    """The *Give kudos* form, pre-filled from whatever surface opened it.

    The shortcut opens it empty; the message shortcut passes the message as `quote` and its
    author as receiver; "say thanks back" passes the giver as receiver. The value is optional
    because a plain thank-you is better than none. The celebration is offered only where
    one is set up (`celebrated`): no channel, no checkbox.
    """
    blocks: list[Block] = [section(t(lang, "kudos.modal.intro"))]
    if quote:
        intro = t(lang, "kudos.modal.quote_intro")
        if quote_permalink:
            intro += " · " + link(quote_permalink, t(lang, "kudos.view_message"))
        blocks.append(section(f"{intro}\n{blockquote(quote, MODAL_QUOTE_MAX)}"))
    blocks.append(_receivers_input(lang, initial_receivers))
    if values:
        blocks.append(_value_input(lang, values, initial_value))
    blocks.append(_message_input(lang, initial_message))
    if celebrated is not Celebrated.NOWHERE:
        blocks.append(_celebrate_input(lang, celebrate, celebrated))
    return modal(lang, KUDOS_MODAL_CALLBACK, "kudos.modal", blocks, private_metadata)


def _placeholder(lang: str, key: str) -> dict[str, Any]:
    return plain(t(lang, f"kudos.modal.{key}_placeholder"), PLACEHOLDER_MAX)


def _receivers_input(lang: str, initial_receivers: Sequence[str]) -> Block:
    receivers: dict[str, Any] = {
        "type": "multi_users_select",
        "action_id": RECEIVERS_ACTION,
        "placeholder": _placeholder(lang, "receivers"),
        "max_selected_items": MAX_MODAL_RECEIVERS,
    }
    initial_users = list(dict.fromkeys(user for user in initial_receivers if user))
    if initial_users:
        receivers["initial_users"] = initial_users[:MAX_MODAL_RECEIVERS]
    return input_block(RECEIVERS_BLOCK, t(lang, "kudos.modal.receivers_label"), receivers)


def _value_input(lang: str, values: Sequence[ValueInfo], initial_value: str | None) -> Block:
    options = [
        {"text": plain(value.label(lang), OPTION_TEXT_MAX), "value": value.key}
        for value in values[:STATIC_SELECT_OPTIONS_MAX]
    ]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": VALUE_ACTION,
        "placeholder": _placeholder(lang, "value"),
        "options": options,
    }
    chosen = [option for option in options if option["value"] == initial_value]
    if chosen:
        select["initial_option"] = chosen[0]
    return input_block(VALUE_BLOCK, t(lang, "kudos.modal.value_label"), select, optional=True)


def _message_input(lang: str, initial_message: str) -> Block:
    message: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": MESSAGE_ACTION,
        "multiline": True,
        "min_length": 1,
        "max_length": MESSAGE_MAX,
        "placeholder": _placeholder(lang, "message"),
    }
    if initial_message:
        message["initial_value"] = initial_message[:MESSAGE_MAX]
    return input_block(
        MESSAGE_BLOCK,
        t(lang, "kudos.modal.message_label"),
        message,
        hint=t(lang, "kudos.modal.message_hint"),
    )


def _celebrate_input(lang: str, celebrate: bool, celebrated: Celebrated) -> Block:
    where = "team" if celebrated is Celebrated.TEAM_CHANNEL else "kudos"
    key = "kudos.modal.celebrate_option_team" if where == "team" else "kudos.modal.celebrate_option"
    option = {
        "text": plain(t(lang, key), OPTION_TEXT_MAX),
        "value": CELEBRATE_OPTION_VALUE,
    }
    checkboxes: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": CELEBRATE_ACTION,
        "options": [option],
    }
    if celebrate:
        checkboxes["initial_options"] = [option]
    return input_block(
        CELEBRATE_BLOCK, t(lang, "kudos.modal.celebrate_label"), checkboxes, optional=True
    )
