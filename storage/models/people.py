"""The people directory, teams and their members, and the Slack events already handled.

Only this directory holds Slack user ids next to names (see DESIGN.md, Anonymity).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

TEAM_NAME_LENGTH = 80


class Person(SQLModel, table=True):
    """The people directory, a cache of Slack's users refreshed at most daily."""

    __tablename__ = "people"

    user_id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=120)
    display_name: str = Field(default="", max_length=120)
    real_name: str = Field(default="", max_length=200)
    locale: str | None = Field(default=None, max_length=16)
    tz: str | None = Field(default=None, max_length=64)
    is_bot: bool = Field(default=False)
    deleted: bool = Field(default=False)
    synced_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Team(SQLModel, table=True):
    """A group of people with one manager; may mirror a Slack user group.

    A removed team keeps its row (`removed_at` set, no members, its name given a suffix that
    frees the name): its pulse answers, ratings and digests stay, anonymous and aggregated."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(TEAM_NAME_LENGTH), nullable=False, unique=True))
    manager_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), nullable=False)
    )
    channel_id: str | None = Field(default=None, max_length=32)
    usergroup_id: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    removed_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )


class TeamMember(SQLModel, table=True):
    """Membership; a person may belong to several teams."""

    __tablename__ = "team_members"

    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: str = Field(
        sa_column=Column(String(32), ForeignKey("people.user_id"), primary_key=True)
    )


class TeamSupplier(SQLModel, table=True):
    """The teams whose service a team rates (its internal suppliers)."""

    __tablename__ = "team_suppliers"
    __table_args__ = (UniqueConstraint("team_id", "supplier_team_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )
    supplier_team_id: int = Field(
        sa_column=Column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False)
    )


class ProcessedEvent(SQLModel, table=True):
    """Slack event ids already handled: Bolt does not deduplicate retried events, this table does."""

    __tablename__ = "processed_events"

    event_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
