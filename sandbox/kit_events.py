"""Events API deliveries: ``event_callback`` envelopes, retries, and the events the app subscribes to."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence

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

    def subteam_members_changed(
        self, usergroup_id: str, added: Sequence[str] = (), removed: Sequence[str] = ()
    ) -> SlackResponse:
        """People were added to or removed from a user group: only the delta, no snapshot.
        With a fake, its group changes first, so ``usergroups.users.list`` agrees."""
        if self.fake is not None:
            self.fake.change_usergroup_members(usergroup_id, added, removed)
        now = int(time.time())
        return self.event(
            {
                "type": "subteam_members_changed",
                "subteam_id": usergroup_id,
                "team_id": self.origin.team_id,
                "date_previous_update": now - 60,
                "date_update": now,
                "added_users": list(added),
                "added_users_count": len(added),
                "removed_users": list(removed),
                "removed_users_count": len(removed),
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
        self, user_id: str, reaction: str, channel: str, ts: str, item_user: str | None = None
    ) -> SlackResponse:
        """Someone added an emoji reaction to the message at ``ts`` (no message text, as in Slack)."""
        return self._reaction("reaction_added", user_id, reaction, channel, ts, item_user)

    def reaction_removed(
        self, user_id: str, reaction: str, channel: str, ts: str, item_user: str | None = None
    ) -> SlackResponse:
        """Someone removed their emoji reaction."""
        return self._reaction("reaction_removed", user_id, reaction, channel, ts, item_user)

    def _reaction(
        self, kind: str, user_id: str, reaction: str, channel: str, ts: str, item_user: str | None
    ) -> SlackResponse:
        """Both reaction events carry the same fields; only the type differs."""
        return self.event(build.reaction_event(kind, user_id, reaction, channel, ts, item_user))

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

    def message_changed(self, channel: str, ts: str, text: str) -> SlackResponse:
        """Someone edited their channel message: the new message, with the previous one
        (``message.channels`` / ``message.groups``, subtype ``message_changed``)."""
        assert self.fake is not None, "an edit needs the fake's copy of the message"
        before, after = self.fake.edit_message(channel, ts, text)
        return self.event(
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "channel": channel,
                "channel_type": _channel_type(channel),
                "ts": build.action_ts(),
                "message": after,
                "previous_message": before,
            }
        )

    def message_deleted(self, channel: str, ts: str) -> SlackResponse:
        """Someone deleted their channel message (subtype ``message_deleted``)."""
        assert self.fake is not None, "a deletion needs the fake's copy of the message"
        before = self.fake.remove_message(channel, ts) or {}
        return self.event(
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "channel": channel,
                "channel_type": _channel_type(channel),
                "ts": build.action_ts(),
                "deleted_ts": ts,
                "previous_message": before,
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


def _channel_type(channel: str) -> str:
    """Slack's ``channel_type`` of a message event: ``C`` public, ``G`` private."""
    return "group" if channel.startswith("G") else "channel"
