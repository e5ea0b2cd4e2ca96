"""Runs a listener on the listener pool and answers Slack the moment it acknowledges.

Bolt's default runner checks every 10 ms whether a listener has acknowledged, so no answer
leaves sooner than that. With `process_before_response=True` Bolt answers as soon as the
function it called returns; this wrapper returns as soon as the real listener calls `ack()`
(an Event, not a poll), while the listener carries on with its database and Slack work.

A listener that fails is logged with its traceback (never a payload text), and the person who
acted is told: in the acknowledgement itself when it has not left yet, else afterwards.

A slash command's private answer rides in the acknowledgement when the listener has it before
acknowledging (`_ReplyAnyway.answer_in_ack`): Slack shows the body of that answer to the person
as it shows a `response_url` post, so a `/kudos` recorded in milliseconds costs no second call
to Slack. A reply later than `CARRY_SECONDS` takes the `response_url` as before, and past
`ACK_TIMEOUT_SECONDS` the empty answer leaves anyway.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.adapters.replies import reply_privately
from bot.executor import TrackingExecutor
from bot.outage import answer_before_ack, last_languages, log_failure, tell_later

logger = logging.getLogger("aplauso.errors")

ACK_TIMEOUT_SECONDS = 2.5  # Slack gives up at 3 s; answer an empty 200 a little before
CARRY_SECONDS = 1.0
"""How long after the listener started a reply may still ride in the acknowledgement. Slack's
3 s count from when it sent the request, which may have waited in the server's queue before it
got here; a later reply takes the `response_url` and the acknowledgement leaves empty."""
WANTED = ("ack", "body", "context")
"""Asked of Bolt whatever the listener takes: the answer (a listener that takes no `ack` is
answered at once, one that takes it by the time it ends or `ACK_TIMEOUT_SECONDS`) and what the
wrapper needs to tell the person."""


class _OneAnswer:
    """Slack takes one answer per request: the listener's, the failure's or the timeout's."""

    def __init__(self, real_ack: Any) -> None:
        self._real_ack = real_ack
        self._lock = threading.Lock()
        self._carry_until = time.monotonic() + CARRY_SECONDS
        self.given = threading.Event()

    def __call__(self, *args: Any, **options: Any) -> Any:
        self._give(args, options, in_time_only=False)
        return self._real_ack.response

    def carry(self, **options: Any) -> bool:
        """Answers with `options` unless an answer has left already or it is too late for one
        to reach Slack in time (`CARRY_SECONDS`); True when these did."""
        return self._give((), options, in_time_only=True)

    def _give(self, args: tuple[Any, ...], options: dict[str, Any], *, in_time_only: bool) -> bool:
        with self._lock:
            late = in_time_only and time.monotonic() > self._carry_until
            if self.given.is_set() or late:
                return False
            try:
                self._real_ack(*args, **options)
            finally:
                self.given.set()
            return True

    def answered(self) -> bool:
        return self.given.is_set()


class _ReplyAnyway:
    """The listener's `respond`, which never fails for want of a `response_url`.

    Bolt's respond() raises when a request carries none (a click in a modal or on the Home
    tab); then the reply goes to the person's DM instead, so a reply is never lost to a crash.
    """

    def __init__(
        self, respond: Any, client: Any, user_id: str, command_answer: _OneAnswer | None
    ) -> None:
        self._respond = respond
        self._client = client
        self._user_id = user_id
        self._command_answer = command_answer
        self.response_url = getattr(respond, "response_url", None)

    def answer_in_ack(self, text: str, blocks: list[dict[str, Any]] | None) -> bool:
        """Puts a private reply to a slash command in its acknowledgement, if that has not
        left yet; False otherwise (and for any other request, whose answer shows nothing)."""
        if self._command_answer is None:
            return False
        options: dict[str, Any] = {"text": text, "response_type": "ephemeral"}
        if blocks is not None:
            options["blocks"] = blocks
        return self._command_answer.carry(**options)

    def __call__(self, text: str = "", blocks: Any = None, **options: Any) -> Any:
        if self.response_url:
            return self._respond(text=text, blocks=blocks, **options)
        if options.get("delete_original") or not (self._user_id and self._client):
            return None
        return reply_privately(
            respond=None,
            client=self._client,
            channel_id=None,
            user_id=self._user_id,
            text=text,
            blocks=blocks,
        )


def _report(error: Exception, kwargs: dict[str, Any], answer: _OneAnswer | None) -> None:
    """Logs the failure, then tells the person in the answer if it is still unsent, else later."""
    body: dict[str, Any] = kwargs.get("body") or {}
    context = kwargs.get("context") or {}
    cause = log_failure(error, body, "listener")
    lang = context.get("lang")
    if answer is not None and not answer.answered():
        options = json.loads(answer_before_ack(body, cause, lang).body or "{}")
        answer(**options)
        if options:
            return
    tell_later(body, context.get("client"), cause, lang)


def hand_off(listener: Callable[..., Any], executor: TrackingExecutor) -> Callable[..., None]:
    own_arguments = inspect.getfullargspec(inspect.unwrap(listener)).args

    def run_on_pool(**kwargs: Any) -> None:
        own = {name: kwargs[name] for name in own_arguments if name in kwargs}
        real_ack = kwargs.get("ack")
        answer = _OneAnswer(real_ack) if real_ack is not None else None
        if answer is not None and "ack" not in own:
            answer()  # a listener that never acknowledges (an event's): Slack is answered now
        elif answer is not None:
            own["ack"] = answer
        context = kwargs.get("context") or {}
        user_id = str(context.get("user_id") or "")
        if "respond" in own:
            body = kwargs.get("body") or {}
            command_answer = answer if body.get("command") else None
            own["respond"] = _ReplyAnyway(
                own["respond"], context.get("client"), user_id, command_answer
            )
        last_languages.remember(user_id, str(context.get("lang") or ""))

        def work() -> None:
            try:
                listener(**own)
            except Exception as error:
                _report(error, kwargs, answer)
            finally:
                if answer is not None and not answer.answered():
                    answer()

        executor.submit(work)
        if answer is not None:
            answer.given.wait(ACK_TIMEOUT_SECONDS)
            answer()  # the listener is slow: Slack still gets its answer (no-op once given)

    functools.update_wrapper(run_on_pool, listener)
    del run_on_pool.__wrapped__  # type: ignore[attr-defined]  # Bolt reads the signature below
    names = list(dict.fromkeys([*own_arguments, *WANTED]))
    run_on_pool.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in names]
    )
    return run_on_pool
