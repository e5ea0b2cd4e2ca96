"""A team as the other features name it: its id, and its name to show."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeamRef:
    """Enough of a team to name it in a message or a menu.

    No members: whoever holds a `TeamRef` cannot learn who is in the team from it."""

    id: int
    name: str


@dataclass(frozen=True)
class ManagerLeft:
    """A team whose manager was deactivated in Slack: an admin names a successor."""

    team: str
    manager_id: str
