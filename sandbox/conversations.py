"""Channels, DMs and their messages, with Slack's ordering, threading and cursors.

Messages are kept sorted by ``ts`` (timeline of top-level messages plus a list of replies per
thread) with a bisectable key list, so history queries stay logarithmic and posting stays O(1)
even after tens of thousands of DMs. Cursors are opaque base64 strings like Slack's
(``next_ts:...``), so the app cannot take a shortcut that would break against real Slack.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.api_params import SlackApiError

JsonDict = dict[str, Any]
TsKey = tuple[int, int]
ConversationKind = Literal["public", "private", "im"]

THREAD_FIELDS = ("reply_count", "reply_users_count", "latest_reply", "reply_users")


def ts_key(ts: str) -> TsKey:
    """Sortable key of a Slack ``ts`` ("1700000000.000100"); floats would lose digits."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"not a Slack ts: {ts!r}")
    return int(seconds), int(fraction.ljust(6, "0")[:6] or "0")


def format_ts(key: TsKey) -> str:
    """The ``ts`` string of a key."""
    return f"{key[0]}.{key[1]:06d}"


def encode_cursor(kind: str, value: str) -> str:
    """An opaque cursor like Slack's (base64 of ``kind:value``)."""
    return base64.b64encode(f"{kind}:{value}".encode()).decode()


def decode_cursor(cursor: str, kind: str) -> str:
    """The value inside a cursor this fake issued; ``invalid_cursor`` otherwise."""
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise SlackApiError("invalid_cursor") from None
    prefix, _, value = decoded.partition(":")
    if prefix != kind or not value:
        raise SlackApiError("invalid_cursor")
    return value


