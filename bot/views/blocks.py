"""Small Block Kit constructors that keep every text inside Slack's limits.

Truncating here, at the one place blocks are built, means a 5,000-character kudos message can
never make Slack refuse a whole message or view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.i18n import t

Block = dict[str, Any]

SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
MODAL_TITLE_MAX = 24
ID_MAX = 255
BUTTON_VALUE_MAX = 2000
PRIVATE_METADATA_MAX = 3000
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
FALLBACK_TEXT_MAX = 3000


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape_mrkdwn(text: str) -> str:
    """Escapes what a person wrote so `<!channel>` or `<@U1>` in it notifies nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = SECTION_TEXT_MAX, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": emoji}


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_TEXT_MAX)}


def section(
    text: str, *, accessory: dict[str, Any] | None = None, block_id: str | None = None
) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id[:ID_MAX]
    return block


def fields_section(fields: list[str]) -> Block:
    return {"type": "section", "fields": [mrkdwn(f, FIELD_TEXT_MAX) for f in fields[:10]]}


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(text) for text in texts[:CONTEXT_ELEMENTS_MAX]],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    style: str | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id[:ID_MAX],
    }
    if value is not None:
        element["value"] = value[:BUTTON_VALUE_MAX]
    if style in ("primary", "danger"):
        element["style"] = style
    if url:
        element["url"] = url
    return element


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:ACTIONS_ELEMENTS_MAX])}
    if block_id:
        block["block_id"] = block_id[:ID_MAX]
    return block


LABEL_MAX = 2000


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    """An input for a modal; labels and hints clipped to Slack's limits."""
    block: Block = {
        "type": "input",
        "block_id": block_id[:ID_MAX],
        "label": plain(label, LABEL_MAX),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, LABEL_MAX)
    return block


def modal(
    lang: str,
    callback_id: str,
    keys: str,
    blocks: list[Block],
    private_metadata: str,
    *,
    submit: bool = True,
) -> dict[str, Any]:
    """A modal view; its title, close and submit buttons are the catalog's `{keys}.title`,
    `{keys}.close` and `{keys}.submit`."""
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(t(lang, f"{keys}.title"), MODAL_TITLE_MAX),
        "close": plain(t(lang, f"{keys}.close"), MODAL_TITLE_MAX),
        "private_metadata": private_metadata,
        "blocks": fit_view(blocks),
    }
    if submit:
        view["submit"] = plain(t(lang, f"{keys}.submit"), MODAL_TITLE_MAX)
    return view


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value[:OPTION_VALUE_MAX]}


def fit_message(blocks: list[Block]) -> list[Block]:
    """Keeps a message within the block count, dropping from the end (least important last)."""
    return blocks[:MESSAGE_BLOCKS_MAX]


def slack_message(text: str, blocks: list[Block]) -> tuple[str, list[Block]]:
    """A message as views return it, within Slack's limits: the plain `text` (never empty)
    and at most 50 blocks."""
    return fallback_text(text), fit_message(blocks)


def fit_view(blocks: list[Block]) -> list[Block]:
    return blocks[:VIEW_BLOCKS_MAX]


def pack_sections(title: str, lines: Sequence[str]) -> list[Block]:
    """`title` then `lines`, one per line, in as few sections as Slack's 3,000 characters allow.

    A line never splits across sections; a single over-long line is clipped by `section`.
    """
    blocks: list[Block] = []
    current = title
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_TEXT_MAX:
            blocks.append(section(current))
            current = line
        else:
            current = f"{current}\n{line}"
    blocks.append(section(current))
    return blocks


# ---------------------------------------------------------------------------------------------
# Text every view writes: people's words escaped and clipped, mentions, the `text` fallback

_USER_ID = re.compile(r"[UW][A-Z0-9_]{1,40}")


def mention(user_id: str) -> str:
    """`<@U123>` so Slack shows the person's current name; anything else is shown as text."""
    return f"<@{user_id}>" if _USER_ID.fullmatch(user_id) else escape_mrkdwn(user_id)


def escaped_clip(text: str, limit: int) -> str:
    """Escapes then clips without cutting an `&amp;` in half, so the result is at most `limit`."""
    return _join_within([escape_mrkdwn(char) for char in text], limit)


def blockquote(text: str, limit: int) -> str:
    """What a person wrote as a Slack block quote, escaped, every line quoted, within `limit`.

    Escaping `>` too means a line of theirs cannot end the quote early.
    """
    pieces = ["> "] + ["\n> " if char == "\n" else escape_mrkdwn(char) for char in text]
    return _join_within(pieces, limit)


def _join_within(pieces: Sequence[str], limit: int) -> str:
    return "".join(pieces_within(pieces, limit))


def pieces_within(pieces: Sequence[str], limit: int, cost: Callable[[str], int] = len) -> list[str]:
    """`pieces` when they fit in `limit`, else the first ones that fit with `…` after them.

    Pieces are never cut (an `&amp;` stays whole); `cost` is what a piece takes once rendered.
    """
    if sum(cost(piece) for piece in pieces) <= limit:
        return list(pieces)
    kept: list[str] = []
    size = 0
    for piece in pieces:
        if size + cost(piece) > limit - 1:
            break
        kept.append(piece)
        size += cost(piece)
    return [*kept, "…"]


def fallback_text(text: str) -> str:
    """A message's plain `text` (notifications, screen readers): within Slack's limit, never
    empty."""
    return clip(text, FALLBACK_TEXT_MAX).strip() or t("en", "common.app_name")
