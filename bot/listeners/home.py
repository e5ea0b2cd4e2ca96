"""App Home: published whenever someone opens the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.adapters.slack_messages import publish_home
from bot.surfaces import Surfaces
from bot.views.home import home_view
from engagement.services import Services


def register(surfaces: Surfaces, services: Services) -> None:
    @surfaces.event("app_home_opened")
    def app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user") or "")
        page = services.kudos.home(user_id)
        publish_home(context.client, user_id, home_view(page, page.lang))
