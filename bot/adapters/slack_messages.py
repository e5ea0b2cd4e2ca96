"""Slack calls shared by the features.

Most are "best effort" (a DM, a celebration, the DM pointer, a modal, App Home, reading a
reacted-to message or a permalink): their failure must not stop the request, so it is logged,
never raised. The scheduled DMs (pulse, digest) are the exception: they must land exactly once,
so `post_exactly_once` says why Slack did not take one (`DeliveryFailedError`) and never posts
twice what Slack may have taken already.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from engagement.kudos_model import QuotedMessage
from engagement.reports import DeliveryFailedError

logger = logging.getLogger(__name__)

REPLIES_PAGE = 200
HISTORY_PAGE = 200
HISTORY_PAGES = 2  # how far back a DM is searched for a message's metadata
AMBIGUOUS_WAITS = (0.5, 1.0, 2.0)  # seconds before looking and posting again after a 5xx
# Refusals about the person or the message that no later attempt can change.
PERMANENT_REFUSALS = frozenset(
    {
        "user_not_found",
        "cannot_dm_bot",
        "account_inactive",
        "not_allowed",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "messages_tab_disabled",
        "restricted_action",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "msg_blocks_too_long",
        "no_text",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "metadata_too_large",
        "invalid_arguments",
    }
)
SlackFailure = (SlackClientError, OSError)  # OSError: a reset, refused or timed-out connection


class Landed(NamedTuple):
    """Where a posted message is: its conversation and ts."""

    channel: str
    ts: str


def delivery_failure(error: Exception) -> DeliveryFailedError:
    """Slack's answer as a reason, and whether trying again later can help: a rate limit, a 5xx
    and a dropped connection pass; the refusals above do not; an unknown code is retried (a
    revoked token fixed on Monday still gets Monday's pulse out)."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code if error.response is not None else 200
        if status >= 500:
            return DeliveryFailedError(f"http_{status}", retryable=True)
        code = str(error.response.get("error") or "") if error.response is not None else ""
        if status == 429:
            code = "ratelimited"
        code = code or "slack_error"
        return DeliveryFailedError(code, retryable=code not in PERMANENT_REFUSALS)
    if isinstance(error, TimeoutError):
        return DeliveryFailedError("timeout", retryable=True)
    return DeliveryFailedError("connection_error", retryable=True)


def _may_have_landed(error: Exception) -> bool:
    """A 5xx or a lost connection: Slack may have taken the message before failing."""
    if isinstance(error, SlackApiError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, OSError)


def find_by_metadata(
    client: WebClient, user_id: str, event_type: str, payload: dict[str, str]
) -> Landed | None:
    """The bot's message in a person's DM whose metadata matches (needs im:history).

    Raises `DeliveryFailedError` when Slack cannot be asked right now (a later attempt asks
    again); None also when it can never tell (a missing scope, say): posting again is then
    better than never posting."""
    try:
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        cursor = None
        for _ in range(HISTORY_PAGES):
            page = client.conversations_history(
                channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
            )
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                found = metadata.get("event_payload") or {}
                if metadata.get("event_type") == event_type and all(
                    found.get(key) == value for key, value in payload.items()
                ):
                    return Landed(channel, str(message.get("ts") or ""))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
    except SlackFailure as error:
        failure = delivery_failure(error)
        if failure.retryable:
            raise failure from None
    return None


def post_exactly_once(
    client: WebClient,
    user_id: str,
    message: tuple[str, list[dict[str, Any]]],
    metadata: dict[str, Any],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> Landed:
    """chat.postMessage with metadata to a person's DM, landing once as far as Slack tells.

    After a 5xx or a lost connection, Slack may have taken the message anyway; so before
    posting again, the DM is searched for the metadata (the client's retry handlers leave
    these posts alone for that reason, see bot/slack_client.py). Raises
    `DeliveryFailedError` when Slack still has not taken it, or refused it."""
    text, blocks = message
    event_type, payload = metadata["event_type"], metadata["event_payload"]
    for wait in (*AMBIGUOUS_WAITS, None):
        try:
            response = client.chat_postMessage(
                channel=user_id, text=text, blocks=blocks, metadata=metadata
            )
            return Landed(str(response.get("channel") or ""), str(response.get("ts") or ""))
        except SlackFailure as error:
            if wait is None or not _may_have_landed(error):
                raise delivery_failure(error) from None
        sleep(wait)
        found = find_by_metadata(client, user_id, event_type, payload)
        if found is not None:
            return found
    raise AssertionError("the last attempt returns or raises")


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


def update_message(
    client: WebClient, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]
) -> None:
    """chat.update of one of the bot's own messages; best effort, like every post."""
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackClientError as error:
        logger.warning("chat.update failed: %s", type(error).__name__)


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
