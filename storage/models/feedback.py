"""Feedback conversations, their messages, and the daily limit kept without naming the writer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class ThreadStatus(StrEnum):
    """Where a conversation stands; engagement.feedback_model hands this same enum to views."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class FeedbackThread(SQLModel, table=True):
    """A feedback conversation. For anonymous feedback no column says who wrote it: the way
    back to the writer (their user id) exists only inside `writer_token`, sealed with
    APLAUSO_SECRET_KEY (which never enters the database) and carrying no time. No column holds
    a time finer than a delivery slot."""

    __tablename__ = "feedback_threads"

    id: str = Field(primary_key=True, max_length=32)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    manager_id: str = Field(max_length=32)  # the recipient: the team's manager, or an admin
    kind: str = Field(max_length=16)
    anonymous: bool = Field(default=True)
    writer_id: str | None = Field(default=None, max_length=32)  # only for signed feedback
    writer_token: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default=ThreadStatus.OPEN.value, max_length=16)  # a ThreadStatus
    flagged: bool = Field(default=False)
    source_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    created_on: date
    # the delivery slot of the first message: a slot boundary, never the time of writing
    deliver_after: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    delivered: bool = Field(default=False)
    manager_channel: str | None = Field(default=None, max_length=32)
    manager_ts: str | None = Field(default=None, max_length=32)
    resolved_on: date | None = Field(default=None)
    # the slot at which the writer hears that something happened (a reply, a status change)
    writer_news_after: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class FeedbackMessage(SQLModel, table=True):
    __tablename__ = "feedback_messages"

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(
        sa_column=Column(
            String(32),
            ForeignKey("feedback_threads.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    author: str = Field(max_length=8)  # writer | manager
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    created_on: date
    # a writer's later message waits for a delivery slot, like the first one
    deliver_after: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    delivered: bool = Field(default=True)


class FeedbackDailyCount(SQLModel, table=True):
    """How much someone wrote today, under a keyed hash of the person that changes every day."""

    __tablename__ = "feedback_daily_counts"

    writer_key: str = Field(primary_key=True, max_length=64)
    day: date = Field(index=True)
    count: int = Field(default=0)
