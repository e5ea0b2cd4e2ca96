"""The Slack side of a season's closing summary: the kudos channel, or the admin's DMs.

The bot posts only where it was invited (no `chat:write.public`), so a refusal for not being
in the channel is told apart from other failures: the admin then hears to `/invite @Aplauso`.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.adapters.kudos_notifier import NOT_A_MEMBER
from bot.adapters.slack_messages import SlackFailure, post_message
from bot.views.leaderboards import season_summary_message
from engagement.leaderboards_model import SeasonSummary

logger = logging.getLogger(__name__)


class SlackSeasonAnnouncer:
    """Implements `engagement.ports.SeasonAnnouncer`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post_summary(self, channel_id: str, summary: SeasonSummary, lang: str) -> bool | None:
        text, blocks = season_summary_message(summary, lang)
        try:
            self._client.chat_postMessage(channel=channel_id, text=text, blocks=blocks)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            logger.warning("season summary not posted: %s", code)
            return False if code in NOT_A_MEMBER else None
        except SlackFailure as error:
            logger.warning("season summary not posted: %s", type(error).__name__)
            return None
        return True

    def send_summary(self, user_id: str, summary: SeasonSummary, lang: str) -> bool:
        text, blocks = season_summary_message(summary, lang)
        return post_message(self._client, user_id, text, blocks) is not None
