"""The Slack side of the pulse job: DMs a pulse or a reminder, and says plainly when Slack refuses."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.views.pulse import pulse_message
from engagement.pulse import DeliveryFailedError, PulseInvite, SentPulse


class SlackPulseMessenger:
    def __init__(self, client: WebClient) -> None:
        self._client = client

    def _post(self, invite: PulseInvite, *, reminder: bool) -> SentPulse:
        text, blocks = pulse_message(invite, invite.lang, reminder=reminder)
        try:
            response = self._client.chat_postMessage(
                channel=invite.user_id, text=text, blocks=blocks
            )
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            raise DeliveryFailedError(str(code or "slack_error")) from None
        except SlackClientError as error:
            raise DeliveryFailedError(type(error).__name__) from None
        return SentPulse(str(response.get("channel") or ""), str(response.get("ts") or ""))

    def send_pulse(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=False)

    def send_reminder(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=True)
