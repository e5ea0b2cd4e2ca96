"""The Slack side of the feedback courier port: renders a note and posts it, nothing more.

It never opens the database and never calls back into the service: where each post landed is
returned, and the service records it.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.views.feedback import render_note
from engagement.feedback_model import Destination, FeedbackNote, Posted
from engagement.ports import FeedbackDeliveryFailed

logger = logging.getLogger(__name__)


class SlackFeedbackCourier:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def post(self, to: Destination, note: FeedbackNote) -> Posted:
        """Posts in the person's DM (a user id opens it) or in a thread there.

        Logs only the kind of failure: a feedback text or a writer never reaches the logs.
        """
        text, blocks = render_note(note, to.lang)
        try:
            response = self._client.chat_postMessage(
                channel=to.channel, text=text, blocks=blocks, thread_ts=to.thread_ts
            )
        except SlackClientError as error:
            logger.warning("chat.postMessage failed: %s", type(error).__name__)
            raise FeedbackDeliveryFailed(type(error).__name__) from error
        return Posted(str(response.get("channel") or to.channel), str(response.get("ts") or ""))
