"""The Slack side of the digest job: the DM with its metadata, then the chart in its thread.

A digest is delivered when both are there. Its text lands exactly once (see
`post_exactly_once`); a chart that failed for a passing reason makes the whole delivery fail
for now, and the retry, finding the text already there, posts just the chart.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.adapters.slack_messages import (
    Landed,
    SlackFailure,
    delivery_failure,
    find_by_metadata,
    post_exactly_once,
)
from bot.views.digest import digest_message
from engagement.digest_model import DigestLetter
from engagement.reports import DeliveryFailedError

logger = logging.getLogger(__name__)

DIGEST_EVENT = "aplauso_digest"


def slug(name: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name).strip("-")
    return cleaned or "team"


def _metadata(letter: DigestLetter) -> dict[str, str]:
    return {"team": letter.data.team_name, "week": letter.data.week_start.isoformat()}


class SlackDigestMessenger:
    """Implements `engagement.ports.DigestMessenger`; raises `DeliveryFailedError`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send_digest(self, letter: DigestLetter) -> str:
        message = digest_message(letter.data, letter.lang, letter.values)
        metadata = {"event_type": DIGEST_EVENT, "event_payload": _metadata(letter)}
        landed = post_exactly_once(self._client, letter.manager_id, message, metadata)
        self._upload_chart(letter, landed)
        return landed.ts

    def already_sent(self, letter: DigestLetter) -> str | None:
        """The ts of this team-week's digest if Slack already shows it in the manager's DM.
        A digest found without its chart (the run died between the two) gets it now."""
        landed = find_by_metadata(self._client, letter.manager_id, DIGEST_EVENT, _metadata(letter))
        if landed is None:
            return None
        if not self._has_chart(landed):
            self._upload_chart(letter, landed)
        return landed.ts

    def _has_chart(self, landed: Landed) -> bool:
        try:
            thread = self._client.conversations_replies(channel=landed.channel, ts=landed.ts)
        except SlackFailure as error:
            failure = _chart_failure(error)
            if failure.retryable:
                raise failure from None
            return True  # it can never tell: better no chart than a second one
        return any(message.get("files") for message in thread.get("messages") or [])

    def _upload_chart(self, letter: DigestLetter, landed: Landed) -> None:
        """In the DM the digest went to, in its thread: files_upload_v2 needs the DM's id (the
        post's answer gives it), not the manager's user id.

        matplotlib is imported here, on the first digest, not when `serve` starts: it costs
        about half a second that /healthz should not wait for."""
        from bot.views.digest_chart import render_chart

        data = letter.data
        try:
            self._client.files_upload_v2(
                channel=landed.channel,
                content=render_chart(data, letter.lang),
                filename=f"aplauso-{slug(data.team_name)}-{data.week_start.isoformat()}.png",
                title=f"{data.team_name} · {data.week_start.isoformat()}",
                thread_ts=landed.ts or None,
            )
        except SlackFailure as error:
            failure = _chart_failure(error)
            if failure.retryable:
                raise failure from None
            logger.warning("chart not posted: %s", failure.reason)  # the text is out


def _chart_failure(error: Exception) -> DeliveryFailedError:
    failure = delivery_failure(error)
    return DeliveryFailedError(f"chart_{failure.reason}", retryable=failure.retryable)
