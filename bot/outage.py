"""When the database or Slack falters, the person who acted is told; nothing is lost in silence.

Slack does not resend a request it got a 200 for, so a failure must end in one of two ways:
the person reads "couldn't save that, please try again in a minute" (in the command's answer,
inline in the modal, through `response_url`, as an ephemeral or as a DM), or, for events that
nobody is waiting on, Slack gets an error status and retries later; the event-id claim then
lets exactly one delivery through.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
import urllib.error
from collections import OrderedDict
from typing import Any, Literal

from slack_bolt import Respond
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy import exc as sql_errors

from bot.adapters.replies import reply_privately
from bot.i18n import t
from bot.parsing import user_id_of
from bot.request_labels import describe_error, describe_request, error_name
from engagement.errors import DirectoryUnavailable

logger = logging.getLogger("aplauso.errors")

Cause = Literal["database", "slack"]
MESSAGE_KEYS: dict[Cause | None, str] = {
    "database": "errors.database_unavailable",
    "slack": "errors.slack_unavailable",
    None: "errors.unexpected",
}
SLACK_OUTAGE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    sql_errors.OperationalError,
    sql_errors.InterfaceError,
    sql_errors.TimeoutError,  # the pool waited for a connection that never came
    sqlite3.OperationalError,
)
_NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    urllib.error.URLError,
    ConnectionError,
    TimeoutError,
    socket.timeout,
    SlackRequestError,
    DirectoryUnavailable,
)


def unavailable(error: BaseException) -> Cause | None:
    """'database' or 'slack' when the error (or one it came from) is an outage, else None."""
    current: BaseException | None = error
    for _ in range(5):
        if current is None:
            return None
        if isinstance(current, sql_errors.DBAPIError) and current.connection_invalidated:
            return "database"
        if isinstance(current, _DATABASE_ERRORS):
            return "database"
        if isinstance(current, _NETWORK_ERRORS):
            return "slack"
        if isinstance(current, SlackApiError):
            status = getattr(current.response, "status_code", 200)
            code = current.response.get("error") if current.response is not None else None
            if status >= 500 or status == 429 or code in SLACK_OUTAGE_ERRORS:
                return "slack"
        current = current.__cause__ or current.__context__
    return None


def log_failure(error: BaseException, body: dict[str, Any], failed: str) -> Cause | None:
    """One log line per failure: an outage as a warning, anything else as an error with its
    traceback (never a payload text). `failed` names the stage: "listener", "request"."""
    cause = unavailable(error)
    label = describe_request(body)
    if cause is None:
        logger.error(
            "%s failed on %s: %s\n%s", failed, label, error_name(error), describe_error(error)
        )
    else:
        logger.warning("%s unavailable on %s: %s", cause, label, type(error).__name__)
    return cause


class LanguageMemo:
    """The language each person was last answered in, kept in memory (bounded).

    During a database outage the person's language cannot be read, yet the apology should be
    in their language; the last one this process used for them is the best guess there is.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._known: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, user_id: str, lang: str) -> None:
        if not user_id or not lang:
            return
        with self._lock:
            self._known[user_id] = lang
            self._known.move_to_end(user_id)
            while len(self._known) > self._size:
                self._known.popitem(last=False)

    def recall(self, user_id: str, default: str = "en") -> str:
        with self._lock:
            return self._known.get(user_id, default)


last_languages = LanguageMemo()


def apology(body: dict[str, Any], cause: Cause | None, lang: str | None = None) -> str:
    """The one friendly line for this failure, in the person's language."""
    language = lang or last_languages.recall(user_id_of(body) or _event_user(body))
    return t(language, MESSAGE_KEYS[cause])


def kind_of(body: dict[str, Any]) -> str:
    """'command', 'event' or the interaction type (block_actions, view_submission, ...)."""
    if body.get("command"):
        return "command"
    if body.get("type") == "event_callback":
        return "event"
    return str(body.get("type") or "")


def first_input_block(body: dict[str, Any]) -> str | None:
    """The block id an inline modal error can sit under: Slack accepts input blocks only."""
    view = body.get("view")
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def immediate_answer(body: dict[str, Any], text: str) -> dict[str, Any] | None:
    """What the HTTP answer itself can carry to the person, or None when it cannot."""
    kind = kind_of(body)
    if kind == "command":
        return {"response_type": "ephemeral", "text": text}
    if kind == "view_submission":
        block_id = first_input_block(body)
        return {"response_action": "errors", "errors": {block_id: text}} if block_id else None
    return None


def answer_before_ack(body: dict[str, Any], cause: Cause | None, lang: str | None) -> BoltResponse:
    """The HTTP answer for a request that failed before it was acknowledged.

    Events get 503 for an outage so that Slack delivers them again; nothing was claimed or
    stored, so the retry is the first delivery the app sees.
    """
    kind = kind_of(body)
    if kind == "event":
        return BoltResponse(status=503 if cause else 200, body="")
    if kind == "block_suggestion":
        return BoltResponse(status=200, body={"options": []})
    answer = immediate_answer(body, apology(body, cause, lang))
    if answer is None:
        return BoltResponse(status=200, body="")
    return BoltResponse(
        status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
    )


def tell_later(
    body: dict[str, Any],
    client: WebClient | None,
    cause: Cause | None,
    lang: str | None,
) -> bool:
    """After the answer has gone: through `response_url`, else an ephemeral, else a DM."""
    user_id = user_id_of(body) or _event_user(body)
    if not user_id or client is None or kind_of(body) in ("block_suggestion", "view_closed"):
        return False
    url = body.get("response_url")
    return reply_privately(
        respond=Respond(response_url=url) if isinstance(url, str) and url else None,
        client=client,
        channel_id=_event_channel(body),
        user_id=user_id,
        text=apology(body, cause, lang),
    )


def _event(body: dict[str, Any]) -> dict[str, Any]:
    event = body.get("event") if body.get("type") == "event_callback" else None
    return event if isinstance(event, dict) else {}


def _event_user(body: dict[str, Any]) -> str:
    user = _event(body).get("user")
    return user if isinstance(user, str) else ""


def _event_channel(body: dict[str, Any]) -> str | None:
    """Where an ephemeral can reach the person of an event (a DM needs no channel)."""
    event = _event(body)
    item = event.get("item")
    channel = event.get("channel") or (item.get("channel") if isinstance(item, dict) else None)
    if not isinstance(channel, str) or channel.startswith("D") or event.get("channel_type") == "im":
        return None
    return channel
