"""The weekly digest's only table: the claim that sends each team's digest once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class DigestClaim(SQLModel, table=True):
    """One digest per team and week: claimed before sending, marked sent with Slack's ts after.

    A claim left 'claimed' by a crash is retried after a timeout, and the retry first looks for
    the digest's message metadata in the manager's DM, so nothing is sent twice.
    """

    __tablename__ = "digest_claims"
    __table_args__ = (UniqueConstraint("team_id", "week_start"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    week_start: date = Field(index=True)
    status: str = Field(max_length=16)  # a storage.models.pulse.ClaimStatus
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    message_ts: str | None = Field(default=None, max_length=32)
