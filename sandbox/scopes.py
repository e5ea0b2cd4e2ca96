"""The bot scopes each Web API method needs, from Slack's method reference pages.

A method lists the scopes Slack *accepts* for it (``X-Accepted-OAuth-Scopes``); a call needs at
least one of them, else Slack answers ``missing_scope`` with ``needed`` (the accepted scopes)
and ``provided`` (the token's scopes). Conversation methods accept one scope per conversation
type (``channels:history`` for public channels, ``groups:history`` for private ones,
``im:history`` for DMs), so once the conversation is known the handler checks the scope of its
type too (:data:`KIND_SCOPES`).

Every method the fake serves must be declared here; ``web_api`` refuses to start otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from sandbox.api_params import SlackApiError
from sandbox.conversations import ConversationKind

NO_SCOPE: tuple[str, ...] = ()
CONVERSATION_READ = ("channels:read", "groups:read", "im:read", "mpim:read")
CONVERSATION_HISTORY = ("channels:history", "groups:history", "im:history", "mpim:history")
CONVERSATION_WRITE = ("channels:manage", "groups:write", "im:write", "mpim:write")
CHAT_WRITE_PUBLIC = "chat:write.public"
APP_CONNECTIONS = "connections:write"

#: Accepted bot scopes per method (https://api.slack.com/methods/<method>, "Required scopes").
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "api.test": NO_SCOPE,
    "auth.test": NO_SCOPE,
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
    "usergroups.list": ("usergroups:read",),
    "usergroups.users.list": ("usergroups:read",),
    "emoji.list": ("emoji:read",),
    "conversations.open": CONVERSATION_WRITE,
    "conversations.info": CONVERSATION_READ,
    "conversations.members": CONVERSATION_READ,
    "conversations.list": CONVERSATION_READ,
    "conversations.history": CONVERSATION_HISTORY,
    "conversations.replies": CONVERSATION_HISTORY,
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.getPermalink": NO_SCOPE,
    "views.open": NO_SCOPE,
    "views.push": NO_SCOPE,
    "views.update": NO_SCOPE,
    "views.publish": NO_SCOPE,
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.upload": ("files:write",),
}

#: Methods called with the app-level token (``xapp-``), and the app-token scope they need.
APP_TOKEN_METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "apps.connections.open": (APP_CONNECTIONS,),
}

#: The scope that reads (``read``), reads the messages of (``history``) or opens (``write``)
#: one type of conversation.
KIND_SCOPES: dict[str, dict[ConversationKind, str]] = {
    "read": {"public": "channels:read", "private": "groups:read", "im": "im:read"},
    "history": {"public": "channels:history", "private": "groups:history", "im": "im:history"},
    "write": {"public": "channels:manage", "private": "groups:write", "im": "im:write"},
}


def missing_scope(needed: Iterable[str], provided: Iterable[str]) -> SlackApiError:
    """Slack's answer to a call without any of the ``needed`` scopes."""
    return SlackApiError("missing_scope", needed=",".join(needed), provided=",".join(provided))


def check_scopes(
    accepted: tuple[str, ...], granted: frozenset[str], provided: Iterable[str]
) -> None:
    """Raise ``missing_scope`` unless one of the accepted scopes was granted."""
    if accepted and granted.isdisjoint(accepted):
        raise missing_scope(accepted, provided)
