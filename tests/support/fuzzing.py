"""Hypothesis strategies for what could arrive at POST /slack/events, shared by the fuzz test
and `bench/fuzz.py`: signed requests on every surface with ids known, unknown and stale, fields
missing or odd, and bodies that are no Slack request at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from bot.views import feedback as feedback_views
from bot.views import feedback_modal as feedback_forms
from bot.views import home as home_views
from bot.views import kudos as kudos_views
from bot.views import kudos_modal
from bot.views import pulse as pulse_views

FORM = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
PEOPLE = ["U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U10NOAH", "U91FORMER", "UNOBODY", ""]
CHANNELS = ["C0GENERAL", "DU04EMMA", "CNOWHERE", "", "G123"]
COMMANDS = ["/kudos", "/feedback", "/aplauso", "/unknown"]
ACTIONS = [
    kudos_views.UNDO_ACTION, kudos_views.THANKS_BACK_ACTION, kudos_views.GIVE_KUDOS_ACTION,
    f"{pulse_views.SCORE_ACTION_PREFIX}3", f"{pulse_views.SCORE_ACTION_PREFIX}99",
    pulse_views.SKIP_ACTION, pulse_views.COMMENT_ACTION, pulse_views.STOP_ACTION,
    feedback_views.MANAGER_REPLY_ACTION, feedback_views.WRITER_REPLY_ACTION,
    feedback_views.ACKNOWLEDGE_ACTION, feedback_views.RESOLVE_ACTION, feedback_views.FLAG_ACTION,
    home_views.SEND_FEEDBACK_ACTION, "digest_open_feedback", "unknown_action",
]  # fmt: skip
VIEWS = [
    kudos_modal.KUDOS_MODAL_CALLBACK, feedback_forms.FEEDBACK_MODAL, feedback_forms.REPLY_MODAL,
    pulse_views.COMMENT_MODAL, "unknown_view",
]  # fmt: skip
EVENTS = [
    "app_mention", "message", "reaction_added", "reaction_removed", "app_home_opened",
    "team_join", "",
]  # fmt: skip
WORDS = st.sampled_from(
    ["<@U02ANA>", "<@U03LUIS|luis>", "@ana", "#helpful", "&amp;", "&lt;@U02ANA&gt;", "<!here>",
     "<!subteam^S1|@devs>", "thanks", "gracias", "help", "list", "settings", "pulse off",
     "my data", "🎉", "\u202e", "x" * 300, "<#C0GENERAL|general>", "{", "%s", "\x00"]
)  # fmt: skip
TEXT = st.one_of(
    st.lists(WORDS, max_size=8).map(" ".join),
    st.text(max_size=200),
)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
JSON_VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
MAYBE_TEXT = st.one_of(st.none(), TEXT, st.sampled_from(PEOPLE))


@dataclass(frozen=True)
class Request:
    body: bytes
    content_type: str


def _drop_nones(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


@st.composite
def commands(draw: st.DrawFn, response_url: str) -> Request:
    fields = _drop_nones(
        {
            "command": draw(st.sampled_from(COMMANDS)),
            "text": draw(st.one_of(st.none(), TEXT)),
            "user_id": draw(st.sampled_from(PEOPLE[:-1])),
            "channel_id": draw(st.one_of(st.none(), st.sampled_from(CHANNELS))),
            "team_id": "TSANDBOX",
            "trigger_id": draw(st.one_of(st.none(), st.text(max_size=20))),
            "response_url": draw(st.sampled_from([response_url, None])),
        }
    )
    return Request(urlencode(fields).encode(), FORM)


def _odd_object(draw: st.DrawFn) -> dict[str, Any]:
    return draw(st.dictionaries(st.text(max_size=12), JSON_VALUE, max_size=4))


@st.composite
def interactions(draw: st.DrawFn, response_url: str) -> Request:
    kind = draw(
        st.sampled_from(
            ["block_actions", "view_submission", "view_closed", "shortcut", "message_action"]
        )
    )
    payload: dict[str, Any] = {
        "type": kind,
        "user": {"id": draw(st.sampled_from(PEOPLE[:-1]))},
        "team": {"id": "TSANDBOX"},
        "trigger_id": draw(st.text(max_size=20)),
    }
    if draw(st.booleans()):
        payload["response_url"] = response_url
    if kind == "block_actions":
        action = {
            "action_id": draw(st.sampled_from(ACTIONS)),
            "block_id": draw(st.text(max_size=20)),
            "value": draw(st.one_of(TEXT, JSON_VALUE.map(json.dumps), st.just("12"))),
            "type": "button",
        }
        payload["actions"] = [action]
        if draw(st.booleans()):
            payload["container"] = {"type": "view", "view_id": "V1"}
            payload["view"] = {"id": "V1", "type": draw(st.sampled_from(["home", "modal"]))}
        else:
            payload["container"] = {
                "type": "message",
                "channel_id": draw(st.sampled_from(CHANNELS)),
                "message_ts": draw(st.text(max_size=20)),
            }
        if draw(st.booleans()):
            payload["message"] = {"ts": "1.2", "text": draw(TEXT), "blocks": []}
    elif kind in ("view_submission", "view_closed"):
        values: dict[str, Any] = draw(
            st.dictionaries(
                st.text(max_size=12),
                st.dictionaries(st.text(max_size=12), st.just({}) | st.builds(dict), max_size=3),
                max_size=4,
            )
        )
        payload["view"] = {
            "id": draw(st.text(min_size=1, max_size=12)),
            "callback_id": draw(st.sampled_from(VIEWS)),
            "type": "modal",
            "private_metadata": draw(st.one_of(TEXT, JSON_VALUE.map(json.dumps))),
            "state": {"values": values},
            "blocks": [],
        }
    else:
        payload["callback_id"] = draw(st.sampled_from(["give_kudos", "kudos_message", "other"]))
        payload["message"] = _odd_object(draw) | {"text": draw(TEXT)}
        payload["channel"] = {"id": draw(st.sampled_from(CHANNELS))}
    return Request(urlencode({"payload": json.dumps(payload)}).encode(), FORM)


@st.composite
def events(draw: st.DrawFn) -> Request:
    event: dict[str, Any] = {
        "type": draw(st.sampled_from(EVENTS)),
        "user": draw(st.sampled_from(PEOPLE)),
        "channel": draw(st.sampled_from(CHANNELS)),
        "text": draw(TEXT),
        "ts": draw(st.sampled_from(["1700000000.000100", "", "x"])),
    }
    if draw(st.booleans()):
        event["item"] = {
            "type": draw(st.sampled_from(["message", "file"])),
            "channel": draw(st.sampled_from(CHANNELS)),
            "ts": "1700000000.000100",
        }
        event["reaction"] = draw(st.sampled_from(["clap", "aplauso", "tada::skin-tone-2", ""]))
    if draw(st.booleans()):
        event["channel_type"] = draw(st.sampled_from(["im", "channel"]))
    if draw(st.booleans()):
        event["subtype"] = draw(st.sampled_from(["bot_message", "message_changed"]))
    envelope = {
        "type": "event_callback",
        "team_id": "TSANDBOX",
        "event_id": "Ev" + draw(st.text(alphabet="ABCDEF0123456789", min_size=6, max_size=10)),
        "event_time": 1_700_000_000,
        "event": event,
    }
    return Request(json.dumps(envelope).encode(), JSON_TYPE)


@st.composite
def malformed_bodies(draw: st.DrawFn) -> Request:
    """Bodies that are no Slack request: Bolt must never see them (a 4xx, nothing stored)."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return Request(draw(st.binary(max_size=300)), draw(st.sampled_from([FORM, JSON_TYPE])))
    if choice == 1:
        junk = draw(st.text(max_size=200)).encode()
        return Request(junk, draw(st.sampled_from(["text/plain", "application/xml", ""])))
    if choice == 2:
        payload = draw(JSON_VALUE.filter(lambda v: not isinstance(v, dict)))
        return Request(urlencode({"payload": json.dumps(payload)}).encode(), FORM)
    if choice == 3:
        depth = draw(st.integers(33, 3000))
        return Request(("[" * depth + "]" * depth).encode(), JSON_TYPE)
    if choice == 4:
        odd = draw(st.dictionaries(st.text(max_size=10), JSON_VALUE, max_size=5))
        odd.pop("event", None)  # without an event object, an event_callback is malformed
        return Request(json.dumps({**odd, "type": "event_callback"}).encode(), JSON_TYPE)
    size = draw(st.integers(1_000_001, 1_200_000))
    return Request(b"command=%2Fkudos&user_id=U1&text=" + b"a" * size, FORM)


def signed_requests(response_url: str) -> st.SearchStrategy[Request]:
    return st.one_of(commands(response_url), interactions(response_url), events())
