"""Plain data that feedback rules produce and views render; no Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TEXT_MAX = 3000


class FeedbackKind(StrEnum):
    IDEA = "idea"
    CONCERN = "concern"
    PRAISE = "praise"
    QUESTION = "question"
    SERVICE = "service"  # about the service this team gives us


class ThreadStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Author(StrEnum):
    WRITER = "writer"
    MANAGER = "manager"


@dataclass(frozen=True)
class TeamChoice:
    team_id: int
    name: str


@dataclass(frozen=True)
class FeedbackThreadView:
    """What a card or a list line shows. `writer_id` is set only for signed feedback."""

    thread_id: str
    team_name: str
    kind: FeedbackKind
    status: ThreadStatus
    first_text: str
    anonymous: bool
    writer_id: str | None
    manager_id: str
    flagged: bool = False


@dataclass(frozen=True)
class FeedbackMessageView:
    thread_id: str
    team_name: str
    author: Author
    text: str
    anonymous: bool
    writer_id: str | None
