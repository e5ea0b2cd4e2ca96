"""Web API methods that open and read conversations: ``conversations.*``."""

from __future__ import annotations

from typing import TypeVar

from sandbox.api_params import JsonDict, Params, SlackApiError
from sandbox.conversations import (
    Conversation,
    ConversationKind,
    decode_cursor,
    encode_cursor,
    parse_ts_arg,
    public_messages,
)
from sandbox.scopes import KIND_SCOPES
from sandbox.workspace import Handler, Workspace

DEFAULT_HISTORY_LIMIT = 100
MAX_HISTORY_LIMIT = 999
DEFAULT_REPLIES_LIMIT = 1000
DEFAULT_MEMBERS_LIMIT = 100
DEFAULT_LIST_LIMIT = 100
MAX_LIST_LIMIT = 1000
LIST_TYPES: dict[str, ConversationKind] = {"public_channel": "public", "private_channel": "private"}
_Item = TypeVar("_Item")


def conversation_json(ws: Workspace, conversation: Conversation, *, num_members: bool) -> JsonDict:
    """The ``channel`` object of ``conversations.info`` / ``conversations.open(return_im)``."""
    if conversation.kind == "im":
        person = ws.person(conversation.im_user or "")
        return {
            "id": conversation.id,
            "created": conversation.created,
            "is_im": True,
            "is_org_shared": False,
            "context_team_id": ws.identity.team_id,
            "user": conversation.im_user,
            "is_user_deleted": bool(person and person.deleted),
            "priority": 0,
        }
    body: JsonDict = {
        "id": conversation.id,
        "name": conversation.name,
        "name_normalized": conversation.name,
        "is_channel": conversation.kind == "public",
        "is_group": conversation.kind == "private",
        "is_im": False,
        "is_mpim": False,
        "is_private": conversation.kind == "private",
        "created": conversation.created,
        "is_archived": conversation.is_archived,
        "is_general": conversation.name == "general",
        "unlinked": 0,
        "is_shared": False,
        "is_org_shared": False,
        "is_ext_shared": False,
        "is_pending_ext_shared": False,
        "is_member": conversation.bot_is_member,
        "context_team_id": ws.identity.team_id,
        "creator": conversation.members[0] if conversation.members else "",
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": "", "creator": "", "last_set": 0},
    }
    if num_members:
        body["num_members"] = len(conversation.members)
    return body


def conversations_open(ws: Workspace, p: Params) -> JsonDict:
    """Open (or find) the bot's DM with one person; multi-person DMs are not modelled."""
    users = p.listed("users")
    channel = p.optional("channel")
    if channel and not users:
        conversation = ws.conversation(channel)
        if conversation.kind != "im":
            raise SlackApiError("method_not_supported_for_channel_type")
        return {"no_op": True, "already_open": True, "channel": {"id": conversation.id}}
    if not users:
        raise SlackApiError("users_list_not_supplied")
    if len(users) > 1:
        raise SlackApiError("method_not_supported_for_channel_type")
    person = ws.person(users[0])
    if person is None:
        raise SlackApiError("user_not_found")
    if person.deleted:
        raise SlackApiError("user_disabled")
    if person.is_bot:
        raise SlackApiError("cannot_dm_bot")
    ws.require_scopes((KIND_SCOPES["write"]["im"],))
    if p.flag("prevent_creation") and users[0] not in ws.dm_by_user:
        return {"no_op": True, "channel": {}}
    conversation, existed = ws.open_dm(users[0])
    channel_body = (
        conversation_json(ws, conversation, num_members=False)
        if p.flag("return_im")
        else {"id": conversation.id}
    )
    body: JsonDict = {"channel": channel_body}
    if existed:
        body.update({"no_op": True, "already_open": True})
    return body


def conversations_info(ws: Workspace, p: Params) -> JsonDict:
    """One conversation; a private channel the bot is not in is ``channel_not_found``."""
    conversation = ws.conversation(p.required("channel", error="channel_not_found"))
    if conversation.kind == "private" and not conversation.bot_is_member:
        raise SlackApiError("channel_not_found")
    ws.require_kind_scope(conversation, "read")
    return {
        "channel": conversation_json(ws, conversation, num_members=p.flag("include_num_members"))
    }


def _page(items: list[_Item], p: Params, kind: str, limit: int) -> tuple[list[_Item], str]:
    """The page the request's ``cursor`` points at (an offset, opaque as Slack's), and the
    cursor of the next page, "" on the last one."""
    start = 0
    cursor = p.optional("cursor")
    if cursor:
        value = decode_cursor(cursor, kind)
        if not value.isdigit():
            raise SlackApiError("invalid_cursor")
        start = int(value)
    end = start + limit
    return items[start:end], encode_cursor(kind, str(end)) if end < len(items) else ""


