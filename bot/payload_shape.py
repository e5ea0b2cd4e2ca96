"""Reads a signed body into the payload Bolt will see, refusing shapes Slack never sends.

Bolt and the listeners trust a payload's shape (`body["event"]["type"]`, `user.id`, a list of
actions...). A signed body can still be malformed: a bug on the sender's side, a replay that
was tampered with before the signature was made, a fuzzer. Every field that code reads is
checked for its type here, so that whatever reaches Bolt has the shape Slack documents, and
anything else is a 400 that never reaches a listener.

The form parsing is our own, not Bolt's: Bolt takes any body containing the word "payload"
for an interactivity form, so `/kudos thanks for the payload fix` would reach no listener.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
MAX_JSON_DEPTH = 32
MAX_FORM_FIELDS = 100
RESPONSE_URL = re.compile(r"https?://[^\s/?#]+/\S*")
INTERACTION_TYPES = frozenset(
    {
        "block_actions",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "block_suggestion",
    }
)
EVENT_ENVELOPES = frozenset({"event_callback", "url_verification", "app_rate_limited"})

TEXT_FIELDS = frozenset(
    {
        "type", "token", "team_id", "api_app_id", "user_id", "channel_id", "trigger_id",
        "response_url", "command", "text", "callback_id", "event_id", "enterprise_id",
        "thread_ts", "function_execution_id", "bot_access_token", "action_id", "block_id",
        "value", "challenge", "private_metadata", "hash", "ts", "event_ts", "reaction",
        "item_user", "channel_type", "tab", "subtype", "user_team", "selected_user",
        "selected_channel", "selected_conversation", "selected_date", "selected_time",
        "app_installed_team_id", "id", "name", "external_id", "root_view_id",
        "previous_view_id", "bot_id", "action_ts", "message_ts",
    }
)  # fmt: skip
ID_OR_OBJECT_FIELDS = frozenset({"user", "team", "channel", "enterprise"})
OBJECT_FIELDS = frozenset(
    {
        "event", "message", "previous_message", "item", "assistant_thread", "view",
        "container", "function_data", "state", "selected_option", "initial_option",
    }
)  # fmt: skip
OBJECT_LIST_FIELDS = frozenset(
    {"actions", "authorizations", "response_urls", "selected_options", "blocks"}
)
TEXT_LIST_FIELDS = frozenset(
    {"selected_users", "selected_channels", "selected_conversations", "reactions_users"}
)


class ShapeError(ValueError):
    """The body is not a payload Slack sends; the message is a fixed phrase, never data."""


@dataclass(frozen=True)
class Payload:
    body: dict[str, Any]
    kind: str  # "command", "event", or the interaction type


def read_payload(body: str, content_type: str) -> Payload:
    """The payload of a signed body, or ShapeError (answered 400)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == JSON_TYPE:
        envelope = _json_object(body)
        _check_event_envelope(envelope)
        return Payload(envelope, "event" if envelope["type"] == "event_callback" else "other")
    if media_type != FORM_TYPE:
        raise ShapeError("unsupported content type")
    try:
        fields = dict(parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS))
    except ValueError as error:
        raise ShapeError("malformed form") from error
    _refuse_nul([*fields, *fields.values()])
    if "payload" in fields:
        interaction = _json_object(fields["payload"])
        _check_interaction(interaction)
        return Payload(interaction, str(interaction["type"]))
    _check_command(fields)
    return Payload(fields, "command")


def _json_object(text: str) -> dict[str, Any]:
    try:
        loaded = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ShapeError("malformed JSON") from error
    if not isinstance(loaded, dict):
        raise ShapeError("JSON body is not an object")
    if depth_over(loaded, MAX_JSON_DEPTH):
        raise ShapeError("JSON nested too deeply")
    _refuse_nul(_strings_within(loaded))
    _check_fields(loaded)
    return loaded


