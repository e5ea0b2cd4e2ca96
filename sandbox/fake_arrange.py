"""How tests arrange the fake workspace: people, groups, channels, messages, tokens.

A mixin of :class:`~sandbox.fake_slack.FakeSlack`, kept apart so the facade stays readable;
everything here works on the shared :class:`~sandbox.workspace.Workspace` under its lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.conversations import Conversation
from sandbox.directory import Person, Usergroup
from sandbox.slack_payloads import rich_text_blocks
from sandbox.surfaces import ResponseUrl
from sandbox.web_api import RESPONSE_URL_PREFIX
from sandbox.workspace import Workspace

JsonDict = dict[str, Any]
GENERAL_CHANNEL_ID = "C_GENERAL"


class ArrangeWorkspace:
    """Arranging the workspace (mixed into ``FakeSlack``)."""

    _ws: Workspace

    # -- arranging the workspace --------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        display_name: str | None = None,
        locale: str = "en-US",
        tz: str = "America/New_York",
        tz_offset: int | None = None,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
    ) -> None:
        """Add (or replace) a person; they join ``#general`` like new members do.

        ``tz_offset`` None means: computed from ``tz`` at the current time, so it follows
        daylight saving like Slack's does.
        """
        with self._ws.lock:
            self._ws.people[user_id] = Person(
                id=user_id,
                name=name,
                team_id=self._ws.identity.team_id,
                real_name=real_name if real_name is not None else name.capitalize(),
                display_name=display_name if display_name is not None else "",
                locale=locale,
                tz=tz,
                tz_offset=tz_offset,
                is_bot=is_bot,
                deleted=deleted,
                email=email,
                bot_id=f"B{user_id[1:]}" if is_bot else None,
                updated=int(self._ws.clock()),
            )
            general = self._ws.conversations[GENERAL_CHANNEL_ID]
            if not is_bot and not deleted:
                general.add_member(user_id)

    def deactivate_user(self, user_id: str) -> None:
        """Mark a person deactivated (``deleted: true``), as an admin would."""
        with self._ws.lock:
            self._ws.people[user_id].deleted = True

    def add_emoji(self, name: str, url: str = "") -> None:
        """Upload a custom emoji, as someone would in *Customize workspace*."""
        with self._ws.lock:
            self._ws.custom_emoji[name] = url or f"https://emoji.slack-edge.com/T0/{name}.png"

    def add_usergroup(
        self,
        usergroup_id: str,
        handle: str,
        user_ids: Iterable[str],
        *,
        name: str | None = None,
    ) -> None:
        """Add (or replace) a user group ``@handle`` with these members."""
        with self._ws.lock:
            self._ws.usergroups[usergroup_id] = Usergroup(
                id=usergroup_id,
                handle=handle,
                team_id=self._ws.identity.team_id,
                user_ids=list(user_ids),
                name=name or handle,
                created=int(self._ws.clock()),
            )

    def change_usergroup_members(
        self, usergroup_id: str, added: Iterable[str] = (), removed: Iterable[str] = ()
    ) -> None:
        """Add and remove members of an existing group, as an admin would."""
        with self._ws.lock:
            group = self._ws.usergroups[usergroup_id]
            gone = set(removed)
            kept = [uid for uid in group.user_ids if uid not in gone]
            group.user_ids = kept + [uid for uid in dict.fromkeys(added) if uid not in kept]

    def add_channel(
        self,
        channel_id: str,
        name: str,
        member_ids: Iterable[str] = (),
        *,
        is_private: bool | None = None,
        bot_is_member: bool = True,
    ) -> None:
        """Add (or replace) a channel. ``G...`` ids are private unless said otherwise.

        With ``bot_is_member=False`` the app gets ``not_in_channel`` (public) or
        ``channel_not_found`` (private) when it posts or reads there, as in Slack.
        """
        private = channel_id.startswith("G") if is_private is None else is_private
        with self._ws.lock:
            self._ws.conversations[channel_id] = Conversation(
                id=channel_id,
                kind="private" if private else "public",
                name=name,
                created=int(self._ws.clock()),
                team_id=self._ws.identity.team_id,
                members=list(member_ids),
                bot_is_member=bot_is_member,
            )

    def invite_bot(self, channel_id: str) -> None:
        """Someone ran ``/invite @app`` in the channel: the bot is a member from now on."""
        with self._ws.lock:
            self._ws.conversations[channel_id].bot_is_member = True

    def remove_bot(self, channel_id: str) -> None:
        """Someone removed the app from the channel."""
        with self._ws.lock:
            self._ws.conversations[channel_id].bot_is_member = False

    def bot_is_member(self, channel_id: str) -> bool:
        """Whether the bot is in the conversation (always true for its DMs)."""
        with self._ws.lock:
            conversation = self._ws.conversations.get(channel_id)
            return conversation is not None and conversation.bot_is_member

    def archive_channel(self, channel_id: str) -> None:
        """Archive a channel: posting there answers ``is_archived``."""
        with self._ws.lock:
            self._ws.conversations[channel_id].is_archived = True

    def edit_message(self, channel: str, ts: str, text: str) -> tuple[JsonDict, JsonDict]:
        """A person edits their message: (the message before, the message after)."""
        with self._ws.lock:
            message = self._ws.conversation(channel).by_ts[ts]
            before = dict(message)
            message.update(
                text=text,
                blocks=rich_text_blocks(text),
                edited={"user": message.get("user", ""), "ts": self._ws.next_ts()},
            )
            return before, dict(message)

    def remove_message(self, channel: str, ts: str) -> JsonDict | None:
        """A person deletes their message; the message it was, or None when unknown."""
        with self._ws.lock:
            return self._ws.conversation(channel).remove(ts)

    def add_message(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        blocks: list[JsonDict] | None = None,
    ) -> str:
        """Put a message written by a person into a conversation (or a user's DM); its ts."""
        with self._ws.lock:
            conversation = self._ws.conversation(channel, allow_user_id=True)
            if ts is None:
                ts = self._ws.next_ts()
            else:
                self._ws.note_ts(ts)
            message: JsonDict = {
                "type": "message",
                "user": user,
                "text": text,
                "ts": ts,
                "team": self._ws.identity.team_id,
                "client_msg_id": f"sandbox-{ts}",
            }
            if blocks is not None:
                message["blocks"] = blocks
            if thread_ts is not None:
                message["thread_ts"] = thread_ts
                parent = conversation.find(thread_ts)
                message["parent_user_id"] = parent.get("user", "") if parent else ""
            conversation.add(message)
            return ts

    # -- tokens the request kit hands to the app ----------------------------------------
    def new_trigger_id(self, user_id: str | None = None) -> str:
        """A trigger id valid for ``trigger_ttl`` seconds (3 by default), usable once."""
        with self._ws.lock:
            return self._ws.issue_trigger(user_id)

    def expire_trigger_id(self, trigger_id: str) -> None:
        """Age a trigger id past its lifetime, to test late ``views.open`` without sleeping."""
        with self._ws.lock:
            trigger = self._ws.triggers[trigger_id]
            trigger.issued_at -= self._ws.trigger_ttl + 1

    def new_response_url(
        self,
        *,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A ``response_url`` on this server, tied to a channel, a person and a message."""
        with self._ws.lock:
            url_id = str(len(self._ws.response_urls) + 1)
            self._ws.response_urls[url_id] = ResponseUrl(
                id=url_id,
                channel_id=channel_id,
                user_id=user_id,
                message_ts=message_ts,
                created_at=self._ws.monotonic(),
            )
        return f"{self._ws.base_url}{RESPONSE_URL_PREFIX}{url_id}"

    def dm_channel_id(self, user_id: str) -> str:
        """The id of the app's DM with a person (stable: ``D`` + user id)."""
        return self._ws.dm_channel_id(user_id)
