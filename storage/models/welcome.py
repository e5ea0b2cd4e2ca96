"""Welcome DMs and quieter kudos: the claims that make each go out once.

`welcomes` holds one row per person and role (member, manager), written in the same
transaction that puts them on a team, so a retried event or a second instance finds it and
welcomes nobody twice; the `welcomes` job sends what is pending and retries what Slack failed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Welcome(SQLModel, table=True):
    """One welcome per person and role: `pending` until sent, `retry` after a passing Slack
    failure (due at `retry_at`), `failed` for good, `sent` once Slack took it."""

    __tablename__ = "welcomes"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    role: str = Field(primary_key=True, max_length=16)  # "member" or "manager"
    status: str = Field(max_length=16)
    attempts: int = Field(default=0)
    retry_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    error: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class KudosDmPreference(SQLModel, table=True):
    """How a person hears of kudos they receive: `each` (the default, no row), `daily`, `off`."""

    __tablename__ = "kudos_dm_preferences"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    mode: str = Field(max_length=16)


class KudosSummaryClaim(SQLModel, table=True):
    """One daily summary DM per person and (UTC) day, claimed before it is sent."""

    __tablename__ = "kudos_summary_claims"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    day: date = Field(primary_key=True)
    status: str = Field(max_length=16)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CelebrationThread(SQLModel, table=True):
    """The day's parent post in a kudos channel (`daily_thread` mode); `ts` is empty while the
    instance that claimed the day is posting it."""

    __tablename__ = "celebration_threads"

    channel_id: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    ts: str | None = Field(default=None, max_length=32)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
