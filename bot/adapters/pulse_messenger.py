"""The Slack side of the pulse: DMs a pulse or a reminder, and says plainly when Slack refuses."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.views.pulse import pulse_message
from engagement.pulse_model import PulseInvite, SentPulse
from engagement.reports import DeliveryFailedError

PULSE_EVENT = "aplauso_pulse"
REMINDER_EVENT = "aplauso_pulse_reminder"


def post_direct_message(
    client: WebClient, user_id: str, text: str, blocks: list[dict[str, Any]], **extra: Any
) -> SlackResponse:
    """chat.postMessage to a person; any refusal becomes `DeliveryFailedError` with Slack's code."""
    try:
        return client.chat_postMessage(channel=user_id, text=text, blocks=blocks, **extra)
    except SlackApiError as error:
        code = error.response.get("error") if error.response is not None else None
        raise DeliveryFailedError(str(code or "slack_error")) from None
    except SlackClientError as error:
        raise DeliveryFailedError(type(error).__name__) from None


class SlackPulseMessenger:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send_pulse(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=False)

    def send_reminder(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=True)

    def already_sent(self, invite: PulseInvite) -> SentPulse | None:
        """Looks for this week's pulse in the DM by its message metadata (needs im:history)."""
        try:
            channel = str(self._client.conversations_open(users=invite.user_id)["channel"]["id"])
            history = self._client.conversations_history(
                channel=channel, limit=100, include_all_metadata=True
            )
        except SlackClientError:
            return None  # cannot tell: sending again is better than never asking
        week = invite.week_start.isoformat()
        for message in history.get("messages") or []:
            metadata = message.get("metadata") or {}
            if (
                metadata.get("event_type") == PULSE_EVENT
                and (metadata.get("event_payload") or {}).get("week") == week
            ):
                return SentPulse(channel, str(message.get("ts") or ""))
        return None

    def _post(self, invite: PulseInvite, *, reminder: bool) -> SentPulse:
        text, blocks = pulse_message(invite, invite.lang, reminder=reminder)
        metadata = {
            "event_type": REMINDER_EVENT if reminder else PULSE_EVENT,
            "event_payload": {"week": invite.week_start.isoformat()},
        }
        response = post_direct_message(
            self._client, invite.user_id, text, blocks, metadata=metadata
        )
        return SentPulse(str(response.get("channel") or ""), str(response.get("ts") or ""))
