"""Pure builders of the payloads Slack sends to an app, field for field.

Kept apart from the HTTP/signing code so the shapes can be read (and unit-tested) on their
own: Bolt routes on these fields (``type``, ``callback_id``, ``actions[0].action_id``,
``event.type``) and listeners read the rest, so a missing field here would hide a bug there.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Origin:
    """Which workspace and app the payloads come from."""

    team_id: str = "TSANDBOX"
    team_domain: str = "sandbox"
    api_app_id: str = "AAPLAUSO"
    bot_user_id: str = "UAPLAUSOBOT"
    verification_token: str = "sandbox-verification-token"

    @property
    def team(self) -> JsonDict:
        """The ``team`` object of interactive payloads."""
        return {"id": self.team_id, "domain": self.team_domain}

    def user(self, user_id: str, user_name: str | None = None) -> JsonDict:
        """The ``user`` object of interactive payloads."""
        name = user_name or user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}


def action_ts() -> str:
    """An ``action_ts``/``event_ts`` for now."""
    return f"{time.time():.6f}"


def new_event_id() -> str:
    """A fresh ``Ev...`` id, unique per delivery (a retry reuses the original's)."""
    return "Ev" + secrets.token_hex(5).upper()


def slash_command_form(
    origin: Origin,
    *,
    command: str,
    text: str,
    user_id: str,
    user_name: str | None,
    channel_id: str,
    channel_name: str,
    response_url: str,
    trigger_id: str,
) -> dict[str, str]:
    """Form fields of a slash command request."""
    return {
        "token": origin.verification_token,
        "team_id": origin.team_id,
        "team_domain": origin.team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": origin.api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def global_shortcut_payload(
    origin: Origin, *, callback_id: str, user_id: str, trigger_id: str
) -> JsonDict:
    """``type: shortcut`` (global shortcut from the composer or search)."""
    return {
        "type": "shortcut",
        "token": origin.verification_token,
        "action_ts": action_ts(),
        "team": origin.team,
        "user": origin.user(user_id),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def message_shortcut_payload(
    origin: Origin,
    *,
    callback_id: str,
    user_id: str,
    channel_id: str,
    channel_name: str,
    message: JsonDict,
    trigger_id: str,
    response_url: str,
) -> JsonDict:
    """``type: message_action`` (a shortcut run on a message)."""
    return {
        "type": "message_action",
        "token": origin.verification_token,
        "action_ts": action_ts(),
        "team": origin.team,
        "user": origin.user(user_id),
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": message.get("ts"),
        "message": {"type": "message", **message},
    }


def with_present(payload: JsonDict, **optional: Any) -> JsonDict:
    """``payload`` plus each optional field that has a value: Slack leaves a field out
    rather than sending ``null`` when it has nothing to say."""
    payload.update({key: value for key, value in optional.items() if value is not None})
    return payload


def find_element(blocks: Any, action_id: str) -> tuple[str | None, JsonDict | None]:
    """The block id and element with this ``action_id`` inside blocks, if present."""
    for block in blocks if isinstance(blocks, list) else []:
        if not isinstance(block, dict):
            continue
        candidates = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return block.get("block_id"), element
    return None, None


def block_action_entry(
    *,
    action_id: str,
    block_id: str | None,
    value: str | None,
    selected_option: JsonDict | None,
    element: JsonDict | None,
) -> JsonDict:
    """One entry of ``actions``: what the person clicked or chose."""
    element_type = (element or {}).get("type")
    if element_type is None:
        element_type = "static_select" if selected_option is not None else "button"
    entry: JsonDict = {
        "action_id": action_id,
        "block_id": block_id or secrets.token_hex(3),
        "type": element_type,
        "action_ts": action_ts(),
    }
    if element is not None and isinstance(element.get("text"), dict):
        entry["text"] = element["text"]
    if value is None and element is not None and isinstance(element.get("value"), str):
        value = element["value"]
    return with_present(entry, value=value, selected_option=selected_option)


def block_actions_payload(
    origin: Origin,
    *,
    user_id: str,
    action: JsonDict,
    trigger_id: str,
    container: JsonDict,
    channel: JsonDict | None,
    message: JsonDict | None,
    view: JsonDict | None,
    response_url: str | None,
) -> JsonDict:
    """``type: block_actions`` from a message, a modal or the Home tab."""
    payload: JsonDict = {
        "type": "block_actions",
        "user": origin.user(user_id),
        "api_app_id": origin.api_app_id,
        "token": origin.verification_token,
        "container": container,
        "trigger_id": trigger_id,
        "team": origin.team,
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action],
    }
    if message is not None:
        payload["state"] = {"values": {}}
    return with_present(
        payload, channel=channel, message=message, view=view, response_url=response_url
    )


def view_payload(
    origin: Origin,
    *,
    kind: str,
    user_id: str,
    view: JsonDict,
    trigger_id: str | None = None,
    is_cleared: bool = False,
) -> JsonDict:
    """``type: view_submission`` or ``type: view_closed``."""
    payload: JsonDict = {
        "type": kind,
        "team": origin.team,
        "user": origin.user(user_id),
        "api_app_id": origin.api_app_id,
        "token": origin.verification_token,
        "view": view,
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if kind == "view_submission":
        payload["trigger_id"] = trigger_id
        payload["response_urls"] = []
    else:
        payload["is_cleared"] = is_cleared
    return payload


def event_envelope(origin: Origin, event: JsonDict, *, event_id: str, event_time: int) -> JsonDict:
    """An Events API ``event_callback`` body around one event."""
    return {
        "token": origin.verification_token,
        "team_id": origin.team_id,
        "context_team_id": origin.team_id,
        "context_enterprise_id": None,
        "api_app_id": origin.api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": origin.team_id,
                "user_id": origin.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + secrets.token_hex(16),
    }


def reaction_event(
    kind: str, user_id: str, reaction: str, channel: str, ts: str, item_user: str | None
) -> JsonDict:
    """``reaction_added`` / ``reaction_removed``; ``item_user`` may be absent, as in Slack."""
    event: JsonDict = {
        "type": kind,
        "user": user_id,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": action_ts(),
    }
    return with_present(event, item_user=item_user)


def rich_text_blocks(text: str) -> list[JsonDict]:
    """The ``rich_text`` block Slack attaches to a message a person typed."""
    return [
        {
            "type": "rich_text",
            "block_id": secrets.token_hex(2),
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]
