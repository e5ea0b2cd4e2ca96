"""SQLModel tables, one module per feature. Alembic migrations in `storage/migrations` must
agree with these (a test checks); importing this package registers every table.

Only the people directory holds Slack user ids next to names; tables added for pulse answers
and anonymous feedback must never hold a person id (see DESIGN.md, Anonymity).
"""

from __future__ import annotations

from storage.models.digest import DigestClaim
from storage.models.feedback import (
    FeedbackDailyCount,
    FeedbackMessage,
    FeedbackThread,
    ThreadStatus,
)
from storage.models.kudos import Kudos, KudosReceiver, KudosTeamLink, LinkRole
from storage.models.people import Person, ProcessedEvent, Team, TeamMember, TeamSupplier
from storage.models.pulse import (
    ClaimStatus,
    PulseAnswer,
    PulseDelivery,
    PulseOptOut,
    PulsePending,
    PulseQuestion,
    PulseWeek,
    ServiceRating,
)
from storage.models.replay import SeenRequest
from storage.models.settings import DEFAULT_REACTIONS, Admin, ServiceValue, WorkspaceSettings

__all__ = [
    "DEFAULT_REACTIONS",
    "Admin",
    "ClaimStatus",
    "DigestClaim",
    "FeedbackDailyCount",
    "FeedbackMessage",
    "FeedbackThread",
    "Kudos",
    "KudosReceiver",
    "KudosTeamLink",
    "LinkRole",
    "Person",
    "ProcessedEvent",
    "PulseAnswer",
    "PulseDelivery",
    "PulseOptOut",
    "PulsePending",
    "PulseQuestion",
    "PulseWeek",
    "SeenRequest",
    "ServiceRating",
    "ServiceValue",
    "Team",
    "TeamMember",
    "TeamSupplier",
    "ThreadStatus",
    "WorkspaceSettings",
]
