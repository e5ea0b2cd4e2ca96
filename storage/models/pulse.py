"""The weekly pulse: questions, weeks, who was sent it, the sealed ballots, and the anonymous
answers and ratings counted from them.

Ballots, answers and ratings must never hold a person id (see DESIGN.md, Anonymity).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


def _team_ref() -> Any:
    """A team the row counts for; the row goes with its team."""
    return Field(sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False))


class ClaimStatus(StrEnum):
    """The life of an exactly-once send (pulse deliveries, digest claims); stored as plain text."""

    CLAIMED = "claimed"  # in flight: the run named in `claimed_by` is sending it
    SENT = "sent"
    RETRY = "retry"  # Slack failed for a passing reason: due again from `retry_at`
    FAILED = "failed"  # for good: a refusal that no retry can change, or its period closed


class Attempt(NamedTuple):
    """How one send went: sent, due again from `retry_at`, or failed for good with Slack's
    `error`. `status` is a ClaimStatus (welcomes keep plain strings of the same names)."""

    status: str
    error: str | None = None
    retry_at: datetime | None = None


class SendClaimState(SQLModel):
    """What a run needs to send a claim once and only once, shared by pulse and digest claims.

    A run stamps its claims with a random `claimed_by` and beats `heartbeat_at` (wall clock)
    while it sends, so a claim whose run died is taken over within seconds; a passing failure
    leaves the claim due again at `retry_at`, and `error` keeps Slack's reason for admins.
    """

    id: int | None = Field(default=None, primary_key=True)
    week_start: date = Field(index=True)  # the week sent about (pulse) or reported (digest)
    status: str = Field(max_length=16)  # a ClaimStatus
    error: str | None = Field(default=None, max_length=64)
    attempts: int = Field(default=0)  # failed attempts so far
    retry_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    claimed_by: str | None = Field(default=None, max_length=32)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


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


class PulseDelivery(SendClaimState, table=True):
    """Who was sent the week's pulse: the per person-week claim that makes sending exactly once.

    It records the invitation only; nothing here says whether or how the person answered.
    """

    __tablename__ = "pulse_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    user_id: str = Field(sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False))
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reminded: bool = Field(default=False)


class PulsePending(SQLModel, table=True):
    """A question sent and not yet answered. Written at send time, in send order, and deleted
    in the same transaction that drops the answer's sealed ballot in the box: the delete is the
    exactly-once guard, and what remains says who has not answered, never what anyone answered."""

    __tablename__ = "pulse_pending"

    user_id: str = Field(sa_column=Column(String(32), primary_key=True))
    week_start: date = Field(primary_key=True)
    question_key: str = Field(primary_key=True, max_length=40)


class PulseBallot(SQLModel, table=True):
    """An answer waiting to be counted, sealed with a key derived from APLAUSO_SECRET_KEY.

    It is written in the transaction that deletes the person's pending row, so storage history
    (a WAL, a backup) links the person to this row; the row therefore says nothing beyond what
    that pending row said (week, question, and the team it counts for), and its sealed score
    and comment have one fixed length. Ballots become `PulseAnswer` rows only in shuffled
    batches (see engagement.pulse_ballots), in a transaction that also deletes them.
    """

    __tablename__ = "pulse_ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=32)
    week_start: date = Field(index=True)
    team_id: int = _team_ref()
    question_key: str = Field(max_length=40)
    sealed: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PulseAnswer(SQLModel, table=True):
    """An anonymous answer: no person, no time finer than the week, one row per team.

    A random id as key and no rowid (SQLite) keep storage order from following answer order.
    """

    __tablename__ = "pulse_answers"
    __table_args__ = (
        # the digest counts a week's answers per team and question from the index alone
        Index(
            "ix_pulse_answers_week_team_question_score",
            "week_start", "team_id", "question_key", "score",
        ),
        # and finds the week's few comments without reading every answer of the week
        Index(
            "ix_pulse_answers_commented_week",
            "week_start",
            sqlite_where=text("comment IS NOT NULL"),
            postgresql_where=text("comment IS NOT NULL"),
        ),
        {"sqlite_with_rowid": False},
    )  # fmt: skip

    id: str = Field(primary_key=True, max_length=32)
    week_start: date
    question_key: str = Field(max_length=40)
    team_id: int = _team_ref()
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
    rating_team_id: int = _team_ref()
    rated_team_id: int = _team_ref()
    score: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