@dataclass
class Conversation:
    """A public or private channel, or a DM (``im``) between the bot and one person."""

    id: str
    kind: ConversationKind
    name: str
    created: int
    team_id: str
    members: list[str] = field(default_factory=list)
    bot_is_member: bool = True
    im_user: str | None = None
    is_archived: bool = False
    timeline: list[JsonDict] = field(default_factory=list)
    timeline_keys: list[TsKey] = field(default_factory=list)
    threads: dict[str, list[JsonDict]] = field(default_factory=dict)
    by_ts: dict[str, JsonDict] = field(default_factory=dict)
    _member_set: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self._member_set = set(self.members)

    def add_member(self, user_id: str) -> None:
        """Add a member once (constant time, for workspaces with thousands of people)."""
        if user_id not in self._member_set:
            self._member_set.add(user_id)
            self.members.append(user_id)

    def has_member(self, user_id: str) -> bool:
        """Whether the person is in the conversation."""
        return user_id in self._member_set

    # -- storing ------------------------------------------------------------------------
    def add(self, message: JsonDict) -> None:
        """Store a message; a reply (``thread_ts`` != ``ts``) also updates its parent."""
        ts = str(message["ts"])
        thread_ts = message.get("thread_ts")
        self.by_ts[ts] = message
        if thread_ts and thread_ts != ts:
            replies = self.threads.setdefault(str(thread_ts), [])
            _insert_sorted(replies, message)
            self._refresh_parent(str(thread_ts))
            if message.get("subtype") == "thread_broadcast":
                self._add_to_timeline(message)
        else:
            self._add_to_timeline(message)

    def _add_to_timeline(self, message: JsonDict) -> None:
        key = ts_key(str(message["ts"]))
        if not self.timeline_keys or key > self.timeline_keys[-1]:
            self.timeline_keys.append(key)
            self.timeline.append(message)
        else:
            index = bisect.bisect_left(self.timeline_keys, key)
            self.timeline_keys.insert(index, key)
            self.timeline.insert(index, message)

    def _refresh_parent(self, parent_ts: str) -> None:
        parent = self.by_ts.get(parent_ts)
        replies = self.threads.get(parent_ts, [])
        if parent is None:
            return
        if not replies:
            for name in (*THREAD_FIELDS, "thread_ts"):
                parent.pop(name, None)
            return
        users: list[str] = []
        for reply in replies:
            author = str(reply.get("user", ""))
            if author and author not in users:
                users.append(author)
        parent.update(
            {
                "thread_ts": parent_ts,
                "reply_count": len(replies),
                "reply_users_count": len(users),
                "latest_reply": replies[-1]["ts"],
                "reply_users": users[:5],
            }
        )

    def remove(self, ts: str) -> JsonDict | None:
        """Delete a message (a parent's replies stay, as in Slack); None when unknown."""
        message = self.by_ts.pop(ts, None)
        if message is None:
            return None
        thread_ts = message.get("thread_ts")
        if thread_ts and thread_ts != ts:
            replies = self.threads.get(str(thread_ts), [])
            replies[:] = [reply for reply in replies if reply["ts"] != ts]
            self._refresh_parent(str(thread_ts))
        key = ts_key(ts)
        index = bisect.bisect_left(self.timeline_keys, key)
        if index < len(self.timeline_keys) and self.timeline_keys[index] == key:
            del self.timeline_keys[index]
            del self.timeline[index]
        return message

    def find(self, ts: str) -> JsonDict | None:
        """The message with this ts (top-level or reply)."""
        return self.by_ts.get(ts)

    def all_messages(self) -> list[JsonDict]:
        """Every message, replies included, oldest first."""
        return sorted(self.by_ts.values(), key=lambda message: ts_key(str(message["ts"])))

    # -- reading ------------------------------------------------------------------------
    def history(
        self,
        *,
        latest: str | None,
        oldest: str | None,
        inclusive: bool,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[JsonDict], str | None]:
        """Top-level messages newest first, and the cursor of the next page (or None)."""
        upper = self._upper_bound(latest, inclusive)
        if cursor:
            upper = min(upper, bisect.bisect_right(self.timeline_keys, _cursor_key(cursor)))
        lower = 0
        if oldest:
            oldest_key = parse_ts_arg(oldest)
            lower = (
                bisect.bisect_left(self.timeline_keys, oldest_key)
                if inclusive
                else bisect.bisect_right(self.timeline_keys, oldest_key)
            )
        start = max(lower, upper - limit)
        page = list(reversed(self.timeline[start:upper]))
        next_cursor = None
        if start > lower:
            next_cursor = encode_cursor("next_ts", self.timeline[start - 1]["ts"].replace(".", ""))
        return page, next_cursor

    def _upper_bound(self, latest: str | None, inclusive: bool) -> int:
        if not latest:
            return len(self.timeline_keys)
        latest_key = parse_ts_arg(latest)
        if inclusive:
            return bisect.bisect_right(self.timeline_keys, latest_key)
        return bisect.bisect_left(self.timeline_keys, latest_key)

    def thread(self, ts: str) -> list[JsonDict]:
        """A thread as ``conversations.replies`` lists it: the parent, then replies by age."""
        message = self.by_ts.get(ts)
        if message is None:
            raise SlackApiError("thread_not_found")
        parent_ts = str(message.get("thread_ts") or ts)
        parent = self.by_ts.get(parent_ts)
        replies = self.threads.get(parent_ts, [])
        return ([parent] if parent is not None else []) + list(replies)


def _insert_sorted(messages: list[JsonDict], message: JsonDict) -> None:
    key = ts_key(str(message["ts"]))
    if not messages or key > ts_key(str(messages[-1]["ts"])):
        messages.append(message)
        return
    keys = [ts_key(str(item["ts"])) for item in messages]
    messages.insert(bisect.bisect_left(keys, key), message)


def parse_ts_arg(value: str) -> TsKey:
    """A ts argument (``latest``, ``oldest``) as a key, or Slack's error for a bad one."""
    try:
        return ts_key(value)
    except ValueError:
        raise SlackApiError("invalid_ts_latest" if "." in value else "invalid_arguments") from None


def _cursor_key(cursor: str) -> TsKey:
    digits = decode_cursor(cursor, "next_ts")
    if not digits.isdigit() or len(digits) <= 6:
        raise SlackApiError("invalid_cursor")
    return int(digits[:-6]), int(digits[-6:])


def public_message(message: JsonDict, *, include_metadata: bool) -> JsonDict:
    """A copy of a stored message as an API answer shows it (metadata only on request)."""
    shown = copy.deepcopy(message)
    if not include_metadata:
        shown.pop("metadata", None)
    return shown


def public_messages(messages: Iterable[JsonDict], *, include_metadata: bool) -> list[JsonDict]:
    """:func:`public_message` over a list."""
    return [public_message(message, include_metadata=include_metadata) for message in messages]
