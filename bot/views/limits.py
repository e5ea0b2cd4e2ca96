"""Checks a set of blocks against Slack's documented limits; used by the views' unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.views import blocks as b

TOTAL_TEXT_MAX = 12_000


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def _element_problems(element: dict[str, Any]) -> Iterator[str]:
    if len(element.get("action_id", "")) > b.ID_MAX:
        yield "action_id too long"
    if element.get("type") == "button":
        if len(element["text"]["text"]) > b.BUTTON_TEXT_MAX:
            yield "button text too long"
        if len(element.get("value", "")) > b.BUTTON_VALUE_MAX:
            yield "button value too long"
    for option in element.get("options", []):
        if len(option["text"]["text"]) > b.OPTION_TEXT_MAX:
            yield "option text too long"
        if len(option.get("value", "")) > b.OPTION_VALUE_MAX:
            yield "option value too long"
    if element.get("type") == "plain_text_input" and element.get("max_length", 0) > 3000:
        yield "plain_text_input max_length over 3000"


def block_problems(blocks: list[dict[str, Any]], *, surface: str = "message") -> list[str]:
    """Every limit the blocks break; an empty list means Slack would accept them."""
    problems: list[str] = []
    limit = b.MESSAGE_BLOCKS_MAX if surface == "message" else b.VIEW_BLOCKS_MAX
    if len(blocks) > limit:
        problems.append(f"{len(blocks)} blocks, over {limit}")
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    if len(block_ids) != len(set(block_ids)):
        problems.append("duplicate block_id")
    for block in blocks:
        kind = block.get("type")
        if len(block.get("block_id", "")) > b.ID_MAX:
            problems.append("block_id too long")
        if kind == "header" and len(block["text"]["text"]) > b.HEADER_TEXT_MAX:
            problems.append("header too long")
        if kind == "section":
            if "text" in block and len(block["text"]["text"]) > b.SECTION_TEXT_MAX:
                problems.append("section text too long")
            fields = block.get("fields", [])
            if len(fields) > 10 or any(len(f["text"]) > b.FIELD_TEXT_MAX for f in fields):
                problems.append("section fields over limits")
            if "accessory" in block:
                problems.extend(_element_problems(block["accessory"]))
        if kind == "context" and len(block.get("elements", [])) > b.CONTEXT_ELEMENTS_MAX:
            problems.append("context with too many elements")
        if kind == "actions":
            elements = block.get("elements", [])
            if len(elements) > b.ACTIONS_ELEMENTS_MAX:
                problems.append("actions with too many elements")
            action_ids = [e.get("action_id") for e in elements if e.get("action_id")]
            if len(action_ids) != len(set(action_ids)):
                problems.append("duplicate action_id in one block")
            for element in elements:
                problems.extend(_element_problems(element))
        if kind == "input":
            problems.extend(_element_problems(block.get("element", {})))
    if surface == "message" and sum(len(text) for text in _texts(blocks)) > TOTAL_TEXT_MAX:
        problems.append("msg_blocks_too_long")
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    problems = block_problems(view.get("blocks", []), surface=view.get("type", "modal"))
    for key in ("title", "submit", "close"):
        if key in view and len(view[key]["text"]) > b.MODAL_TITLE_MAX:
            problems.append(f"{key} too long")
    if len(view.get("private_metadata", "")) > b.PRIVATE_METADATA_MAX:
        problems.append("private_metadata too long")
    return problems
