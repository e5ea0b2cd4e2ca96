"""Kudos follow their Slack message: an edit re-reads it, a deletion takes the kudos back.

Slack sends every message of the channels the bot was invited to (`message.channels`,
`message.groups`); the middleware answers plain chatter at once, so only edits and deletions
reach this listener, once each.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.markup import read_kudos_markup
from bot.surfaces import Surfaces
from engagement.kudos_follow import KudosFollowService
from engagement.services import Services


def _followed(event: dict[str, Any], context: BoltContext, follow: KudosFollowService) -> None:
    channel = str(event.get("channel") or "")
    subtype = event.get("subtype")
    if subtype == "message_changed":
        edited = event.get("message") or {}
        text = read_kudos_markup(str(edited.get("text") or ""), bot_user_id=context.bot_user_id)
        follow.message_edited(channel, str(edited.get("ts") or ""), text)
    elif subtype == "message_deleted":
        follow.message_deleted(channel, str(event.get("deleted_ts") or ""))


def register(surfaces: Surfaces, services: Services) -> None:
    follow = services.kudos_follow
    for conversations in ("message.channels", "message.groups"):

        @surfaces.event(conversations)
        def message_in_a_channel(event: dict[str, Any], context: BoltContext) -> None:
            _followed(event, context, follow)
