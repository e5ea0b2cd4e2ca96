"""The weekly digest's tables: the claim that sends each team's digest once, who was in each
team in each pulse week, and the figures each week's digests have shown."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.pulse import SendClaimState
from storage.types import UTCDateTime


class DigestClaim(SendClaimState, table=True):
    """One digest per team and week: claimed before sending, marked sent with Slack's ts after.

    A claim left 'claimed' by a crashed run is taken over once its heartbeat stops, and a failed
    post is retried later; either way the digest's message metadata is looked for in the
    manager's DM first, so nothing is sent twice.
    """

    __tablename__ = "digest_claims"
    __table_args__ = (UniqueConstraint("team_id", "week_start"),)

    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    message_ts: str | None = Field(default=None, max_length=32)


class TeamWeekMember(SQLModel, table=True):
    """Who was in each team when a week's pulse first went out (people added later join when
    their own pulse goes out). Answers are filed under these teams and results are judged
    against them, so changing a team afterwards (`aplauso team set`) changes neither."""

    __tablename__ = "team_week_members"

    week_start: date = Field(primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )


class DigestWeek(SQLModel, table=True):
    """A week a digest has reported: its row is locked while a digest adds to what the week
    shows, so two runs never add groups apart."""

    __tablename__ = "digest_weeks"

    week_start: date = Field(primary_key=True)
    k: int
    salt: str = Field(max_length=32)  # picks a comment's digest where the rule leaves a choice
    sealed: bool = Field(default=False)  # every count final and judged: nothing is ever added
    frozen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DigestWeekFigure(SQLModel, table=True):
    """A group a digest has shown (a team's answers to one question that week), as shown:
    every later digest, trend point and report shows these same figures. Totals only."""

    __tablename__ = "digest_week_figures"

    week_start: date = Field(primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    question_key: str = Field(primary_key=True, max_length=40)
    answers: int
    score_sum: int
    promoters: int = Field(default=0)
    passives: int = Field(default=0)
    detractors: int = Field(default=0)


class DigestRollup(SQLModel, table=True):
    """One part ("pulse" or "kudos") of a closed week, rolled up for the digest's trend: its
    rows below are what a live read of that week would give the digest, as long as `basis`
    (a digest of everything else the week's judgement depended on: k, the frozen record and
    figures, the membership) still matches. Written once (the key), dropped when the
    week's data changes (a kudos withdrawn, someone's data deleted)."""

    __tablename__ = "digest_rollups"

    week_start: date = Field(primary_key=True)
    part: str = Field(primary_key=True, max_length=8)
    basis: str = Field(max_length=64)
    rolled_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DigestRollupFigure(SQLModel, table=True):
    """A team's answers to one question in a rolled-up week: how many (a head count, shown
    at any size), and only for a group the week's judgement shows, their sum and eNPS
    categories. A hidden group keeps zeros: nothing below k, no person, no comment."""

    __tablename__ = "digest_rollup_figures"

    week_start: date = Field(primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    question_key: str = Field(primary_key=True, max_length=40)
    answers: int
    shown: bool
    reason: str | None = Field(default=None, max_length=16)  # the team's, as judged that week
    score_sum: int = Field(default=0)
    promoters: int = Field(default=0)
    passives: int = Field(default=0)
    detractors: int = Field(default=0)


class DigestRollupKudos(SQLModel, table=True):
    """Kudos a team gave or received in a rolled-up week (live, not withdrawn), counted."""

    __tablename__ = "digest_rollup_kudos"

    week_start: date = Field(primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(primary_key=True, max_length=16)
    kudos: int
