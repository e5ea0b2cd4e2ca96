"""Reads people and user groups from Slack and hands them to the domain as plain profiles."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from engagement.directory import Profile
from engagement.errors import DirectoryUnavailable

logger = logging.getLogger(__name__)

USERS_PAGE_SIZE = 200


def profile_from_slack(user: dict[str, Any]) -> Profile:
    profile = user.get("profile") or {}
    return Profile(
        user_id=str(user["id"]),
        name=str(user.get("name") or ""),
        display_name=str(profile.get("display_name") or ""),
        real_name=str(profile.get("real_name") or user.get("real_name") or ""),
        locale=user.get("locale"),
        tz=user.get("tz"),
        is_bot=bool(user.get("is_bot") or (user.get("is_app_user") and user.get("is_bot"))),
        deleted=bool(user.get("deleted")),
    )


class SlackDirectory:
    """The directory's source; Slack API failures become domain-level outcomes here."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def fetch_profile(self, user_id: str) -> Profile | None:
        try:
            response = self._client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            if code in ("user_not_found", "users_not_found"):
                return None
            logger.warning("users.info failed: %s", code)
            raise DirectoryUnavailable(str(code)) from None
        except SlackClientError as error:
            logger.warning("users.info failed: %s", type(error).__name__)
            raise DirectoryUnavailable(type(error).__name__) from None
        user = response.get("user")
        return profile_from_slack(user) if isinstance(user, dict) else None

    def all_profiles(self) -> Iterator[Profile]:
        """Every user, page by page, as users.list's cursor pagination asks."""
        cursor: str | None = None
        while True:
            try:
                response = self._client.users_list(
                    limit=USERS_PAGE_SIZE, include_locale=True, cursor=cursor
                )
            except SlackClientError as error:
                raise DirectoryUnavailable(type(error).__name__) from None
            for user in response.get("members") or []:
                yield profile_from_slack(user)
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return

    def usergroup_member_ids(self, usergroup_id: str) -> list[str] | None:
        """The group's members, or None when Slack has no such group."""
        try:
            response = self._client.usergroups_users_list(usergroup=usergroup_id)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            if code in ("no_such_subteam", "subteam_not_found", "invalid_usergroup"):
                return None
            raise DirectoryUnavailable(str(code)) from None
        except SlackClientError as error:
            raise DirectoryUnavailable(type(error).__name__) from None
        return [str(user_id) for user_id in response.get("users") or []]
