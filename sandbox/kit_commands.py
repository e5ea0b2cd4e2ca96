"""Slash commands and shortcuts, as Slack sends them when a person runs one."""

from __future__ import annotations

from sandbox import slack_payloads as build
from sandbox.kit_transport import KitBase, SlackResponse
from sandbox.slack_payloads import JsonDict


def command_answer(response: SlackResponse) -> JsonDict | None:
    """The message in an app's answer to a slash command, which Slack shows the person: a
    JSON body, or plain text; None for an empty answer or a failure."""
    if response.status != 200 or not response.body.strip():
        return None
    if isinstance(response.json, dict):
        return response.json
    return {"text": response.body}


class CommandsKit(KitBase):
    """Slash commands (raw or typed in the composer) and global/message shortcuts."""

    def slash_command(
        self,
        command: str,
        text: str,
        *,
        user_id: str,
        channel_id: str = "C_GENERAL",
        user_name: str | None = None,
    ) -> SlackResponse:
        """A slash command with exactly this ``text`` (form-encoded, like Slack sends it).

        The text is sent as given: write ``<@U123|ana>`` yourself to test escaped input. To
        type the way a person does, picking names from the composer, use :meth:`command`.
        """
        fields = build.slash_command_form(
            self.origin,
            command=command,
            text=text,
            user_id=user_id,
            user_name=user_name,
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id),
            response_url=self._response_url(channel_id=channel_id, user_id=user_id),
            trigger_id=self._trigger_id(user_id),
        )
        response = self._post_form(fields)
        answer = command_answer(response)
        if self.fake is not None and answer is not None:
            self.fake.show_command_answer(fields["response_url"], answer)
        return response

    def command(
        self,
        command: str,
        typed: str,
        *,
        as_user: str,
        channel_id: str = "C_GENERAL",
    ) -> SlackResponse:
        """``as_user`` types ``command`` followed by ``typed`` in ``channel_id``, picking
        people, user groups and channels from the composer's suggestions.

        ``@Rosa Méndez``, ``@it-team`` and ``#helpful`` are resolved against the fake's
        directory and sent escaped (``<@U…|rosa.mendez>``, ``<!subteam^S…|@it-team>``,
        ``<#C…|helpful>``) or as the composer shows them (``@Rosa Méndez``), as the manifest's
        ``should_escape`` for that command says. The command must be in the manifest.
        """
        if self.fake is None:
            raise RuntimeError("typing a command needs a FakeSlack: it resolves the names")
        text = self.fake.typed_command_text(command, typed, as_user)
        person = self.fake.user(as_user)
        user_name = str(person["name"]) if person else None
        return self.slash_command(
            command, text, user_id=as_user, channel_id=channel_id, user_name=user_name
        )

    def global_shortcut(self, callback_id: str, *, user_id: str) -> SlackResponse:
        """A global shortcut (``type: shortcut``)."""
        payload = build.global_shortcut_payload(
            self.origin,
            callback_id=callback_id,
            user_id=user_id,
            trigger_id=self._trigger_id(user_id),
        )
        return self._post_payload(payload)

    def message_shortcut(
        self, callback_id: str, *, user_id: str, channel_id: str, message: JsonDict
    ) -> SlackResponse:
        """A message shortcut (``type: message_action``) on ``message`` (needs ts/user/text)."""
        payload = build.message_shortcut_payload(
            self.origin,
            callback_id=callback_id,
            user_id=user_id,
            channel_id=channel_id,
            channel_name=self._channel_name(channel_id),
            message=message,
            trigger_id=self._trigger_id(user_id),
            response_url=self._response_url(
                channel_id=channel_id, user_id=user_id, message_ts=message.get("ts")
            ),
        )
        return self._post_payload(payload)
