"""SQLModel tables, one module per feature. Alembic migrations in `storage/migrations` must
agree with these (a test checks); importing this package registers every table. Each name
is re-exported explicitly (`X as X`), so the list needs no `__all__` beside it.

Only the people directory holds Slack user ids next to names; tables added for pulse answers
and anonymous feedback must never hold a person id (see DESIGN.md, Anonymity).
"""

from __future__ import annotations

from storage.models.digest import DigestClaim as DigestClaim
from storage.models.digest import DigestRollup as DigestRollup
from storage.models.digest import DigestRollupFigure as DigestRollupFigure
from storage.models.digest import DigestRollupKudos as DigestRollupKudos
from storage.models.feedback import FeedbackDailyCount as FeedbackDailyCount
from storage.models.feedback import FeedbackMessage as FeedbackMessage
from storage.models.feedback import FeedbackThread as FeedbackThread
from storage.models.feedback import ThreadStatus as ThreadStatus
from storage.models.kudos import Kudos as Kudos
from storage.models.kudos import KudosReceiver as KudosReceiver
from storage.models.kudos import KudosTeamLink as KudosTeamLink
from storage.models.kudos import LinkRole as LinkRole
from storage.models.people import Person as Person
from storage.models.people import ProcessedEvent as ProcessedEvent
from storage.models.people import Team as Team
from storage.models.people import TeamMember as TeamMember
from storage.models.people import TeamSupplier as TeamSupplier
from storage.models.pulse import Attempt as Attempt
from storage.models.pulse import ClaimStatus as ClaimStatus
from storage.models.pulse import PulseAnswer as PulseAnswer
from storage.models.pulse import PulseDelivery as PulseDelivery
from storage.models.pulse import PulseOptOut as PulseOptOut
from storage.models.pulse import PulsePending as PulsePending
from storage.models.pulse import PulseQuestion as PulseQuestion
from storage.models.pulse import PulseWeek as PulseWeek
from storage.models.pulse import ServiceRating as ServiceRating
from storage.models.replay import SeenRequest as SeenRequest
from storage.models.seasons import Season as Season
from storage.models.settings import DEFAULT_REACTIONS as DEFAULT_REACTIONS
from storage.models.settings import Admin as Admin
from storage.models.settings import ServiceValue as ServiceValue
from storage.models.settings import WorkspaceSettings as WorkspaceSettings
from storage.models.welcome import CelebrationThread as CelebrationThread
from storage.models.welcome import KudosDmPreference as KudosDmPreference
from storage.models.welcome import KudosSummaryClaim as KudosSummaryClaim
from storage.models.welcome import Welcome as Welcome
