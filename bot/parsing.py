"""Slack payloads into plain values: the only place that knows where Slack puts things.

Listeners call these so that no payload dict travels past `bot/`. Every function tolerates a
missing or oddly shaped field and returns an empty value rather than raising.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def user_id_of(body: dict[str, Any]) -> str:
    """The acting person of a command (`user_id`) or of an interaction (`user.id`)."""
    return str(body.get("user_id") or _dict(body.get("user")).get("id") or "")


def trigger_id_of(body: dict[str, Any]) -> str:
    return str(body.get("trigger_id") or "")


class Click(NamedTuple):
    """A click on a button: which one, and the value the view gave it."""

    action_id: str
    value: str


def click_of(body: dict[str, Any]) -> Click:
    """The button of a block action (`actions[0]`)."""
    actions = body.get("actions")
    first = _dict(actions[0]) if isinstance(actions, list) and actions else {}
    return Click(str(first.get("action_id") or ""), str(first.get("value") or ""))


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


def button_in(message: dict[str, Any] | None, action_ids: frozenset[str]) -> Click | None:
    """The first button of a message (one the app posted) whose action is one of `action_ids`."""
    for raw_block in (message or {}).get("blocks") or []:
        block = _dict(raw_block)
        elements = block.get("elements") if block.get("type") == "actions" else None
        for candidate in [*(elements or []), block.get("accessory")]:
            element = _dict(candidate)
            if element.get("type") == "button" and element.get("action_id") in action_ids:
                return Click(str(element["action_id"]), str(element.get("value") or ""))
    return None


class DirectMessage(NamedTuple):
    """Someone wrote in the app's DM: where, what, and the thread it answers (if any)."""

    user_id: str
    channel: str
    ts: str
    text: str
    thread_ts: str | None


def direct_message_of(event: dict[str, Any]) -> DirectMessage | None:
    """A person's new message in the app's DM; None for edits, joins and bots (ourselves)."""
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return None
    thread = event.get("thread_ts")
    ts = str(event.get("ts") or "")
    return DirectMessage(
        user_id=str(event["user"]),
        channel=str(event.get("channel") or ""),
        ts=ts,
        text=str(event.get("text") or ""),
        thread_ts=str(thread) if thread and thread != ts else None,
    )
