"""Surfaces the manifest declares whose features are still being built.

They answer kindly instead of leaving Slack with an unhandled request (which users see as an
error and which counts against the app's event delivery rate).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.context import AppContext
from bot.i18n import t
from bot.listeners.replies import reply_privately
from bot.surfaces import Surfaces


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    def tell_not_yet(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        user_id = str(body.get("user_id") or (body.get("user") or {}).get("id") or "")
        channel_id = body.get("channel_id") or (body.get("channel") or {}).get("id")
        lang = ctx.language_for(user_id)
        reply_privately(
            respond=respond,
            client=client,
            channel_id=channel_id,
            user_id=user_id,
            text=t(lang, "errors.not_available_yet"),
        )

    surfaces.command("/feedback")(tell_not_yet)
    surfaces.action("home_send_feedback")(tell_not_yet)
