"""Events API deliveries: ``event_callback`` envelopes, retries, and the events the app subscribes to."""

from __future__ import annotations

import secrets
import time

from sandbox import slack_payloads as build
from sandbox.kit_transport import KitBase, SlackResponse
from sandbox.slack_payloads import JsonDict


class EventsKit(KitBase):
    """Events the app subscribes to, plus the ``url_verification`` handshake."""

    def event(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        event_time: int | None = None,
    ) -> SlackResponse:
        """Deliver one event in an ``event_callback`` envelope (a retry when ``retry_num``)."""
        event = {"event_ts": build.action_ts(), **event}
        envelope = build.event_envelope(
            self.origin,
            event,
            event_id=event_id or build.new_event_id(),
            event_time=event_time if event_time is not None else int(time.time()),
        )
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self._post_json(envelope, headers)

    def team_join(self, user_id: str) -> SlackResponse:
        """Someone joined the workspace; the event carries their user object."""
        return self.event({"type": "team_join", "user": self._user_object(user_id)})

    def user_change(self, user_id: str) -> SlackResponse:
        """Someone's profile changed (or they were deactivated); carries the user object."""
        return self.event(
            {
                "type": "user_change",
                "user": self._user_object(user_id),
                "cache_ts": int(time.time()),
            }
        )

    def _user_object(self, user_id: str) -> JsonDict:
        if self.fake is None:
            return {"id": user_id, "name": user_id.lower(), "deleted": False, "profile": {}}
        return self.fake.user_json(user_id)

    def app_home_opened(self, user_id: str, *, tab: str = "home") -> SlackResponse:
        """The person opened the app's Home (or Messages) tab."""
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": self._dm_id(user_id),
            "tab": tab,
        }
        if self.fake is not None:
            home = self.fake.home_view(user_id)
            if home is not None and tab == "home":
                event["view"] = home
        return self.event(event)

    def reaction_added(
        self,
        user_id: str,
        reaction: str,
        channel: str,
        message_ts: str,
        item_user: str | None = None,
    ) -> SlackResponse:
        """Someone added an emoji reaction to a message (no message text, as in Slack)."""
        return self.event(
            build.reaction_event(
                "reaction_added",
                user_id=user_id,
                reaction=reaction,
                channel=channel,
                message_ts=message_ts,
                item_user=item_user,
            )
        )

    def reaction_removed(
        self,
        user_id: str,
        reaction: str,
        channel: str,
        message_ts: str,
        item_user: str | None = None,
    ) -> SlackResponse:
        """Someone removed their emoji reaction."""
        return self.event(
            build.reaction_event(
                "reaction_removed",
                user_id=user_id,
                reaction=reaction,
                channel=channel,
                message_ts=message_ts,
                item_user=item_user,
            )
        )

    def app_mention(
        self, user_id: str, text: str, channel: str, *, thread_ts: str | None = None
    ) -> SlackResponse:
        """Someone @-mentioned the app; the message is also stored in the fake."""
        ts = self._typed_message(channel, user_id, text, thread_ts)
        event: JsonDict = {
            "type": "app_mention",
            "user": user_id,
            "text": text,
            "ts": ts,
            "channel": channel,
            "team": self.origin.team_id,
            "client_msg_id": secrets.token_hex(8),
            "blocks": build.rich_text_blocks(text),
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
        return self.event(event)

    def direct_message(self, user_id: str, text: str) -> SlackResponse:
        """Someone wrote to the app in its DM (``message`` event, ``channel_type: im``)."""
        channel = self._dm_id(user_id)
        ts = self._typed_message(channel, user_id, text, None)
        return self.event(
            {
                "type": "message",
                "channel": channel,
                "user": user_id,
                "text": text,
                "ts": ts,
                "channel_type": "im",
                "team": self.origin.team_id,
                "client_msg_id": secrets.token_hex(8),
                "blocks": build.rich_text_blocks(text),
            }
        )

    def url_verification(self, challenge: str) -> SlackResponse:
        """The handshake Slack does when the Request URL is saved."""
        payload = {
            "token": self.origin.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self._post_json(payload)
