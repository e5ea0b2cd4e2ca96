"""The Slack side of telling people about a kudos: receiver DMs, the celebration, its removal.

Each post is best effort: a failed DM is logged and skipped, never retried in a loop, and never
undoes the kudos itself.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.adapters.slack_messages import delete_message, post_message
from bot.views import kudos as views
from engagement.kudos_model import GivenKudos


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
