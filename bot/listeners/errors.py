"""The last line of defence: log once, without payload texts, and let Slack get a clean answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

logger = logging.getLogger("aplauso.errors")


def describe_request(body: dict[str, Any]) -> str:
    """A label of what was asked, with no user text in it."""
    if body.get("command"):
        return f"command {body['command']}"
    if body.get("type") == "event_callback":
        return f"event {(body.get('event') or {}).get('type')}"
    return f"interaction {body.get('type')}"


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        logger.error(
            "listener failed on %s: %s", describe_request(body or {}), type(error).__name__
        )
        return BoltResponse(status=200, body="")
