"""The weekly pulse: questions, weeks, who was sent it, and the anonymous answers and ratings.

Answers and ratings must never hold a person id (see DESIGN.md, Anonymity).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class ClaimStatus(StrEnum):
    """The life of an exactly-once send (pulse deliveries, digest claims); stored as plain text."""

    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"


class PulseQuestion(SQLModel, table=True):
    """The question bank: defaults are seeded from engagement.pulse_bank; admins add custom ones."""

    __tablename__ = "pulse_questions"

    key: str = Field(primary_key=True, max_length=40)
    driver: str = Field(max_length=32)
    scale: str = Field(max_length=16)
    text_en: str = Field(max_length=300)
    text_es: str = Field(max_length=300)
    low_en: str = Field(max_length=60)
    high_en: str = Field(max_length=60)
    low_es: str = Field(max_length=60)
    high_es: str = Field(max_length=60)
    custom: bool = Field(default=False)
    retired: bool = Field(default=False)


class PulseWeek(SQLModel, table=True):
    """The questions of one week, fixed the first time the week is needed: everyone gets the same."""

    __tablename__ = "pulse_weeks"

    week_start: date = Field(primary_key=True)
    question_keys: list[str] = Field(sa_column=Column(JSON, nullable=False))
    shuffled: bool = Field(default=False)  # answers rewritten in random order once it closed


class PulseDelivery(SQLModel, table=True):
    """Who was sent the week's pulse: the per person-week claim that makes sending exactly once.

    It records the invitation only; nothing here says whether or how the person answered.
    """

    __tablename__ = "pulse_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False))
    week_start: date = Field(index=True)
    status: str = Field(max_length=16)  # a ClaimStatus
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    error: str | None = Field(default=None, max_length=64)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reminded: bool = Field(default=False)


class PulsePending(SQLModel, table=True):
    """A question sent and not yet answered. Written at send time, in send order, and deleted
    in the same transaction that stores the answer: the delete is the exactly-once guard, and
    what remains says who has not answered, never what anyone answered."""

    __tablename__ = "pulse_pending"

    user_id: str = Field(sa_column=Column(String(32), primary_key=True))
    week_start: date = Field(primary_key=True)
    question_key: str = Field(primary_key=True, max_length=40)


class PulseAnswer(SQLModel, table=True):
    """An anonymous answer: no person, no time finer than the week, one row per team.

    A random id as key and no rowid (SQLite) keep storage order from following answer order.
    """

    __tablename__ = "pulse_answers"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=32)
    week_start: date = Field(index=True)
    question_key: str = Field(max_length=40)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    score: int | None = Field(default=None)  # None: skipped
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PulseOptOut(SQLModel, table=True):
    __tablename__ = "pulse_optouts"

    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )
    since: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ServiceRating(SQLModel, table=True):
    """How one team rated the service of a team it depends on, for one month. Like answers:
    a random id, no person, no time finer than the month, no rowid on SQLite."""

    __tablename__ = "service_ratings"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=32)
    month: date = Field(index=True)
    rating_team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    rated_team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    score: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
