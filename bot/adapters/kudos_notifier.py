"""The Slack side of telling people about a kudos: receiver DMs, the celebration, its removal.

Each post is best effort: a failed DM is logged and skipped, never retried in a loop, and never
undoes the kudos itself. The bot posts only in channels it was invited to (the manifest has no
`chat:write.public`), so `is_member` tells admins where an `/invite @Aplauso` is missing.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.slack_messages import SlackFailure, delete_message, post_message
from bot.views import kudos as views
from engagement.kudos_model import GivenKudos

NOT_A_MEMBER = frozenset({"not_in_channel", "channel_not_found"})


class SlackKudosNotifier:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def tell_receiver(self, kudos: GivenKudos, receiver_id: str, lang: str) -> None:
        text, blocks = views.receiver_dm(kudos, lang)
        post_message(self._client, receiver_id, text, blocks)

    def celebrate(self, kudos: GivenKudos, channel_id: str, lang: str) -> str | None:
        text, blocks = views.channel_post(kudos, lang)
        return post_message(self._client, channel_id, text, blocks)

    def remove_celebration(self, channel_id: str, ts: str) -> None:
        delete_message(self._client, channel_id, ts)

    def is_member(self, channel_id: str) -> bool | None:
        """Reading one message is the check the bot's scopes allow (`channels:history`,
        `groups:history`): Slack answers `not_in_channel` (public) or `channel_not_found`
        (private) where the bot was not invited."""
        try:
            self._client.conversations_history(channel=channel_id, limit=1)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            return False if code in NOT_A_MEMBER else None
        except SlackFailure:
            return None
        return True
