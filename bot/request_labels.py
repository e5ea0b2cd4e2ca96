"""Names a Slack request, and an error, for the logs without any text a person wrote.

Exception messages are left out on purpose: a database error quotes the SQL parameters it was
given, and a listener's error may quote the payload, so only class names, files, lines and
code lines reach the log. That is enough to find the bug and never enough to read a message.
"""

from __future__ import annotations

import re
import traceback
from typing import Any

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.:/-]")
ID_MAX = 64
CHAIN_MAX = 5


def _label(value: Any) -> str:
    """An identifier from the payload, cut short and stripped to plain id characters."""
    return _SAFE_ID.sub("?", str(value))[:ID_MAX] if value is not None else "-"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def describe_request(body: Any) -> str:
    """A label of what was asked, with no user text in it; never raises, whatever the shape."""
    payload = _dict(body)
    if payload.get("command"):
        return f"command {_label(payload['command'])}"
    kind = payload.get("type")
    if kind == "event_callback":
        return f"event {_label(_dict(payload.get('event')).get('type'))}"
    if kind == "block_actions":
        actions = payload.get("actions")
        first = _dict(actions[0]) if isinstance(actions, list) and actions else {}
        return f"interaction block_actions {_label(first.get('action_id'))}"
    if kind in ("view_submission", "view_closed"):
        return f"interaction {kind} {_label(_dict(payload.get('view')).get('callback_id'))}"
    if kind in ("shortcut", "message_action"):
        return f"interaction {kind} {_label(payload.get('callback_id'))}"
    return f"interaction {_label(kind)}"


def describe_error(error: BaseException) -> str:
    """The error's class and traceback, and those of its causes, without any message text."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(seen) < CHAIN_MAX:
        seen.add(id(current))
        if lines:
            lines.append("caused by:")
        lines.append("Traceback (most recent call last):")
        lines += traceback.format_list(traceback.extract_tb(current.__traceback__))
        lines.append(error_name(current))
        current = current.__cause__ or current.__context__
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip()


def error_name(error: BaseException) -> str:
    module = type(error).__module__
    name = type(error).__qualname__
    return name if module == "builtins" else f"{module}.{name}"
