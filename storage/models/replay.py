"""The door's memory of signed requests already let in (see `bot/request_guard.py`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


class SeenRequest(SQLModel, table=True):
    """A hash of an accepted request's signature, kept until the signature could no longer be
    valid; the primary key refuses the same request twice, whichever process sees it."""

    __tablename__ = "seen_requests"

    key: str = Field(primary_key=True, max_length=64)
    expires_at: int = Field(sa_column=Column(BigInteger(), nullable=False, index=True))
