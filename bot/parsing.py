"""Slack payloads into plain values: the only place that knows where Slack puts things.

Listeners call these so that no payload dict travels past `bot/`. Every function tolerates a
missing or oddly shaped field and returns an empty value rather than raising.
"""

from __future__ import annotations

import json
from typing import Any


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def user_id_of(body: dict[str, Any]) -> str:
    """The acting person of a command (`user_id`) or of an interaction (`user.id`)."""
    return str(body.get("user_id") or _dict(body.get("user")).get("id") or "")


def trigger_id_of(body: dict[str, Any]) -> str:
    return str(body.get("trigger_id") or "")


def state_value(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    """One input's state in a submitted modal (`view.state.values[block][action]`)."""
    values = _dict(_dict(view.get("state")).get("values"))
    return _dict(_dict(values.get(block)).get(action))


def private_metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return _dict(loaded)


def message_location(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """(channel, ts) of the message a button was clicked in."""
    container = _dict(body.get("container"))
    channel = container.get("channel_id") or _dict(body.get("channel")).get("id")
    ts = container.get("message_ts") or _dict(body.get("message")).get("ts")
    return (str(channel) if channel else None), (str(ts) if ts else None)
