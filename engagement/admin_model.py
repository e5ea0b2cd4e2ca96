"""Plain data that workspace administration produces and views render; no Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

from engagement.kudos_model import ValueInfo


@dataclass(frozen=True)
class SettingsView:
    """What `/aplauso settings` shows an admin."""

    kudos_daily_limit: int
    kudos_reactions: tuple[str, ...]
    show_leaderboard: bool
    default_language: str
    anonymity_k: int
    flagged_feedback: int
    values: tuple[ValueInfo, ...]
    celebrations: str = "each"  # or "daily_thread"


@dataclass(frozen=True)
class MyData:
    """What Aplauso keeps about one person, for `/aplauso my data`."""

    name: str
    locale: str | None
    tz: str | None
    teams: tuple[str, ...]
    managed_teams: tuple[str, ...]
    kudos_received: int
    kudos_given: int
    pulses_sent: int
    pulse_opted_out: bool
    is_admin: bool
