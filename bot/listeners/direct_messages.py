"""Messages people write to Aplauso in its DM: a short pointer to what it can do."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.adapters.slack_messages import post_message
from bot.i18n import t
from bot.middleware import language_of
from bot.surfaces import Surfaces


def register(surfaces: Surfaces) -> None:
    @surfaces.event("message.im")
    def direct_message(event: dict[str, Any], context: BoltContext) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, deletions, joins and bots (ourselves included) need no answer
        channel = str(event.get("channel") or "")
        post_message(context.client, channel, t(language_of(context), "dm.pointer"))
