"""Names a Slack request for the logs without any text a person wrote."""

from __future__ import annotations

from typing import Any


def describe_request(body: dict[str, Any]) -> str:
    """A label of what was asked, with no user text in it."""
    if body.get("command"):
        return f"command {body['command']}"
    if body.get("type") == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    return f"interaction {body.get('type')}"
