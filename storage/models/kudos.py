"""Kudos, their receivers, and the teams both sides belonged to at the time."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class LinkRole(StrEnum):
    """Which side of a kudos a team link records; stored as its plain string."""

    GIVER = "giver"
    RECEIVER = "receiver"


class Kudos(SQLModel, table=True):
    """One act of thanks. `source_key` is unique per Slack source: retries never count twice."""

    __tablename__ = "kudos"
    __table_args__ = (
        # a giver's units today: read by every kudos, without reading the giver's whole history
        Index("ix_kudos_giver_id_created_at", "giver_id", "created_at"),
        # a week's live kudos by date, with their value: the digest reads them from the index
        Index(
            "ix_kudos_created_at_withdrawn_at_value_key", "created_at", "withdrawn_at", "value_key"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    giver_id: str = Field(  # indexed first in ix_kudos_giver_id_created_at
        sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False)
    )
    value_key: str | None = Field(
        default=None, sa_column=Column(String(40), ForeignKey("service_values.key"), nullable=True)
    )
    message: str = Field(sa_column=Column(Text, nullable=False))
    source_kind: str = Field(max_length=32)
    source_key: str = Field(sa_column=Column(String(255), nullable=False, unique=True))
    limit_units: int = Field(default=1)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    permalink: str | None = Field(default=None, max_length=500)
    celebrate: bool = Field(default=True)
    celebration_channel: str | None = Field(default=None, max_length=32)
    celebration_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class KudosReceiver(SQLModel, table=True):
    __tablename__ = "kudos_receivers"
    __table_args__ = (UniqueConstraint("kudos_id", "receiver_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kudos_id: int = Field(  # indexed first in the unique (kudos_id, receiver_id)
        sa_column=Column(ForeignKey("kudos.id", ondelete="CASCADE"), nullable=False)
    )
    receiver_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False, index=True)
    )


class KudosTeamLink(SQLModel, table=True):
    """The teams giver and receivers belonged to when the kudos was given: the internal-service map."""

    __tablename__ = "kudos_team_links"
    __table_args__ = (
        # a kudos' teams and their sides from the index alone (the digest's flows and counts)
        Index("ix_kudos_team_links_kudos_id_team_id_role", "kudos_id", "team_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kudos_id: int = Field(
        sa_column=Column(ForeignKey("kudos.id", ondelete="CASCADE"), nullable=False)
    )
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: str = Field(max_length=8)  # a LinkRole
    user_id: str = Field(max_length=32)


class SelfReaction(SQLModel, table=True):
    """A kudos emoji someone put on their own message: refused, and kept for the admins'
    report. One row per (channel, message, person), so Slack's retries count once."""

    __tablename__ = "kudos_self_reactions"

    channel_id: str = Field(sa_column=Column(String(32), primary_key=True))
    message_ts: str = Field(sa_column=Column(String(32), primary_key=True))
    user_id: str = Field(sa_column=Column(String(32), primary_key=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
