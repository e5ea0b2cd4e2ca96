"""A team as the other features name it: its id, and its name to show."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeamRef:
    id: int
    name: str
