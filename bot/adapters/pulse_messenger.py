"""The Slack side of the pulse: DMs a pulse or a reminder exactly once, and says plainly why
when Slack does not take it (and whether a later run can try again)."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.adapters.slack_messages import Landed, find_by_metadata, post_exactly_once
from bot.views.pulse import pulse_message
from engagement.pulse_model import PulseInvite, SentPulse

PULSE_EVENT = "aplauso_pulse"
REMINDER_EVENT = "aplauso_pulse_reminder"


def _sent(landed: Landed) -> SentPulse:
    return SentPulse(landed.channel, landed.ts)


class SlackPulseMessenger:
    """Implements `engagement.ports.PulseMessenger`; raises `DeliveryFailedError`."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send_pulse(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=False)

    def send_reminder(self, invite: PulseInvite) -> SentPulse:
        return self._post(invite, reminder=True)

    def already_sent(self, invite: PulseInvite) -> SentPulse | None:
        """This week's pulse in the person's DM, found by its message metadata."""
        week = {"week": invite.week_start.isoformat()}
        landed = find_by_metadata(self._client, invite.user_id, PULSE_EVENT, week)
        return None if landed is None else _sent(landed)

    def _post(self, invite: PulseInvite, *, reminder: bool) -> SentPulse:
        metadata = {
            "event_type": REMINDER_EVENT if reminder else PULSE_EVENT,
            "event_payload": {"week": invite.week_start.isoformat()},
        }
        message = pulse_message(invite, invite.lang, reminder=reminder)
        return _sent(post_exactly_once(self._client, invite.user_id, message, metadata))
