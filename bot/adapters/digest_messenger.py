"""The Slack side of the digest job: the DM with its metadata, then the chart in the same DM."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.views.digest import digest_message
from engagement.digest_model import DigestLetter
from engagement.reports import DeliveryFailedError

logger = logging.getLogger(__name__)

DIGEST_EVENT = "aplauso_digest"


def slug(name: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name).strip("-")
    return cleaned or "team"


class SlackDigestMessenger:
    """Implements `engagement.ports.DigestMessenger`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send_digest(self, letter: DigestLetter) -> str:
        data = letter.data
        text, blocks = digest_message(data, letter.lang, letter.values)
        metadata = {
            "event_type": DIGEST_EVENT,
            "event_payload": {"team": data.team_name, "week": data.week_start.isoformat()},
        }
        try:
            response = self._client.chat_postMessage(
                channel=letter.manager_id, text=text, blocks=blocks, metadata=metadata
            )
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            raise DeliveryFailedError(str(code or "slack_error")) from None
        except SlackClientError as error:
            raise DeliveryFailedError(type(error).__name__) from None
        ts = str(response.get("ts") or "")
        self._upload_chart(letter, str(response.get("channel") or ""), ts)
        return ts

    def _upload_chart(self, letter: DigestLetter, channel: str, ts: str) -> None:
        """In the DM the digest went to: files_upload_v2 needs its id (the post's answer gives
        it), not the manager's user id.

        matplotlib is imported here, on the first digest, not when `serve` starts: it costs
        about half a second that /healthz should not wait for."""
        from bot.views.digest_chart import render_chart

        data = letter.data
        try:
            self._client.files_upload_v2(
                channel=channel or self._dm_channel(letter.manager_id),
                content=render_chart(data, letter.lang),
                filename=f"aplauso-{slug(data.team_name)}-{data.week_start.isoformat()}.png",
                title=f"{data.team_name} · {data.week_start.isoformat()}",
                thread_ts=ts or None,
            )
        except SlackClientError as error:  # the digest itself is out; the chart is a bonus
            logger.warning("chart upload failed: %s", type(error).__name__)

    def _dm_channel(self, user_id: str) -> str:
        return str(self._client.conversations_open(users=user_id)["channel"]["id"])

    def already_sent(self, letter: DigestLetter) -> str | None:
        week = letter.data.week_start.isoformat()
        try:
            history = self._client.conversations_history(
                channel=self._dm_channel(letter.manager_id), limit=200, include_all_metadata=True
            )
        except SlackClientError:
            return None
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == DIGEST_EVENT
                and payload.get("team") == letter.data.team_name
                and payload.get("week") == week
            ):
                return str(message.get("ts") or "")
        return None