def conversations_members(ws: Workspace, p: Params) -> JsonDict:
    """Member ids of a conversation, cursor-paginated."""
    conversation = ws.conversation(p.required("channel", error="channel_not_found"))
    if conversation.kind == "private" and not conversation.bot_is_member:
        raise SlackApiError("channel_not_found")
    ws.require_kind_scope(conversation, "read")
    members = list(conversation.members)
    limit = max(1, min(p.number("limit", DEFAULT_MEMBERS_LIMIT), 1000))
    page, next_cursor = _page(members, p, "member", limit)
    return {"members": page, "response_metadata": {"next_cursor": next_cursor}}


def conversations_list(ws: Workspace, p: Params) -> JsonDict:
    """Channels by type, cursor-paginated: each type asked for needs its own read scope
    (``channels:read``, ``groups:read``), and private channels show only where the bot is."""
    kinds: list[ConversationKind] = []
    for typed in p.listed("types") or ["public_channel"]:
        if typed not in LIST_TYPES:
            raise SlackApiError("invalid_types")  # DMs are not modelled in listings
        kinds.append(LIST_TYPES[typed])
    for kind in kinds:
        ws.require_scopes((KIND_SCOPES["read"][kind],))
    listed = [
        c
        for c in ws.conversations.values()
        if c.kind in kinds
        and (c.kind == "public" or c.bot_is_member)
        and not (p.flag("exclude_archived") and c.is_archived)
    ]
    limit = max(1, min(p.number("limit", DEFAULT_LIST_LIMIT), MAX_LIST_LIMIT))
    page, next_cursor = _page(listed, p, "channel", limit)
    return {
        "channels": [conversation_json(ws, c, num_members=True) for c in page],
        "response_metadata": {"next_cursor": next_cursor},
    }


def conversations_history(ws: Workspace, p: Params) -> JsonDict:
    """Top-level messages newest first; ``metadata`` only with ``include_all_metadata``."""
    conversation = ws.readable(ws.conversation(p.required("channel", error="channel_not_found")))
    ws.require_kind_scope(conversation, "history")
    limit = p.number("limit", DEFAULT_HISTORY_LIMIT)
    if limit <= 0:
        limit = DEFAULT_HISTORY_LIMIT
    messages, next_cursor = conversation.history(
        latest=p.optional("latest"),
        oldest=p.optional("oldest"),
        inclusive=p.flag("inclusive"),
        limit=min(limit, MAX_HISTORY_LIMIT),
        cursor=p.optional("cursor"),
    )
    body: JsonDict = {
        "messages": public_messages(messages, include_metadata=p.flag("include_all_metadata")),
        "has_more": next_cursor is not None,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
    }
    if next_cursor is not None:
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body


def conversations_replies(ws: Workspace, p: Params) -> JsonDict:
    """A thread: parent first, then replies oldest first (``ts`` may be any message in it)."""
    conversation = ws.readable(ws.conversation(p.required("channel", error="channel_not_found")))
    ws.require_kind_scope(conversation, "history")
    thread = conversation.thread(p.required("ts", error="thread_not_found"))
    parent, replies = thread[:1], thread[1:]
    latest, oldest = p.optional("latest"), p.optional("oldest")
    if latest or oldest:
        replies = _within(replies, latest, oldest, inclusive=p.flag("inclusive"))
    limit = max(1, p.number("limit", DEFAULT_REPLIES_LIMIT))
    page, next_cursor = _page(parent + replies, p, "reply", limit)
    body: JsonDict = {
        "messages": public_messages(page, include_metadata=p.flag("include_all_metadata")),
        "has_more": bool(next_cursor),
    }
    if next_cursor:
        body["response_metadata"] = {"next_cursor": next_cursor}
    return body


def _within(
    messages: list[JsonDict], latest: str | None, oldest: str | None, *, inclusive: bool
) -> list[JsonDict]:
    """Messages between ``oldest`` and ``latest`` (bounds kept only when ``inclusive``)."""
    upper = parse_ts_arg(latest) if latest else None
    lower = parse_ts_arg(oldest) if oldest else None
    kept = []
    for message in messages:
        key = parse_ts_arg(str(message["ts"]))
        if upper is not None and (key > upper or (key == upper and not inclusive)):
            continue
        if lower is not None and (key < lower or (key == lower and not inclusive)):
            continue
        kept.append(message)
    return kept


HANDLERS: dict[str, Handler] = {
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    "conversations.members": conversations_members,
    "conversations.list": conversations_list,
    "conversations.history": conversations_history,
    "conversations.replies": conversations_replies,
}
