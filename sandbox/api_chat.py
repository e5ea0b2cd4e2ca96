"""Web API methods that write messages: ``chat.*``."""

from __future__ import annotations

from typing import Any

from sandbox.api_params import JsonDict, Params, SlackApiError
from sandbox.conversations import public_message
from sandbox.message_rules import check_message, check_metadata
from sandbox.workspace import Handler, Workspace


def bot_message(
    ws: Workspace, *, ts: str, text: str | None, blocks: Any, extra: Params
) -> JsonDict:
    """A message authored by the app's bot user, shaped like Slack stores it."""
    me = ws.identity
    message: JsonDict = {
        "user": me.bot_user_id,
        "type": "message",
        "ts": ts,
        "bot_id": me.bot_id,
        "app_id": me.app_id,
        "text": text or "",
        "team": me.team_id,
        "bot_profile": {
            "id": me.bot_id,
            "app_id": me.app_id,
            "name": me.bot_name,
            "icons": {"image_48": f"https://avatars.sandbox.slack.test/{me.bot_id}_48.png"},
            "deleted": False,
            "updated": int(ws.clock()),
            "team_id": me.team_id,
        },
    }
    if blocks is not None:
        message["blocks"] = blocks
    attachments = extra.structured("attachments", error="invalid_attachments")
    if attachments is not None:
        message["attachments"] = attachments
    username = extra.optional("username")
    if username:
        message["username"] = username
    return message


def checked_message(ws: Workspace, p: Params) -> tuple[str | None, Any]:
    """A message's text and blocks, refused as Slack refuses them (``chat.*`` and a
    ``response_url`` post alike)."""
    text = p.optional("text")
    blocks = p.structured("blocks", error="invalid_blocks_format")
    check_message(
        text=text,
        blocks=blocks,
        attachments=p.structured("attachments", error="invalid_attachments"),
        require_text_with_blocks=ws.require_text_with_blocks,
    )
    return text, blocks


def _message_parts(ws: Workspace, p: Params) -> tuple[str | None, Any, Any]:
    metadata = p.structured("metadata", error="invalid_metadata_format")
    text, blocks = checked_message(ws, p)
    check_metadata(metadata)
    return text, blocks, metadata


def chat_post_message(ws: Workspace, p: Params) -> JsonDict:
    """Post to a channel, a DM, or a user id (which lands in the bot's DM with that person)."""
    channel = p.required("channel", error="channel_not_found")
    conversation = ws.postable(ws.conversation(channel, allow_user_id=True), public_scope=True)
    text, blocks, metadata = _message_parts(ws, p)
    thread_ts = p.optional("thread_ts")
    parent = None
    if thread_ts:
        parent = conversation.find(thread_ts)
        if parent is None:
            raise SlackApiError("thread_not_found")
        thread_ts = str(parent.get("thread_ts") or parent["ts"])
        parent = conversation.find(thread_ts) or parent
    ts = ws.next_ts()
    message = bot_message(ws, ts=ts, text=text, blocks=blocks, extra=p)
    if thread_ts and parent is not None:
        message["thread_ts"] = thread_ts
        message["parent_user_id"] = parent.get("user", "")
        if p.flag("reply_broadcast"):
            message["subtype"] = "thread_broadcast"
    if metadata is not None:
        message["metadata"] = metadata
    conversation.add(message)
    return {
        "channel": conversation.id,
        "ts": ts,
        "message": public_message(message, include_metadata=True),
    }


def chat_post_ephemeral(ws: Workspace, p: Params) -> JsonDict:
    """Show a message to one person in a conversation they are in; never stored in history.

    The bot must be in the conversation too: ``chat:write.public`` does not cover ephemerals.
    """
    conversation = ws.postable(ws.conversation(p.required("channel", error="channel_not_found")))
    user_id = p.required("user", error="user_not_found")
    person = ws.person(user_id)
    if person is None or person.deleted:
        raise SlackApiError("user_not_found")
    in_channel = (
        conversation.im_user == user_id
        if conversation.kind == "im"
        else conversation.has_member(user_id)
    )
    if not in_channel:
        raise SlackApiError("user_not_in_channel")
    text, blocks, _ = _message_parts(ws, p)
    ts = ws.next_ts()
    ephemeral: JsonDict = {
        "type": "message",
        "subtype": "bot_message",
        "channel": conversation.id,
        "user": user_id,
        "text": text or "",
        "message_ts": ts,
        "ts": ts,
    }
    if blocks is not None:
        ephemeral["blocks"] = blocks
    thread_ts = p.optional("thread_ts")
    if thread_ts:
        ephemeral["thread_ts"] = thread_ts
    ws.ephemerals.setdefault(user_id, []).append(ephemeral)
    return {"message_ts": ts}


def _own_message(ws: Workspace, p: Params, *, ts_param: str, refusal: str) -> tuple[str, JsonDict]:
    conversation = ws.conversation(p.required("channel", error="channel_not_found"))
    ws.member_of(conversation, public_scope=True)
    ts = p.required(ts_param, error="message_not_found")
    message = conversation.find(ts)
    if message is None:
        raise SlackApiError("message_not_found")
    if message.get("bot_id") != ws.identity.bot_id:
        raise SlackApiError(refusal)
    return conversation.id, message


def chat_update(ws: Workspace, p: Params) -> JsonDict:
    """Edit a message the bot posted; omitted ``blocks`` keep the old ones, ``[]`` clears."""
    channel_id, message = _own_message(ws, p, ts_param="ts", refusal="cant_update_message")
    text, blocks, metadata = _message_parts(ws, p)
    if text is not None:
        message["text"] = text
    if blocks is not None:
        if blocks:
            message["blocks"] = blocks
        else:
            message.pop("blocks", None)
    if metadata is not None:
        message["metadata"] = metadata
    message["edited"] = {"user": ws.identity.bot_user_id, "ts": ws.next_ts()}
    return {
        "channel": channel_id,
        "ts": message["ts"],
        "text": message.get("text", ""),
        "message": public_message(message, include_metadata=True),
    }


def chat_delete(ws: Workspace, p: Params) -> JsonDict:
    """Delete a message the bot posted (replies of a deleted parent stay)."""
    channel_id, message = _own_message(ws, p, ts_param="ts", refusal="cant_delete_message")
    ws.conversations[channel_id].remove(str(message["ts"]))
    return {"channel": channel_id, "ts": message["ts"]}


def chat_get_permalink(ws: Workspace, p: Params) -> JsonDict:
    """A link to a message: ``https://<domain>.slack.com/archives/<channel>/p<ts>``."""
    conversation = ws.conversation(p.required("channel", error="channel_not_found"))
    message = conversation.find(p.required("message_ts", error="message_not_found"))
    if message is None:
        raise SlackApiError("message_not_found")
    thread_ts = message.get("thread_ts")
    link = ws.permalink(conversation.id, str(message["ts"]), str(thread_ts) if thread_ts else None)
    return {"channel": conversation.id, "permalink": link}


HANDLERS: dict[str, Handler] = {
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
}
