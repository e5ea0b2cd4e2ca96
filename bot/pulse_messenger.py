"""The Slack side of the pulse job: DMs a pulse or a reminder, and says plainly when Slack refuses."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.views.pulse import pulse_message
from engagement.pulse import DeliveryFailedError, PulseInvite, SentPulse

PULSE_EVENT = "aplauso_pulse"
REMINDER_EVENT = "aplauso_pulse_reminder"


class SlackPulseMessenger:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def _post(self, invite: PulseInvite, *, reminder: bool) -> SentPulse:
        text, blocks = pulse_message(invite, invite.lang, reminder=reminder)
        metadata = {
            "event_type": REMINDER_EVENT if reminder else PULSE_EVENT,
            "event_payload": {"week": invite.week_start.isoformat()},
        }
        try:
            response = self._client.chat_postMessage(
                channel=invite.user_id, text=text, blocks=blocks, metadata=metadata
            )
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            raise DeliveryFailedError(str(code or "slack_error")) from None
        except SlackClientError as error:
            raise DeliveryFailedError(type(error).__name__) from None
        return SentPulse(str(response.get("channel") or ""), str(response.get("ts") or ""))

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

    def send_pulse(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=False)

    def send_reminder(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=True)
