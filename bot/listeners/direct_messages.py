"""Messages people write to Aplauso in its DM: a short pointer to what it can do."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.context import AppContext
from bot.i18n import t
from bot.surfaces import Surfaces


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    @surfaces.event("message.im")
    def direct_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, deletions, joins and bots (ourselves included) need no answer
        with ctx.database.unit_of_work() as uow:
            if not uow.events.claim(str(body.get("event_id") or ""), "message.im", ctx.now()):
                return
            lang = ctx.language_in(uow, str(event["user"]))
        try:
            client.chat_postMessage(channel=str(event.get("channel")), text=t(lang, "dm.pointer"))
        except SlackClientError:
            return
