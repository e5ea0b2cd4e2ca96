"""Slack's directory events: someone joined, changed their profile or was deactivated, and a
user group gained or lost members.

They keep the people directory (and each process's memory of it) current, so a newcomer's
first kudos finds them already known instead of waiting on `users.info`; a deactivated person
leaves their teams and the pulse; a team bound to a user group follows its members.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack_directory import profile_from_slack
from bot.surfaces import Surfaces
from engagement.rosters import GroupChange
from engagement.services import Services


def _user_ids(value: Any) -> list[str]:
    return [str(uid) for uid in value if isinstance(uid, str)] if isinstance(value, list) else []


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
            services.rosters.person_changed(profile_from_slack(user))

    @surfaces.event("subteam_members_changed")
    def group_changed(event: dict[str, Any]) -> None:
        subteam_id = event.get("subteam_id")
        if isinstance(subteam_id, str) and subteam_id:
            change = GroupChange(
                subteam_id,
                _user_ids(event.get("added_users")),
                _user_ids(event.get("removed_users")),
            )
            services.rosters.group_changed(change)
