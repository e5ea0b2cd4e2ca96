"""App Home: published whenever someone opens the Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.context import AppContext
from bot.surfaces import Surfaces
from bot.views.home import HomeData, ValueLine, home_view
from engagement.directory import display_name
from engagement.kudos import home_stats

logger = logging.getLogger(__name__)


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    @surfaces.event("app_home_opened")
    def app_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        with ctx.database.unit_of_work() as uow:
            person = ctx.person(uow, user_id)
            lang = ctx.language_in(uow, user_id)
            values = [
                ValueLine(v.emoji, v.name_es if lang == "es" else v.name_en)
                for v in uow.settings.values()
            ]
            stats = home_stats(uow, user_id, ctx.now())
            data = HomeData(name=display_name(person) if person else "", values=values, stats=stats)
        try:
            client.views_publish(user_id=user_id, view=home_view(data, lang))
        except SlackClientError as error:
            logger.warning("views.publish failed: %s", type(error).__name__)
