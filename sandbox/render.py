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
#: How an optional input is marked, in the modal's language.
OPTIONAL = {"en": "(optional)", "es": "(opcional)"}
_SPANISH_WORDS = frozenset(
    {"de", "la", "el", "que", "tu", "tus", "los", "las", "para", "por", "un", "una", "del"}
    | {"con", "y", "en", "qué", "quién", "enviar", "cancelar", "cerrar", "guardar", "responder"}
)
_ENGLISH_WORDS = frozenset(
    {"the", "to", "you", "your", "and", "of", "for", "is", "it", "in", "with", "what", "who"}
    | {"send", "cancel", "close", "save", "reply"}
)
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
        people = element.get("initial_users") or (
            [element["initial_user"]] if element.get("initial_user") else []
        )
        if people:
            shown = ", ".join(f"@{(names or {}).get(u, u)}" for u in people)
        return f"[ {shown} v ]"
    if kind == "overflow":
        return "[ ... ]"
    if kind in ("checkboxes", "radio_buttons"):
        initial = element.get("initial_options") or [element.get("initial_option") or {}]
        return _marked(element, {o.get("value") for o in initial}, names)
    if kind in ("datepicker", "timepicker", "datetimepicker"):
        return f"[ {element.get('initial_date') or element.get('initial_time') or kind} ]"
    return "____"


def _marked(element: JsonDict, chosen: set[Any], names: Names | None) -> str:
    """Checkboxes or radio buttons, the chosen ones marked: ``[x] Send anonymously``."""
    marks = ("[x]", "[ ]") if element.get("type") == "checkboxes" else ("(o)", "( )")
    return "  ".join(
        f"{marks[0] if o.get('value') in chosen else marks[1]} {_text(o.get('text'), names)}"
        for o in element.get("options") or []
    )


def _option_text(element: JsonDict, value: object, names: Names | None) -> str:
    """The label of the option with this value, among the element's options and groups."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    for option in options:
        if isinstance(option, dict) and option.get("value") == value:
            return _text(option.get("text"), names)
    return str(value)


def _filled(element: JsonDict, state: JsonDict, names: Names | None) -> str:
    """An input as the person left it when submitting: typed text, choices, checked boxes."""
    kind = element.get("type")
    if kind in ("checkboxes", "radio_buttons"):
        chosen = {o.get("value") for o in state.get("selected_options") or []}
        if state.get("selected_option"):
            chosen.add(state["selected_option"].get("value"))
        return _marked(element, chosen, names)
    if "selected_users" in state:
        people = [f"@{(names or {}).get(u, u)}" for u in state["selected_users"] or []]
        return f"[ {', '.join(people)} v ]"
    if "selected_option" in state:
        chosen = state["selected_option"]
        shown = _option_text(element, chosen.get("value"), names) if chosen else "—"
        return f"[ {shown} v ]"
    if "selected_options" in state:
        labels = [_option_text(element, o.get("value"), names) for o in state["selected_options"]]
        return f"[ {', '.join(labels)} v ]"
    return f"“{state.get('value') or ''}”"


def guess_language(texts: list[str]) -> str:
    """ "es" or "en": which of the two a view's own words are in (for the words the renderer
    adds itself, so a Spanish modal reads "(opcional)")."""
    words = re.findall(r"[a-záéíóúñ]+", " ".join(texts).lower())
    spanish = sum(word in _SPANISH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "es" if spanish > english else "en"


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


def _input_lines(
    block: JsonDict, names: Names | None, state: JsonDict | None, lang: str
) -> list[str]:
    """An input block: its label, and the empty input or (with `state`) what was entered."""
    label = _text(block.get("label"), names)
    element = block.get("element")
    shown = _element(element, names) if isinstance(element, dict) else "____"
    entered = (state or {}).get(str(block.get("block_id")), {})
    if isinstance(element, dict) and entered:
        shown = _filled(element, next(iter(entered.values())), names)
    marked = any(word in label for word in OPTIONAL.values())  # the label says so itself
    optional = f" {OPTIONAL[lang]}" if block.get("optional") and not marked else ""
    lines = [f"{label}{optional}: {shown}"]
    if "hint" in block and state is None:
        lines.append(f"  {_text(block['hint'], names)}")
    return lines


def _block_lines(
    block: Any, names: Names | None, state: JsonDict | None = None, lang: str = "en"
) -> list[str]:
    """The lines one block shows (inputs as submitted when the view's `state` is given)."""
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
        return _input_lines(block, names, state, lang)
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


def blocks_to_text(
    blocks: Any, names: Names | None = None, state: JsonDict | None = None, lang: str = "en"
) -> str:
    """Blocks as readable lines; accepts a list or its JSON string (as form posts carry).
    `state` (block id -> action id -> value, as a view submission carries) fills the inputs."""
    blocks = _decoded(blocks)
    if isinstance(blocks, str):
        return blocks
    lines: list[str] = []
    for block in blocks if isinstance(blocks, list) else []:
        lines.extend(_block_lines(block, names, state, lang))
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


def _view_words(view: JsonDict) -> list[str]:
    """The view's own texts (title, buttons, labels, sections), to tell its language by."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: view.get(k) for k in ("title", "close", "submit", "blocks")})
    return found


def view_to_text(view: Any, names: Names | None = None, state: JsonDict | None = None) -> str:
    """A modal or Home tab: title bar, blocks, and the submit/close buttons. With `state`
    (what a submission carries), the inputs show what the person entered."""
    view = _decoded(view)
    if isinstance(view, str):
        return view
    if not isinstance(view, dict):
        return ""
    if view.get("type") == "home":
        top = "[ Home ]"
    else:
        top = f"[ {_text(view.get('title'), names) or 'Modal'} ]"
    lang = guess_language(_view_words(view))
    lines = [top, blocks_to_text(view.get("blocks") or [], names, state, lang)]
    buttons = [f"[ {_text(view[name], names)} ]" for name in ("close", "submit") if view.get(name)]
    if buttons:
        lines.append("  ".join(buttons))
    return "\n".join(line for line in lines if line)
