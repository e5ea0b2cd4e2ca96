"""Plain-text pictures of what Slack would show, for the demo's console and its output files.

Pure functions, no I/O: Block Kit and mrkdwn in, readable text out. Headers are underlined,
buttons look like ``[ Give kudos ]``, inputs like ``Label: ____``, links like
``label (url)`` and mentions like ``@Ana`` when a ``names`` map (user id -> name) is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

JsonDict = dict[str, Any]
Names = Mapping[str, str]

DIVIDER = "-" * 40
_ANGLE_TOKEN = re.compile(r"<([^<>]+)>")
_SELECT_TYPES = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)


def mrkdwn_to_text(text: str, names: Names | None = None) -> str:
    """Resolve Slack's ``<...>`` tokens and HTML escapes into what a reader sees."""
    lookup = names or {}

    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        target, _, label = token.partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            return "@" + (lookup.get(user_id) or label or user_id)
        if target.startswith("#"):
            channel_id = target[1:]
            return "#" + (label or lookup.get(channel_id) or channel_id)
        if target.startswith("!subteam^"):
            return label or "@" + target.split("^", 1)[1]
        if target.startswith("!date^"):
            return label or target
        if target.startswith("!"):
            return "@" + target[1:]
        if label:
            return f"{label} ({target})"
        return target

    resolved = _ANGLE_TOKEN.sub(replace, text)
    return resolved.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any, names: Names | None) -> str:
    """The visible string of a text object (mrkdwn resolved, plain text as is)."""
    if isinstance(obj, str):
        return mrkdwn_to_text(obj, names)
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_to_text(text, names) if obj.get("type") == "mrkdwn" else text


def _element(element: Any, names: Names | None) -> str:
    """An interactive element inline: buttons, selects, pickers, images."""
    if not isinstance(element, dict):
        return ""
    kind = element.get("type")
    if kind in ("button", "workflow_button"):
        return f"[ {_text(element.get('text'), names)} ]"
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind in _SELECT_TYPES:
        placeholder = _text(element.get("placeholder"), names) or "Select"
        chosen = element.get("initial_option")
        shown = _text(chosen.get("text"), names) if isinstance(chosen, dict) else placeholder
        return f"[ {shown} v ]"
    if kind == "overflow":
        return "[ ... ]"
    if kind in ("checkboxes", "radio_buttons"):
        mark = "[ ]" if kind == "checkboxes" else "( )"
        options = element.get("options") or []
        return "  ".join(f"{mark} {_text(option.get('text'), names)}" for option in options)
    if kind in ("datepicker", "timepicker", "datetimepicker"):
        return f"[ {element.get('initial_date') or element.get('initial_time') or kind} ]"
    return "____"


def _rich_text(elements: Any, names: Names | None) -> str:
    """Flatten rich_text sections, lists and quotes into text."""
    parts: list[str] = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "text":
            parts.append(str(element.get("text", "")))
        elif kind == "user":
            user_id = str(element.get("user_id", ""))
            parts.append("@" + (names or {}).get(user_id, user_id))
        elif kind == "link":
            url = str(element.get("url", ""))
            label = element.get("text")
            parts.append(f"{label} ({url})" if label else url)
        elif kind == "emoji":
            parts.append(f":{element.get('name', '')}:")
        elif "elements" in element:
            inner = _rich_text(element["elements"], names)
            parts.append(("> " + inner) if kind == "rich_text_quote" else inner)
            if kind in ("rich_text_list", "rich_text_preformatted", "rich_text_quote"):
                parts.append("\n")
    return "".join(parts).strip("\n")


def _block_lines(block: Any, names: Names | None) -> list[str]:
    """The lines one block shows."""
    if not isinstance(block, dict):
        return []
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), names)
        return [title, "=" * len(title)]
    if kind == "section":
        lines = [_text(block["text"], names)] if "text" in block else []
        lines += [f"  {_text(field, names)}" for field in block.get("fields") or []]
        if "accessory" in block:
            lines.append(_element(block["accessory"], names))
        return lines
    if kind == "divider":
        return [DIVIDER]
    if kind == "context":
        pieces = [
            _element(item, names)
            if isinstance(item, dict) and item.get("type") == "image"
            else _text(item, names)
            for item in block.get("elements") or []
        ]
        return ["  ".join(piece for piece in pieces if piece)]
    if kind == "actions":
        return ["  ".join(_element(item, names) for item in block.get("elements") or [])]
    if kind == "image":
        title = _text(block.get("title"), names)
        image = f"[image: {block.get('alt_text', '')}]"
        return [f"{image} {title}".strip()]
    if kind == "input":
        label = _text(block.get("label"), names)
        element = block.get("element")
        shown = _element(element, names) if isinstance(element, dict) else "____"
        optional = " (optional)" if block.get("optional") else ""
        lines = [f"{label}{optional}: {shown}"]
        if "hint" in block:
            lines.append(f"  {_text(block['hint'], names)}")
        return lines
    if kind == "rich_text":
        return [_rich_text(block.get("elements"), names)]
    if kind == "markdown":
        return [mrkdwn_to_text(str(block.get("text", "")), names)]
    if kind == "file":
        return [f"[file: {block.get('external_id', '')}]"]
    return []


def _decoded(value: Any) -> Any:
    """Form posts carry blocks and views as JSON strings; text that is not JSON stays text."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def blocks_to_text(blocks: Any, names: Names | None = None) -> str:
    """Blocks as readable lines; accepts a list or its JSON string (as form posts carry)."""
    blocks = _decoded(blocks)
    if isinstance(blocks, str):
        return blocks
    lines: list[str] = []
    for block in blocks if isinstance(blocks, list) else []:
        lines.extend(_block_lines(block, names))
    return "\n".join(lines)


def message_to_text(call_params: Mapping[str, Any], names: Names | None = None) -> str:
    """What a ``chat.*``/``response_url`` post shows: its blocks, else its text, plus files."""
    blocks = call_params.get("blocks")
    shown = blocks_to_text(blocks, names) if blocks else ""
    if not shown:
        shown = mrkdwn_to_text(str(call_params.get("text") or ""), names)
    files = call_params.get("files")
    for item in files if isinstance(files, list) else []:
        if isinstance(item, dict):
            title = item.get("title") or item.get("name") or item.get("id")
            shown += f"\n[file: {title}]"
    return shown.strip("\n")


def view_to_text(view: Any, names: Names | None = None) -> str:
    """A modal or Home tab: title bar, blocks, and the submit/close buttons."""
    view = _decoded(view)
    if isinstance(view, str):
        return view
    if not isinstance(view, dict):
        return ""
    if view.get("type") == "home":
        top = "[ Home ]"
    else:
        top = f"[ {_text(view.get('title'), names) or 'Modal'} ]"
    lines = [top, blocks_to_text(view.get("blocks") or [], names)]
    buttons = [f"[ {_text(view[name], names)} ]" for name in ("close", "submit") if view.get(name)]
    if buttons:
        lines.append("  ".join(buttons))
    return "\n".join(line for line in lines if line)
