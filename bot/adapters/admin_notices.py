"""The Slack side of telling admins about teams: a DM each, best effort (a failure is logged)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient

from bot.adapters.slack_messages import post_message
from bot.views.rosters import manager_left
from engagement.teams_model import ManagerLeft


class SlackAdminNotifier:
    """Implements `engagement.ports.AdminNotifier`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def tell_manager_left(self, admin_id: str, lang: str, teams: Sequence[ManagerLeft]) -> bool:
        text, blocks = manager_left(teams, lang)
        return post_message(self._client, admin_id, text, blocks) is not None
