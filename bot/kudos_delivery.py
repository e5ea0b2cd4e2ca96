"""Telling everyone about a kudos once it is recorded: receivers, the giver, the channel."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.context import AppContext
from bot.views import kudos as kudos_views
from engagement.kudos import record_celebration
from engagement.kudos_model import GivenKudos

logger = logging.getLogger(__name__)


def _post(client: WebClient, channel: str, text: str, blocks: list[dict[str, Any]]) -> str | None:
    try:
        response = client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackClientError as error:
        logger.warning("chat.postMessage failed: %s", type(error).__name__)
        return None
    return str(response.get("ts") or "") or None


def deliver_kudos(ctx: AppContext, client: WebClient, given: GivenKudos) -> None:
    """Runs after the request is acknowledged; a failed DM is logged and skipped, never retried
    in a loop, and never undoes the kudos itself."""
    if given.duplicate:
        return
    with ctx.database.unit_of_work() as uow:
        languages = {uid: ctx.language_in(uow, uid) for uid in given.receiver_ids}
        workspace_language = uow.settings.get().default_language
    for receiver_id in given.receiver_ids:
        text, blocks = kudos_views.receiver_dm(given, languages[receiver_id])
        _post(client, receiver_id, text, blocks)
    if given.celebrate and given.celebration_channel:
        text, blocks = kudos_views.channel_post(given, workspace_language)
        ts = _post(client, given.celebration_channel, text, blocks)
        if ts:
            with ctx.database.unit_of_work() as uow:
                record_celebration(uow, given.kudos_id, given.celebration_channel, ts)


def remove_celebration(client: WebClient, channel: str | None, ts: str | None) -> None:
    if not (channel and ts):
        return
    try:
        client.chat_delete(channel=channel, ts=ts)
    except SlackClientError as error:
        logger.warning("chat.delete failed: %s", type(error).__name__)
