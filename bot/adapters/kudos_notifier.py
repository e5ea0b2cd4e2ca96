"""The Slack side of telling people about a kudos: receiver DMs, the celebration, its removal.

Each post is best effort: a failed DM is logged and skipped, never retried in a loop, and never
undoes the kudos itself. The bot posts only in channels it was invited to (the manifest has no
`chat:write.public`), so `is_member` tells admins where an `/invite @Aplauso` is missing.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack_messages import (
    SlackFailure,
    delete_message,
    post_message,
    update_message,
)
from bot.views import kudos as views
from engagement.kudos_model import GivenKudos

logger = logging.getLogger(__name__)

NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})
# Undo is possible for ten minutes, so the DM is among the bot's latest messages to them.
DM_HISTORY_SEARCHED = 100
EMOJI_REMEMBERED_SECONDS = 3600.0


class SlackKudosNotifier:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._emoji: frozenset[str] | None = None
        self._emoji_at = 0.0
        self._emoji_lock = threading.Lock()

    def tell_receiver(self, kudos: GivenKudos, receiver_id: str, lang: str) -> None:
        text, blocks = views.receiver_dm(kudos, lang)
        post_message(self._client, receiver_id, text, blocks)

    def celebrate(self, kudos: GivenKudos, channel_id: str, lang: str) -> str | None:
        text, blocks = views.channel_post(kudos, lang)
        return post_message(self._client, channel_id, text, blocks)

    def remove_celebration(self, channel_id: str, ts: str) -> None:
        delete_message(self._client, channel_id, ts)

    def update_celebration(self, kudos: GivenKudos, channel_id: str, ts: str, lang: str) -> None:
        text, blocks = views.channel_post(kudos, lang)
        update_message(self._client, channel_id, ts, text, blocks)

    def mark_celebration_withdrawn(self, channel_id: str, ts: str, lang: str) -> None:
        text, blocks = views.celebration_withdrawn(lang)
        update_message(self._client, channel_id, ts, text, blocks)

    def remove_receiver_dm(self, kudos_id: int, receiver_id: str) -> None:
        """Finds the DM by its marker block among the bot's latest messages to the receiver
        (no table keeps DM timestamps) and deletes it; best effort, like every post."""
        marker = views.receiver_dm_marker(kudos_id)
        try:
            opened = self._client.conversations_open(users=receiver_id)
            channel = str((opened.get("channel") or {}).get("id") or "")
            history = self._client.conversations_history(channel=channel, limit=DM_HISTORY_SEARCHED)
        except SlackFailure as error:
            logger.warning("could not find a kudos DM to remove: %s", type(error).__name__)
            return
        for message in history.get("messages") or []:
            if message.get("bot_id") and _has_block(message, marker):
                delete_message(self._client, channel, str(message.get("ts")))

    def has_custom_emoji(self, name: str) -> bool | None:
        """From `emoji.list`, asked once an hour per process (the list changes rarely and
        `/kudos help` should not wait on it each time)."""
        with self._emoji_lock:
            fresh = time.monotonic() - self._emoji_at < EMOJI_REMEMBERED_SECONDS
            if self._emoji is None or not fresh:
                try:
                    listed = self._client.emoji_list().get("emoji") or {}
                except SlackFailure as error:
                    logger.warning("emoji.list failed: %s", type(error).__name__)
                    return None
                self._emoji = frozenset(str(key) for key in listed)
                self._emoji_at = time.monotonic()
            return name in self._emoji

    def is_member(self, channel_id: str) -> bool | None:
        """Reading one message is the check the bot's scopes allow (`channels:history`,
        `groups:history`): Slack answers `not_in_channel` (public) or `channel_not_found`
        (private) where the bot was not invited."""
        try:
            self._client.conversations_history(channel=channel_id, limit=1)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            return False if code in NOT_A_MEMBER else None
        except SlackFailure:
            return None
        return True


def _has_block(message: dict[str, Any], block_id: str) -> bool:
    return any(block.get("block_id") == block_id for block in message.get("blocks") or [])
