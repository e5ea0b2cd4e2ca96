"""`/aplauso my data` as a JSON file in the person's DM with the app.

files_upload_v2 (files.getUploadURLExternal + files.completeUploadExternal) needs the DM's
conversation id, not the user id, so the DM is opened first. The summary has already been
answered; a failed upload is logged and said in one line, never a traceback.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.adapters.slack_messages import SlackFailure

logger = logging.getLogger(__name__)


def send_my_data_file(client: WebClient, user_id: str, content: str, title: str) -> bool:
    """True when the file landed in the DM."""
    try:
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        client.files_upload_v2(
            channel=channel,
            content=content.encode("utf-8"),
            filename="aplauso-my-data.json",
            title=title,
            initial_comment=title,
        )
    except SlackFailure as error:
        logger.warning("my data file not sent: %s", type(error).__name__)
        return False
    return True
