"""Workspace settings, the values kudos are tagged with, and who may change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

DEFAULT_REACTIONS = ["clap", "aplauso"]


class WorkspaceSettings(SQLModel, table=True):
    """The single row of settings admins may change from Slack; defaults live here and in the migration."""

    __tablename__ = "workspace_settings"

    id: int = Field(default=1, primary_key=True)
    default_language: str = Field(default="en", max_length=5)
    kudos_daily_limit: int = Field(default=5)
    kudos_reactions: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REACTIONS), sa_column=Column(JSON, nullable=False)
    )
    show_leaderboard: bool = Field(default=True)
    pulse_weekday: int = Field(default=1)  # Monday is 0, as in datetime.weekday()
    pulse_hour: int = Field(default=10)  # in each person's own time zone
    reminder_delay_days: int = Field(default=2)  # after the pulse, to those with questions open
    digest_weekday: int = Field(default=0)
    digest_hour: int = Field(default=9)  # in each manager's own time zone
    anonymity_k: int = Field(default=5)  # no result is shown for fewer answers than this
    feedback_daily_limit: int = Field(default=10)
    celebrations: str = Field(default="each", max_length=16)  # or "daily_thread"


class ServiceValue(SQLModel, table=True):
    """A value kudos can be tagged with; retired values stay on old kudos but cannot be chosen."""

    __tablename__ = "service_values"

    key: str = Field(primary_key=True, max_length=40)  # kudos keep it; it is never renamed
    emoji: str = Field(max_length=60)  # with its colons, as Slack writes it: ":stopwatch:"
    name_en: str = Field(max_length=60)
    name_es: str = Field(max_length=60)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = Field(default=0)
    retired: bool = Field(default=False)


class Admin(SQLModel, table=True):
    """People who may change workspace settings from Slack."""

    __tablename__ = "admins"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
