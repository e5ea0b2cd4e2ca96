"""The last line of defence: log once, without payload texts, and let Slack get a clean answer."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse

from bot.request_labels import describe_request

logger = logging.getLogger("aplauso.errors")


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse:
        logger.error(
            "listener failed on %s: %s", describe_request(body or {}), type(error).__name__
        )
        return BoltResponse(status=200, body="")
