"""``FakeSlack``: the project's own Slack Web API on loopback, for tests and ``aplauso demo``.

Nothing the project owns is mocked: the app talks HTTP to this server through a real
``slack_sdk.WebClient(base_url=fake.api_url)``, and the server answers with Slack's shapes,
errors, limits and rate limits. Tests arrange the workspace (people, groups, channels,
messages) through this facade and assert on what the app did through the call log and the
stored messages, DMs, ephemerals, views and files.

Usage::

    with FakeSlack() as fake:
        fake.add_user("U1", "ana", locale="es-ES", tz="Europe/Madrid")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token)
        client.chat_postMessage(channel="U1", text="Hola")
        assert fake.dm_messages("U1")[-1]["text"] == "Hola"
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from sandbox.api_views import (
    apply_view_submission_response,
    check_submission_response,
    close_view,
)
from sandbox.conversations import Conversation
from sandbox.directory import Person, Usergroup
from sandbox.fault_injection import FaultInjector
from sandbox.http_server import QuietHttpServer
from sandbox.rate_limits import RateLimiter, RateLimitRule, slack_default_rules
from sandbox.recording import CallLog, RecordedCall
from sandbox.surfaces import ResponseUrl, UploadedFile
from sandbox.web_api import RESPONSE_URL_PREFIX, HttpReply, HttpRequest, WebApi
from sandbox.workspace import Identity, Workspace

JsonDict = dict[str, Any]

GENERAL_CHANNEL_ID = "C_GENERAL"
DEFAULT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
    "reactions:read",
    "usergroups:read",
    "users:read",
    "users:read.email",
)


class FakeSlack:
    """A fake Slack workspace and Web API server (thread-safe; a context manager)."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-sandbox-token",  # noqa: S107 - a fake, not a secret
        bot_user_id: str = "UAPLAUSOBOT",
        bot_id: str = "BAPLAUSO",
        bot_name: str = "aplauso",
        app_id: str = "AAPLAUSO",
        team_id: str = "TSANDBOX",
        team_domain: str = "sandbox",
        team_name: str = "Sandbox",
        host: str = "127.0.0.1",
        port: int = 0,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        require_text_with_blocks: bool = True,
        trigger_ttl: float = 3.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        identity = Identity(
            team_id=team_id,
            team_domain=team_domain,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            bot_token=bot_token,
        )
        self._ws = Workspace(
            identity,
            clock=clock,
            require_text_with_blocks=require_text_with_blocks,
            trigger_ttl=trigger_ttl,
        )
        self._log = CallLog()
        self._limiter = RateLimiter()
        self._faults = FaultInjector()
        self._api = WebApi(self._ws, self._log, self._limiter, self._faults, tuple(scopes))
        self._server = QuietHttpServer(self._api.handle, host, port)
        self.add_channel(GENERAL_CHANNEL_ID, "general")

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Start serving (idempotent); returns self for chaining."""
        self._server.start()
        host, port = self._server.address
        self._ws.base_url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.stop()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def handle_request(self, request: HttpRequest) -> HttpReply:
        """Serve one request in-process, without a socket: the exact code path of the server,
        for benches that want to measure the fake rather than the loopback network."""
        return self._api.handle(request)

    # -- identity -----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (the server must be started)."""
        if not self._server.running:
            raise RuntimeError("FakeSlack is not started; call start() or use it as a context")
        return self._ws.base_url

    @property
    def api_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)``, ending in ``/api/``."""
        return f"{self.base_url}/api/"

    @property
    def bot_token(self) -> str:
        """The only token the fake accepts."""
        return self._ws.identity.bot_token

    @property
    def bot_user_id(self) -> str:
        """The app's bot user id."""
        return self._ws.identity.bot_user_id

    @property
    def bot_id(self) -> str:
        """The app's bot id (``B...``)."""
        return self._ws.identity.bot_id

    @property
    def app_id(self) -> str:
        """The app id (``A...``)."""
        return self._ws.identity.app_id

    @property
    def team_id(self) -> str:
        """The workspace id."""
        return self._ws.identity.team_id

    @property
    def team_domain(self) -> str:
        """The workspace subdomain."""
        return self._ws.identity.team_domain

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
                team_id=self.team_id,
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
                team_id=self.team_id,
                user_ids=list(user_ids),
                name=name or handle,
                created=int(self._ws.clock()),
            )

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

        With ``bot_is_member=False`` the app gets ``not_in_channel`` when it posts or reads
        there, as in Slack.
        """
        private = channel_id.startswith("G") if is_private is None else is_private
        with self._ws.lock:
            self._ws.conversations[channel_id] = Conversation(
                id=channel_id,
                kind="private" if private else "public",
                name=name,
                created=int(self._ws.clock()),
                team_id=self.team_id,
                members=list(member_ids),
                bot_is_member=bot_is_member,
            )

    def archive_channel(self, channel_id: str) -> None:
        """Archive a channel: posting there answers ``is_archived``."""
        with self._ws.lock:
            self._ws.conversations[channel_id].is_archived = True

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
                "team": self.team_id,
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
        return f"{self.base_url}{RESPONSE_URL_PREFIX}{url_id}"

    def dm_channel_id(self, user_id: str) -> str:
        """The id of the app's DM with a person (stable: ``D`` + user id)."""
        return self._ws.dm_channel_id(user_id)

    # -- failures and limits ------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail (see :class:`FaultInjector`)."""
        self._faults.fail_next(
            method, status=status, retry_after=retry_after, error=error, times=times
        )

    def set_rate_limit(
        self,
        method: str,
        per_minute: float,
        *,
        burst: float | None = None,
        per_channel_per_second: float | None = None,
    ) -> None:
        """Enforce a token bucket on ``method`` (burst defaults to one minute's allowance)."""
        self._limiter.set_rule(
            method,
            RateLimitRule(
                per_minute=per_minute, burst=burst, per_channel_per_second=per_channel_per_second
            ),
        )

    def clear_rate_limits(self) -> None:
        """Remove every rate limit."""
        self._limiter.clear()

    def enforce_slack_rate_limits(self) -> None:
        """Apply Slack's documented tiers to every implemented method (see rate_limits)."""
        for method, rule in slack_default_rules().items():
            self._limiter.set_rule(method, rule)

    @property
    def rate_limited(self) -> dict[str, int]:
        """How many 429 answers each method got so far."""
        return self._limiter.served_429()

    def rate_limited_count(self, method: str) -> int:
        """How many 429 answers ``method`` got so far."""
        return self._limiter.served_429().get(method, 0)

    # -- what happened ------------------------------------------------------------------
    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, oldest first (a snapshot copy)."""
        return self._log.snapshot()

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Calls to one method (``"response_url"`` for response URL posts), oldest first."""
        return self._log.to(method)

    def clear_calls(self) -> None:
        """Forget recorded calls (state such as messages is kept)."""
        self._log.clear()

    def messages(self, channel_id: str) -> list[JsonDict]:
        """Messages in a conversation (or a user's DM), replies included, newest last."""
        with self._ws.lock:
            conversation = self._ws.conversations.get(channel_id)
            if conversation is None and channel_id[:1] in ("U", "W"):
                dm_id = self._ws.dm_by_user.get(channel_id)
                conversation = self._ws.conversations.get(dm_id or "")
            if conversation is None:
                return []
            return copy.deepcopy(conversation.all_messages())

    def dm_messages(self, user_id: str) -> list[JsonDict]:
        """Messages in the app's DM with a person, newest last."""
        with self._ws.lock:
            dm_id = self._ws.dm_by_user.get(user_id)
        return self.messages(dm_id) if dm_id else []

    def ephemerals(self, user_id: str) -> list[JsonDict]:
        """Ephemeral messages shown to a person (``chat.postEphemeral`` and response URLs)."""
        with self._ws.lock:
            return copy.deepcopy(self._ws.ephemerals.get(user_id, []))

    def home_view(self, user_id: str) -> JsonDict | None:
        """The Home tab last published for a person."""
        with self._ws.lock:
            view = self._ws.home_views.get(user_id)
            return copy.deepcopy(view) if view is not None else None

    @property
    def views(self) -> dict[str, JsonDict]:
        """Open modals by view id (a snapshot copy)."""
        with self._ws.lock:
            return copy.deepcopy(self._ws.views)

    def open_modals(self, user_id: str) -> list[JsonDict]:
        """A person's modal stack, bottom first."""
        with self._ws.lock:
            stack = self._ws.modal_stacks.get(user_id, [])
            return [copy.deepcopy(self._ws.views[view_id]) for view_id in stack]

    def close_view(self, view_id: str, *, clear: bool = False) -> None:
        """The person dismissed a modal (or ``clear``: the whole stack)."""
        with self._ws.lock:
            close_view(self._ws, view_id, clear=clear)

    def apply_view_submission_response(self, view_id: str, response: Any) -> None:
        """Do what Slack does with the app's answer to a view submission.

        The answer is recorded as a call to ``"view_submission_response"`` (``ok`` false with
        ``errors`` when Slack would refuse it, e.g. an ``update`` view over Block Kit limits).
        """
        with self._ws.lock:
            problems = check_submission_response(self._ws, view_id, response)
            apply_view_submission_response(self._ws, view_id, response)
        params = {"view_id": view_id, "response": response}
        if problems:
            body: JsonDict = {"ok": False, "error": "invalid_arguments", "errors": problems}
        else:
            body = {"ok": True}
        self._log.record("view_submission_response", params, body)

    def find_view(self, view_id: str) -> JsonDict | None:
        """An open modal or a published Home tab by view id."""
        with self._ws.lock:
            view = self._ws.views.get(view_id)
            if view is None:
                view = next(
                    (home for home in self._ws.home_views.values() if home["id"] == view_id),
                    None,
                )
            return copy.deepcopy(view) if view is not None else None

    def channel_name(self, channel_id: str) -> str | None:
        """A channel's name, if the fake knows the channel."""
        with self._ws.lock:
            conversation = self._ws.conversations.get(channel_id)
            return conversation.name if conversation is not None else None

    def channel_of_message(self, ts: str) -> str | None:
        """The conversation holding the message with this ts, if any."""
        with self._ws.lock:
            for conversation in self._ws.conversations.values():
                if conversation.find(ts) is not None:
                    return conversation.id
        return None

    @property
    def files(self) -> dict[str, UploadedFile]:
        """Files by id; ``fake.files[file_id].content`` holds the uploaded bytes."""
        with self._ws.lock:
            return dict(self._ws.files)

    def user(self, user_id: str) -> JsonDict | None:
        """A person as ``users.info`` would show them (with locale)."""
        with self._ws.lock:
            person = self._ws.person(user_id)
            return person.to_json(include_locale=True, now=self._ws.clock()) if person else None
