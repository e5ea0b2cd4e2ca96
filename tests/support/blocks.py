"""Reading Block Kit the way a person sees it, for the view tests: texts, buttons, inputs,
and whether a message fits Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.views.limits import block_problems


def all_text(node: Any) -> str:
    """Every text in a set of blocks, joined, to search for what a person would read."""
    if isinstance(node, dict):
        return " ".join(all_text(value) for value in node.values())
    if isinstance(node, list):
        return " ".join(all_text(item) for item in node)
    return node if isinstance(node, str) else ""


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    found += [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    return found


def input_block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def message_fits(message: tuple[str, list[dict[str, Any]]]) -> None:
    """A notification text Slack accepts (not empty, at most 3000 characters) and valid blocks."""
    text, blocks = message
    assert text.strip()
    assert len(text) <= 3000
    assert block_problems(blocks) == []
