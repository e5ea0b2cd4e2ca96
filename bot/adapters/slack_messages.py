"""Slack calls whose failure must not stop the request: logged, never raised.

Shared by every feature that posts "best effort" (a DM, a celebration, the DM pointer), opens
or updates a modal, publishes App Home, or needs a message it did not receive whole (a
reacted-to message, a permalink).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from engagement.kudos_model import QuotedMessage

logger = logging.getLogger(__name__)

REPLIES_PAGE = 200


def post_message(
    client: WebClient, channel: str, text: str, blocks: list[dict[str, Any]] | None = None
) -> str | None:
    """chat.postMessage; the new message's ts, or None when Slack refused (logged)."""
    try:
        response = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackClientError as error:
        logger.warning("chat.postMessage failed: %s", type(error).__name__)
        return None
    return str(response.get("ts") or "") or None


def delete_message(client: WebClient, channel: str, ts: str) -> None:
    try:
        client.chat_delete(channel=channel, ts=ts)
    except SlackClientError as error:
        logger.warning("chat.delete failed: %s", type(error).__name__)


def publish_home(client: WebClient, user_id: str, view: dict[str, Any]) -> None:
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackClientError as error:
        logger.warning("views.publish failed: %s", type(error).__name__)


def find_message(client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """One message by channel and ts, in the channel or in a thread (events such as
    reaction_added carry no text and may lack the author)."""
    try:
        history = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
        for message in history.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
        replies = client.conversations_replies(channel=channel, ts=ts, limit=REPLIES_PAGE)
        for message in replies.get("messages") or []:
            if message.get("ts") == ts:
                return dict(message)
    except SlackClientError as error:
        logger.warning("could not fetch a message: %s", type(error).__name__)
    return None


def permalink(client: WebClient, channel: str | None, ts: str | None) -> str | None:
    if not (channel and ts):
        return None
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink"))
    except SlackClientError:
        return None


def open_modal(client: WebClient, trigger_id: str, view: dict[str, Any]) -> str | None:
    """views.open; the new view's id, or None when Slack refused (an expired trigger, say)."""
    try:
        response = client.views_open(trigger_id=trigger_id, view=view)
    except SlackClientError as error:
        logger.warning("views.open failed: %s", type(error).__name__)
        return None
    return str((response.get("view") or {}).get("id") or "") or None


def update_modal(client: WebClient, view_id: str, view: dict[str, Any]) -> None:
    try:
        client.views_update(view_id=view_id, view=view)
    except SlackClientError as error:
        logger.warning("views.update failed: %s", type(error).__name__)


class SlackMessageLookup:
    """The `MessageLookup` port over the helpers above."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def find_message(self, channel_id: str, ts: str) -> QuotedMessage | None:
        message = find_message(self._client, channel_id, ts)
        if message is None:
            return None
        author = message.get("user")
        return QuotedMessage(str(author) if author else None, str(message.get("text") or ""))

    def permalink(self, channel_id: str, ts: str) -> str | None:
        return permalink(self._client, channel_id, ts)
