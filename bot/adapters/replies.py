"""Answering a person privately, wherever they were when they asked.

People run `/kudos` and shortcuts in channels and DMs the bot was never invited to. There an
ephemeral (`chat.postEphemeral`) fails with `not_in_channel` or `channel_not_found`, so every
private answer tries, in order: the acknowledgement of a slash command that has not been
answered yet (Slack shows its body to the person, see bot/handoff.py), the request's
`response_url` (it works in any conversation, bot member or not, for 30 minutes), an ephemeral
in the channel, and a DM from the app, which always reaches the person. Whatever the route, the
answer is not lost.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol, runtime_checkable

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.adapters.slack_messages import SlackFailure
from bot.slack_client import KeptAliveWebhookClient

logger = logging.getLogger(__name__)

Message = tuple[str, list[dict[str, Any]] | None]
"""What a view renders: the fallback text and the blocks."""

HTTP_OK = 200


@runtime_checkable
class AnswersInAck(Protocol):
    """A listener's `respond` that can still put a reply in the request's acknowledgement."""

    def answer_in_ack(self, text: str, blocks: list[dict[str, Any]] | None) -> bool: ...


def responder(response_url: str | None) -> Respond | None:
    """A `respond` for a `response_url` kept from an earlier request (a modal's metadata)."""
    return Respond(response_url=response_url) if response_url else None


def _by_response_url(respond: Respond, text: str, blocks: list[dict[str, Any]] | None) -> bool:
    """What Bolt's `respond` would post, over the thread's kept-alive connection to Slack."""
    client = KeptAliveWebhookClient(
        url=str(respond.response_url),
        proxy=getattr(respond, "proxy", None),  # a listener's `respond` may be a wrapper
        ssl=getattr(respond, "ssl", None),
    )
    message: dict[str, Any] = {
        "text": text,
        "response_type": "ephemeral",
        "replace_original": False,
    }
    if blocks is not None:
        message["blocks"] = blocks
    try:
        answer = client.send_dict(message)
    except (*SlackFailure, ValueError) as error:
        logger.warning("response_url reply failed: %s", type(error).__name__)
        return False
    if answer.status_code != HTTP_OK:  # expired, used five times, or refused
        logger.warning("response_url reply refused: HTTP %s", answer.status_code)
        return False
    return True


def _by_ephemeral(
    client: WebClient,
    channel_id: str,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None,
) -> bool:
    try:
        client.chat_postEphemeral(
            channel=channel_id, user=user_id, text=text, blocks=blocks, thread_ts=thread_ts
        )
    except SlackFailure as error:  # not_in_channel, channel_not_found, ...: try the DM
        logger.info("ephemeral refused, answering by DM: %s", _reason(error))
        return False
    return True


def _by_direct_message(
    client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]] | None
) -> bool:
    try:
        client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackFailure as error:
        logger.warning("private reply failed: %s", _reason(error))
        return False
    return True


def _reason(error: Exception) -> str:
    response = getattr(error, "response", None)
    code = response.get("error") if response is not None else None
    return str(code or type(error).__name__)


def reply_privately(
    *,
    respond: Respond | None,
    client: WebClient,
    channel_id: str | None,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
) -> bool:
    """response_url, then an ephemeral in `channel_id` (in `thread_ts` when given), then a DM;
    False only when all of them failed. Never raises."""
    return _reply(respond, client, channel_id, user_id, text, blocks, thread_ts)


def reply_message(
    respond: Respond | None,
    client: WebClient,
    channel_id: str | None,
    user_id: str,
    message: Message,
    *,
    thread_ts: str | None = None,
) -> bool:
    """`reply_privately` with a view's (text, blocks)."""
    return _reply(respond, client, channel_id, user_id, *message, thread_ts)


def _reply(
    respond: Respond | None,
    client: WebClient,
    channel_id: str | None,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None,
) -> bool:
    if isinstance(respond, AnswersInAck) and respond.answer_in_ack(text, blocks):
        return True
    if respond is not None and respond.response_url and _by_response_url(respond, text, blocks):
        return True
    if channel_id and _by_ephemeral(client, channel_id, user_id, text, blocks, thread_ts):
        return True
    return _by_direct_message(client, user_id, text, blocks)