def depth_over(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack += [(c, depth + 1) for c in children if isinstance(c, dict | list)]
    return False


def _strings_within(value: Any) -> list[str]:
    """Every key and string value inside a decoded JSON value (iterative)."""
    found: list[str] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            found += [str(key) for key in node]
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    return found


def _refuse_nul(texts: Any) -> None:
    """Slack never sends a NUL character, and PostgreSQL cannot store one in text."""
    if any("\x00" in text for text in texts):
        raise ShapeError("a NUL character")


def _check_fields(node: dict[str, Any]) -> None:
    """Every field code reads has the type Slack sends, at every level (iterative)."""
    pending = [node]
    while pending:
        current = pending.pop()
        for key, value in current.items():
            if value is not None:
                pending += _objects_within(key, value)


def _objects_within(key: str, value: Any) -> list[dict[str, Any]]:
    """The objects inside a field that must be checked in turn; ShapeError if its type is off."""
    if key in TEXT_FIELDS:
        if key == "text" and isinstance(value, dict):  # Block Kit's text objects
            return [value]
        if not isinstance(value, str):
            raise ShapeError("a text field holds something else")
        return []
    if key in ID_OR_OBJECT_FIELDS and isinstance(value, str):
        return []
    if key in ID_OR_OBJECT_FIELDS or key in OBJECT_FIELDS:
        if not isinstance(value, dict):
            raise ShapeError("an object field holds something else")
        return [value]
    wanted: type | None = (
        dict if key in OBJECT_LIST_FIELDS else str if key in TEXT_LIST_FIELDS else None
    )
    if wanted is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, wanted) for v in value):
        raise ShapeError("a list field holds something else")
    return value if wanted is dict else []


def _require_text(payload: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if not isinstance(payload.get(key), str) or not payload[key]:
            raise ShapeError("a required field is missing")


def _check_command(fields: dict[str, str]) -> None:
    _check_response_url(fields)
    _require_text(fields, "command", "user_id")
    if not fields["command"].startswith("/"):
        raise ShapeError("not a slash command")


def _check_response_url(payload: dict[str, Any]) -> None:
    url = payload.get("response_url")
    if url is not None and not RESPONSE_URL.fullmatch(str(url)):
        raise ShapeError("response_url is not a URL")


def _check_interaction(payload: dict[str, Any]) -> None:
    _check_response_url(payload)
    kind = payload.get("type")
    if kind not in INTERACTION_TYPES:
        raise ShapeError("unexpected interaction type")
    user = payload.get("user")
    if not isinstance(user, dict):
        raise ShapeError("interaction without a user")
    _require_text(user, "id")
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            raise ShapeError("block_actions without actions")
        for action in actions:
            _require_text(action, "action_id")
        _check_container(payload)
    elif kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not isinstance(view, dict):
            raise ShapeError("view payload without a view")
        _require_text(view, "id", "callback_id", "type")
    elif kind in ("shortcut", "message_action"):
        _require_text(payload, "callback_id")
    else:  # block_suggestion
        _require_text(payload, "action_id")


def _check_container(payload: dict[str, Any]) -> None:
    """A click in a message always comes with its response_url; one in a view, with the view."""
    container = payload.get("container")
    where = container.get("type") if isinstance(container, dict) else None
    if where == "message":
        _require_text(payload, "response_url")
    elif where == "view" and not isinstance(payload.get("view"), dict):
        raise ShapeError("a click in a view without the view")


def _check_event_envelope(envelope: dict[str, Any]) -> None:
    kind = envelope.get("type")
    if kind not in EVENT_ENVELOPES:
        raise ShapeError("unexpected envelope type")
    if kind == "url_verification":
        _require_text(envelope, "challenge")
    elif kind == "event_callback":
        event = envelope.get("event")
        if not isinstance(event, dict):
            raise ShapeError("event_callback without an event")
        _require_text(event, "type")
        _require_text(envelope, "event_id")
