"""Interactions with Block Kit surfaces: clicks and choices, modal submissions and closes.

Modal submissions and closes also update the fake's open modals the way Slack would.
"""

from __future__ import annotations

import secrets
import time

from sandbox import slack_payloads as build
from sandbox.kit_transport import KitBase, SlackResponse
from sandbox.slack_payloads import JsonDict


class InteractionsKit(KitBase):
    """``block_actions``, ``view_submission``, ``view_closed`` and ``block_suggestion``."""

    def block_action(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str | None = None,
        block_id: str | None = None,
        container: JsonDict | None = None,
        message: JsonDict | None = None,
        view: JsonDict | None = None,
        channel_id: str | None = None,
        selected_option: JsonDict | None = None,
    ) -> SlackResponse:
        """A click or choice on an interactive element in a message, modal or Home tab.

        When the element is found in ``message``/``view`` blocks, its type, text, value and
        block id are taken from there. A ``view`` given as ``{"id": ...}`` is completed from
        the fake's open modals or Home tabs.
        """
        view = self._known_view(view)
        blocks = (view or message or {}).get("blocks")
        found_block_id, element = build.find_element(blocks, action_id)
        action = build.block_action_entry(
            action_id=action_id,
            block_id=block_id or found_block_id,
            value=value,
            selected_option=selected_option,
            element=element,
        )
        response_url = None
        channel = None
        if message is not None and channel_id is None and self.fake is not None:
            channel_id = self.fake.channel_of_message(str(message.get("ts", "")))
        if view is not None:
            default_container: JsonDict = {"type": "view", "view_id": view.get("id")}
        else:
            default_container = {
                "type": "message",
                "message_ts": (message or {}).get("ts"),
                "channel_id": channel_id,
                "is_ephemeral": False,
            }
        if channel_id is not None:
            channel = {"id": channel_id, "name": self._channel_name(channel_id)}
            if view is None:
                response_url = self._response_url(
                    channel_id=channel_id,
                    user_id=user_id,
                    message_ts=(message or {}).get("ts"),
                )
        payload = build.block_actions_payload(
            self.origin,
            user_id=user_id,
            action=action,
            trigger_id=self._trigger_id(user_id),
            container=container or default_container,
            channel=channel,
            message=message,
            view=view,
            response_url=response_url,
        )
        return self._post_payload(payload)

    def _known_view(self, view: JsonDict | None) -> JsonDict | None:
        if view is None or self.fake is None:
            return view
        view_id = view.get("id")
        stored = self.fake.find_view(str(view_id)) if view_id else None
        return {**stored, **view} if stored is not None else view

    def view_submission(
        self,
        callback_id: str,
        *,
        user_id: str,
        view_id: str,
        state_values: JsonDict,
        private_metadata: str = "",
        hash: str | None = None,
    ) -> SlackResponse:
        """The person submits a modal; the fake then closes/updates it per the app's answer."""
        view = self._submitted_view(view_id, callback_id, private_metadata, hash)
        view["state"] = {"values": state_values}
        payload = build.view_payload(
            self.origin,
            kind="view_submission",
            user_id=user_id,
            view=view,
            trigger_id=self._trigger_id(user_id),
        )
        response = self._post_payload(payload)
        if self.fake is not None and response.status == 200:
            self.fake.apply_view_submission_response(view_id, response.json)
        return response

    def view_closed(
        self,
        callback_id: str,
        *,
        user_id: str,
        view_id: str,
        private_metadata: str = "",
        is_cleared: bool = False,
    ) -> SlackResponse:
        """The person dismissed a modal (sent when the view has ``notify_on_close``)."""
        view = self._submitted_view(view_id, callback_id, private_metadata, None)
        payload = build.view_payload(
            self.origin, kind="view_closed", user_id=user_id, view=view, is_cleared=is_cleared
        )
        if self.fake is not None:
            self.fake.close_view(view_id, clear=is_cleared)
        return self._post_payload(payload)

    def _submitted_view(
        self, view_id: str, callback_id: str, private_metadata: str, view_hash: str | None
    ) -> JsonDict:
        stored = self.fake.find_view(view_id) if self.fake is not None else None
        view: JsonDict = stored or {
            "id": view_id,
            "team_id": self.origin.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": callback_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": "Modal"},
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": self.origin.api_app_id,
            "bot_id": "",
        }
        view["callback_id"] = callback_id
        if private_metadata:
            view["private_metadata"] = private_metadata
        if view_hash is not None:
            view["hash"] = view_hash
        return view

    def block_suggestion(
        self,
        action_id: str,
        *,
        user_id: str,
        value: str,
        block_id: str | None = None,
        view: JsonDict | None = None,
    ) -> SlackResponse:
        """An external select asks the app for options (``type: block_suggestion``)."""
        view = self._known_view(view)
        payload: JsonDict = {
            "type": "block_suggestion",
            "user": self.origin.user(user_id),
            "container": {"type": "view", "view_id": (view or {}).get("id")},
            "api_app_id": self.origin.api_app_id,
            "token": self.origin.verification_token,
            "action_id": action_id,
            "block_id": block_id or "",
            "value": value,
            "team": self.origin.team,
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if view is not None:
            payload["view"] = view
        return self._post_payload(payload)
