"""Answering a person privately, whichever way the request allows."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

logger = logging.getLogger(__name__)


def reply_privately(
    *,
    respond: Respond | None,
    client: WebClient,
    channel_id: str | None,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> bool:
    """Tries the request's response_url first, then an ephemeral, then a DM; never raises."""
    if respond is not None and getattr(respond, "response_url", None):
        try:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return True
        except Exception as error:
            logger.warning("response_url reply failed: %s", type(error).__name__)
    try:
        if channel_id:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=text, blocks=blocks)
        else:
            client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
        return True
    except SlackClientError as error:
        logger.warning("private reply failed: %s", type(error).__name__)
        return False
