"""Seasons: a named stretch an admin opens and closes, with its own leaderboard."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

SEASON_NAME_LENGTH = 80


class Season(SQLModel, table=True):
    """One season; `ended_at` is None while it runs (the service keeps one open at a time)."""

    __tablename__ = "seasons"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(SEASON_NAME_LENGTH), nullable=False))
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    started_by: str = Field(max_length=32)
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ended_by: str | None = Field(default=None, max_length=32)
