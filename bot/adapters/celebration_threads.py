"""The Slack side of quieter kudos: the day's parent post, replies in its thread, and the
daily summary DM (posted once, found again by its metadata after an ambiguous failure)."""

from __future__ import annotations

from datetime import date

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.adapters.slack_messages import post_exactly_once, post_message
from bot.views import kudos as kudos_views
from bot.views.quiet_kudos import day_parent, summary_message, summary_metadata
from engagement.celebrations import KudosSummary
from engagement.kudos_model import GivenKudos


class SlackCelebrationThreads:
    """Implements `engagement.celebrations.CelebrationThreads`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post_day_parent(self, channel_id: str, day: date, lang: str) -> str | None:
        text, blocks = day_parent(day, lang)
        return post_message(self._client, channel_id, text, blocks)

    def celebrate_in_thread(
        self, kudos: GivenKudos, channel_id: str, thread_ts: str, lang: str
    ) -> str | None:
        text, blocks = kudos_views.channel_post(kudos, lang)
        try:
            response = self._client.chat_postMessage(
                channel=channel_id, text=text, blocks=blocks, thread_ts=thread_ts
            )
        except SlackClientError:
            return None
        return str(response.get("ts") or "") or None

    def send_summary(self, summary: KudosSummary) -> None:
        message = summary_message(summary)
        post_exactly_once(self._client, summary.user_id, message, summary_metadata(summary))
