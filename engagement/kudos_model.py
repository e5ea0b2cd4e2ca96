"""Plain data that kudos rules produce and views render; no Slack, no SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import groupby

MESSAGE_MAX = 1000
UNDO_MINUTES = 10


class SourceKind(StrEnum):
    COMMAND = "command"
    MODAL = "modal"
    MESSAGE_SHORTCUT = "message_shortcut"
    REACTION = "reaction"
    MENTION = "mention"


@dataclass(frozen=True)
class ValueInfo:
    key: str
    emoji: str
    name_en: str
    name_es: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_es if lang == "es" else self.name_en

    def label(self, lang: str) -> str:
        return f"{self.emoji} {self.name(lang)}"


class Mark(StrEnum):
    """What a span of a typed kudos is, as `bot/markup.py` read it from Slack's markup."""

    PERSON = "person"  # a real mention: `value` is the user id
    NAME = "name"  # a plain @name still to be looked up: `value` is the name, without @
    GROUP = "group"  # a user group: `value` is its id
    HASHTAG = "hashtag"  # `value` is the tag as written, without #
    ASIDE = "aside"  # the bot itself or a whole channel: never a receiver, never shown


@dataclass(frozen=True)
class Marked:
    kind: Mark
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class KudosText:
    """A typed kudos as written, with the spans that mean someone or something, in order.

    The domain reads receivers, value and words from the spans; it never parses Slack's syntax.
    """

    text: str
    marks: tuple[Marked, ...] = ()


@dataclass(frozen=True)
class KudosRequest:
    """One act of thanking, from any surface. `source_key` is unique per Slack source
    (view id, event id, or message + reactor), so a retry or double submit is recognised.

    Receivers are ids, plain `names` still to look up, and user groups (each counts once
    against the daily limit). With `typed`, the message and the value are read from it.
    """

    giver_id: str
    receiver_ids: tuple[str, ...]
    message: str
    source_kind: SourceKind
    source_key: str
    value_key: str | None = None
    channel_id: str | None = None
    message_ts: str | None = None
    permalink: str | None = None
    celebrate: bool = True
    names: tuple[str, ...] = ()
    usergroup_ids: tuple[str, ...] = ()
    typed: KudosText | None = None


@dataclass(frozen=True)
class Reaction:
    """Someone added (or removed) an emoji on a message; `author_id` when Slack said it."""

    reactor_id: str
    emoji: str
    channel_id: str
    message_ts: str
    author_id: str | None = None


@dataclass(frozen=True)
class QuotedMessage:
    """A Slack message as kudos need it: who wrote it and what it says."""

    author_id: str | None
    text: str


@dataclass(frozen=True)
class SkippedReceiver:
    user_id: str
    reason: str  # "self" | "bot" | "deactivated" | "unknown"


@dataclass(frozen=True)
class GivenKudos:
    kudos_id: int
    giver_id: str
    receiver_ids: tuple[str, ...]
    value: ValueInfo | None
    message: str
    source_kind: SourceKind
    channel_id: str | None
    message_ts: str | None
    permalink: str | None
    celebrate: bool
    created_at: datetime
    remaining_today: int
    skipped: tuple[SkippedReceiver, ...] = ()
    duplicate: bool = False
    celebration_channel: str | None = None
    unknown_hashtag: str | None = None
    """A typed hashtag that named no value (the kudos went out without one)."""
    values_on_offer: tuple[ValueInfo, ...] = ()
    """The active values, to suggest when `unknown_hashtag` is set."""
    celebration_refused: str | None = None
    """The channel Slack would not let the celebration into (the bot is not a member there);
    `celebration_channel` is then None, so nobody is told it was celebrated."""
    units: int = 1
    """How much of the daily limit it used: one per person named, one per whole user group."""
    usergroups: int = 0
    """How many user groups it named (each cost one, however big)."""
    daily_limit: int = 0


@dataclass(frozen=True)
class CelebrationChannel:
    """A channel kudos are celebrated in, and whether the bot can post there.

    `team` is None for the workspace's kudos channel; `member` is None when Slack could not
    tell right now.
    """

    channel_id: str
    team: str | None
    member: bool | None


@dataclass(frozen=True)
class RecentKudos:
    giver_id: str
    value: ValueInfo | None
    message: str
    created_at: datetime
    permalink: str | None


MEDAL_PLACES = 3
"""Places that earn a medal; everyone tied into one of them is on the board."""


@dataclass(frozen=True)
class Place:
    """One step of the podium: everyone with the same count shares it, and its medal.

    `rank` is competition ranking (1, 1, 3): two people tied first leave no second place, so
    the medals never run out before a tie does."""

    rank: int
    kudos: int
    user_ids: tuple[str, ...]


def podium(leaders: Sequence[tuple[str, int]], places: int = MEDAL_PLACES) -> tuple[Place, ...]:
    """(user id, count) pairs as the places up to `places`, ties together, never split by id."""
    ordered = sorted(leaders, key=lambda leader: (-leader[1], leader[0]))
    steps: list[Place] = []
    ahead = 0
    for count, group in groupby(ordered, key=lambda leader: leader[1]):
        rank = ahead + 1
        if rank > places:
            break
        user_ids = tuple(user_id for user_id, _ in group)
        steps.append(Place(rank, count, user_ids))
        ahead += len(user_ids)
    return tuple(steps)


@dataclass(frozen=True)
class TeamLeaders:
    team_name: str
    leaders: tuple[tuple[str, int], ...]  # (user id, kudos received this month), best first

    @property
    def places(self) -> tuple[Place, ...]:
        return podium(self.leaders)


@dataclass(frozen=True)
class HomeStats:
    received_this_month: int
    given_this_month: int
    remaining_today: int
    daily_limit: int
    top_values: tuple[tuple[ValueInfo, int], ...] = ()
    recent: tuple[RecentKudos, ...] = ()
    leaderboard: tuple[TeamLeaders, ...] | None = None
    values: tuple[ValueInfo, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class HomePage:
    """What a person's App Home shows: their name and their kudos."""

    name: str
    stats: HomeStats
    lang: str = "en"
    """The reader's language, learnt from Slack first if they were not met yet."""


class Celebrated(StrEnum):
    """Where a kudos can be celebrated here, so no text promises a channel that is not set."""

    KUDOS_CHANNEL = "kudos_channel"  # the workspace's kudos channel (or a team's own)
    TEAM_CHANNEL = "team_channel"  # only teams' own channels: no kudos channel is set
    NOWHERE = "nowhere"  # DMs only


@dataclass(frozen=True)
class KudosHelp:
    """What `/kudos help` tells about this workspace: only what is set up here."""

    values: tuple[ValueInfo, ...]
    reactions: tuple[str, ...]
    """The kudos reactions people can really use (a custom emoji only if it exists)."""
    daily_limit: int
    celebrated: Celebrated = Celebrated.KUDOS_CHANNEL


@dataclass(frozen=True)
class KudosForm:
    """What the *Give kudos* modal offers: the values, and a celebration only where one is set."""

    values: tuple[ValueInfo, ...]
    celebrated: Celebrated
