"""Slack's directory events: someone joined the workspace or changed their profile.

They keep the people directory (and each process's memory of it) current, so a newcomer's
first kudos finds them already known instead of waiting on `users.info`.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack_directory import profile_from_slack
from bot.surfaces import Surfaces
from engagement.services import Services


def register(surfaces: Surfaces, services: Services) -> None:
    @surfaces.event("team_join")
    def someone_joined(event: dict[str, Any]) -> None:
        user = event.get("user")
        if isinstance(user, dict) and user.get("id"):
            services.people.changed(profile_from_slack(user), joined=True)

    @surfaces.event("user_change")
    def someone_changed(event: dict[str, Any]) -> None:
        user = event.get("user")
        if isinstance(user, dict) and user.get("id"):
            services.people.changed(profile_from_slack(user), joined=False)
