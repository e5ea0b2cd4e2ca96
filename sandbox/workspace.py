"""All state of the fake workspace behind one lock, and the lookups every method shares.

One re-entrant lock guards everything: Web API handlers run under it one at a time, which
keeps the fake trivially consistent under many concurrent connections while each handler stays
short (no I/O under the lock).
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.api_params import Params, SlackApiError
from sandbox.conversations import Conversation, format_ts, ts_key
from sandbox.directory import SLACKBOT_ID, Person, Usergroup
from sandbox.scopes import CHAT_WRITE_PUBLIC, KIND_SCOPES, check_scopes, missing_scope
from sandbox.surfaces import ResponseUrl, Trigger, UploadedFile

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Identity:
    """Who the app is in this workspace (what ``auth.test`` answers)."""

    team_id: str
    team_domain: str
    team_name: str
    bot_user_id: str
    bot_id: str
    bot_name: str
    app_id: str
    bot_token: str

    @property
    def team_url(self) -> str:
        """The workspace URL, as ``auth.test`` returns it."""
        return f"https://{self.team_domain}.slack.com/"


class Workspace:
    """People, groups, conversations, views, files and issued tokens of one workspace."""

    def __init__(
        self,
        identity: Identity,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        require_text_with_blocks: bool = True,
        trigger_ttl: float = 3.0,
        scopes: tuple[str, ...] = (),
        enforce_scopes: bool = True,
        enforce_membership: bool = True,
    ) -> None:
        self.identity = identity
        self.clock = clock
        self.monotonic = monotonic
        self.require_text_with_blocks = require_text_with_blocks
        self.trigger_ttl = trigger_ttl
        self.scopes = scopes
        self.enforce_scopes = enforce_scopes
        self.enforce_membership = enforce_membership
        self.lock = threading.RLock()
        self.base_url = "http://127.0.0.1"  # set to the real address once the server listens
        self.people: dict[str, Person] = {}
        self.usergroups: dict[str, Usergroup] = {}
        self.conversations: dict[str, Conversation] = {}
        self.dm_by_user: dict[str, str] = {}
        self.ephemerals: dict[str, list[JsonDict]] = {}
        self.views: dict[str, JsonDict] = {}
        self.view_owner: dict[str, str] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, JsonDict] = {}
        self.files: dict[str, UploadedFile] = {}
        self.custom_emoji: dict[str, str] = {}  # name -> image URL or "alias:other"
        self.upload_tokens: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self._last_ts: tuple[int, int] = (0, 0)
        self._ids = itertools.count(1)
        self._add_builtin_people()

    def _add_builtin_people(self) -> None:
        now = int(self.clock())
        self.people[SLACKBOT_ID] = Person(
            id=SLACKBOT_ID,
            name="slackbot",
            team_id=self.identity.team_id,
            real_name="Slackbot",
            tz="America/Los_Angeles",
            updated=now,
        )
        bot = self.identity
        self.people[bot.bot_user_id] = Person(
            id=bot.bot_user_id,
            name=bot.bot_name,
            team_id=bot.team_id,
            real_name=bot.bot_name.capitalize(),
            tz="America/Los_Angeles",
            is_bot=True,
            bot_id=bot.bot_id,
            updated=now,
        )

    # -- ids ----------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        """A fresh Slack-looking id such as ``V000000007``."""
        return f"{prefix}{next(self._ids):09d}"

    def next_ts(self) -> str:
        """A message ts from the clock, strictly increasing across the workspace."""
        now = self.clock()
        seconds = int(now)
        key = (seconds, round((now - seconds) * 1_000_000) % 1_000_000)
        if key <= self._last_ts:
            seconds, micros = self._last_ts
            micros += 1
            if micros >= 1_000_000:
                seconds, micros = seconds + 1, 0
            key = (seconds, micros)
        self._last_ts = key
        return format_ts(key)

    def note_ts(self, ts: str) -> None:
        """Remember a ts chosen by a test so generated ones stay newer."""
        self._last_ts = max(self._last_ts, ts_key(ts))

    # -- people -------------------------------------------------------------------------
    def person(self, user_id: str) -> Person | None:
        """A member by id."""
        return self.people.get(user_id)

    # -- conversations ------------------------------------------------------------------
    def dm_channel_id(self, user_id: str) -> str:
        """The stable id of the bot's DM with a person (``D`` + the user id)."""
        return f"D{user_id}"

    def open_dm(self, user_id: str) -> tuple[Conversation, bool]:
        """The bot's DM with a person, created on first use; also says if it already existed."""
        existing = self.dm_by_user.get(user_id)
        if existing is not None:
            return self.conversations[existing], True
        channel_id = self.dm_channel_id(user_id)
        conversation = Conversation(
            id=channel_id,
            kind="im",
            name=user_id,
            created=int(self.clock()),
            team_id=self.identity.team_id,
            members=[user_id, self.identity.bot_user_id],
            im_user=user_id,
        )
        self.conversations[channel_id] = conversation
        self.dm_by_user[user_id] = channel_id
        return conversation, False

    def check_dm_target(self, user_id: str) -> Person:
        """The person a DM goes to, or the error Slack gives for them."""
        person = self.people.get(user_id)
        if person is None or person.deleted:
            raise SlackApiError("user_not_found")
        if person.is_bot and person.id != self.identity.bot_user_id:
            raise SlackApiError("cannot_dm_bot")
        return person

    def conversation(self, channel: str, *, allow_user_id: bool = False) -> Conversation:
        """Resolve a ``channel`` argument; a user id only where Slack allows one.

        ``chat.postMessage`` accepts a user id and posts in the bot's DM with that person;
        most other methods need a conversation id and answer ``channel_not_found``.
        """
        found = self.conversations.get(channel)
        if found is not None:
            return found
        if channel.startswith("D") and channel[1:] in self.people:
            # Every person has a DM with the app (Slack creates it on install); ours is
            # materialised the first time anything refers to it.
            return self.open_dm(channel[1:])[0]
        if allow_user_id and channel[:1] in ("U", "W") and channel in self.people:
            self.check_dm_target(channel)
            return self.open_dm(channel)[0]
        if allow_user_id and channel[:1] in ("U", "W"):
            raise SlackApiError("user_not_found")
        raise SlackApiError("channel_not_found")

    # -- scopes and membership -----------------------------------------------------------
    def has_scope(self, scope: str) -> bool:
        """Whether the bot token carries ``scope`` (the manifest's ``oauth_config.scopes.bot``)."""
        return scope in self.scopes

    def require_scopes(self, accepted: tuple[str, ...]) -> None:
        """``missing_scope`` unless the token has one of ``accepted`` (when scopes are enforced)."""
        if self.enforce_scopes:
            check_scopes(accepted, frozenset(self.scopes), self.scopes)

    def require_kind_scope(self, conversation: Conversation, use: str) -> None:
        """``missing_scope`` unless the token may ``use`` (read/history/write) this type of
        conversation, e.g. ``im:history`` to read a DM's messages."""
        needed = KIND_SCOPES[use].get(conversation.kind)
        if self.enforce_scopes and needed is not None and needed not in self.scopes:
            raise missing_scope((needed,), self.scopes)

    def postable(self, conversation: Conversation, *, public_scope: bool = False) -> Conversation:
        """The conversation if the bot may post in it, else Slack's error.

        ``public_scope``: the method honours ``chat:write.public`` (``chat.postMessage`` does,
        ``chat.postEphemeral`` does not), so a public channel the bot is not in is fine when the
        token carries that scope.
        """
        if conversation.is_archived:
            raise SlackApiError("is_archived")
        if conversation.kind == "im" and conversation.im_user is not None:
            self.check_dm_target(conversation.im_user)
        return self.member_of(conversation, public_scope=public_scope)

    def member_of(self, conversation: Conversation, *, public_scope: bool = False) -> Conversation:
        """The conversation if the bot is in it (or may act there anyway), else Slack's error:
        ``channel_not_found`` for a private channel it cannot see, ``not_in_channel`` for a
        public one."""
        if not self.enforce_membership or conversation.bot_is_member:
            return conversation
        if conversation.kind == "private":
            raise SlackApiError("channel_not_found")
        if public_scope and self.has_scope(CHAT_WRITE_PUBLIC):
            return conversation
        raise SlackApiError("not_in_channel")

    def readable(self, conversation: Conversation) -> Conversation:
        """The conversation if the bot may read it, else Slack's error."""
        return self.member_of(conversation)

    def permalink(self, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
        """The message link Slack builds: ``/archives/<channel>/p<ts without dot>``."""
        base = f"https://{self.identity.team_domain}.slack.com/archives/{channel_id}/p"
        link = base + ts.replace(".", "")
        if thread_ts and thread_ts != ts:
            link += f"?thread_ts={thread_ts}&cid={channel_id}"
        return link

    # -- tokens handed to the app -------------------------------------------------------
    def issue_trigger(self, user_id: str | None) -> str:
        """A trigger id in Slack's format, valid for ``trigger_ttl`` seconds, once."""
        trigger_id = f"{int(self.clock())}.{next(self._ids)}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = Trigger(trigger_id, user_id, self.monotonic())
        return trigger_id

    def exchange_trigger(self, trigger_id: str | None) -> Trigger:
        """Use up a trigger id, or raise the error ``views.open`` gives for it."""
        if not trigger_id:
            raise SlackApiError("invalid_arguments")
        trigger = self.triggers.get(trigger_id)
        if trigger is None:
            raise SlackApiError("invalid_trigger_id")
        if trigger.used:
            raise SlackApiError("exchanged_trigger_id")
        if self.monotonic() - trigger.issued_at > self.trigger_ttl:
            raise SlackApiError("expired_trigger_id")
        trigger.used = True
        return trigger


#: A Web API method: reads its arguments, works on the workspace (under its lock), and returns
#: the success body or raises :class:`SlackApiError`.
Handler = Callable[[Workspace, Params], JsonDict]
