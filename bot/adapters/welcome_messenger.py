"""The Slack side of welcome DMs: posted once, found again by their marker block.

A resend (a retry, or a claim a dead run left) first reads the bot's latest messages to the
person: Slack may have taken the welcome before the run failed or died.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient

from bot.adapters.slack_messages import SlackFailure, delivery_failure
from bot.views.welcome import welcome_marker, welcome_message
from engagement.welcome_model import WelcomeNote

HISTORY_SEARCHED = 200


class SlackWelcomeMessenger:
    """Implements `engagement.welcome.WelcomeMessenger`; raises `DeliveryFailedError`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send_welcome(self, note: WelcomeNote) -> None:
        text, blocks = welcome_message(note)
        try:
            self._client.chat_postMessage(channel=note.user_id, text=text, blocks=blocks)
        except SlackFailure as error:
            raise delivery_failure(error) from None

    def already_sent(self, note: WelcomeNote) -> bool:
        marker = welcome_marker(note.role)
        try:
            opened = self._client.conversations_open(users=note.user_id)
            channel = str((opened.get("channel") or {}).get("id") or "")
            history = self._client.conversations_history(channel=channel, limit=HISTORY_SEARCHED)
        except SlackFailure as error:
            failure = delivery_failure(error)
            if failure.retryable:
                raise failure from None
            return False
        return any(_marked(m, marker) for m in history.get("messages") or [] if m.get("bot_id"))


def _marked(message: dict[str, Any], block_id: str) -> bool:
    return any(block.get("block_id") == block_id for block in message.get("blocks") or [])
