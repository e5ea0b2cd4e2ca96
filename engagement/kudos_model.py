"""Plain data that kudos rules produce and views render; no Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

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


@dataclass(frozen=True)
class KudosRequest:
    """One act of thanking, from any surface. `source_key` is unique per Slack source
    (view id, event id, or message + reactor), so a retry or double submit is recognised."""

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


@dataclass(frozen=True)
class RecentKudos:
    giver_id: str
    value: ValueInfo | None
    message: str
    created_at: datetime
    permalink: str | None


@dataclass(frozen=True)
class TeamLeaders:
    team_name: str
    leaders: tuple[tuple[str, int], ...]  # (user id, kudos received this month), best first


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
