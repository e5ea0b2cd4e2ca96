"""What tests read back from the fake: the call log, messages, ephemerals, views, files.

A mixin of :class:`~sandbox.fake_slack.FakeSlack`; every read is a snapshot copy taken under
the workspace lock, safe while the server keeps serving.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.api_views import (
    apply_view_submission_response,
    check_submission_response,
    close_view,
)
from sandbox.rate_limits import RateLimiter
from sandbox.recording import CallLog, RecordedCall
from sandbox.surfaces import UploadedFile
from sandbox.workspace import Workspace

JsonDict = dict[str, Any]


class ObserveWorkspace:
    """Reading what happened (mixed into ``FakeSlack``)."""

    _ws: Workspace
    _log: CallLog
    _limiter: RateLimiter

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

    def private_answers(self) -> list[RecordedCall]:
        """What only the person who asked was shown, oldest first: the message in the app's
        answer to a slash command (``command_answer``) and posts to a ``response_url``."""
        return [c for c in self._log.snapshot() if c.method in ("command_answer", "response_url")]

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

    def user_json(self, user_id: str) -> JsonDict:
        """The user object as Slack puts it in ``team_join`` / ``user_change`` (no locale)."""
        person = self._ws.person(user_id)
        if person is None:
            raise KeyError(user_id)
        return person.to_json(include_locale=False, now=self._ws.clock())
