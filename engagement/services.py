"""The one bundle of services that listeners, jobs and the CLI receive.

Built once per process in `bot/wiring.py`; nothing outside `engagement/` needs to know which
repositories or Slack adapters each service holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from engagement.admin import AdminService
from engagement.digest import DigestService
from engagement.events import EventLog
from engagement.feedback import FeedbackService
from engagement.kudos import KudosService
from engagement.kudos_follow import KudosFollowService
from engagement.kudos_summary import QuietKudosService
from engagement.leaderboards import LeaderboardService
from engagement.people import PeopleService
from engagement.privacy import PrivacyService
from engagement.pulse import PulseService
from engagement.rosters import RosterService
from engagement.teams import TeamService
from engagement.welcome import WelcomeService


@dataclass(frozen=True)
class Services:
    people: PeopleService
    events: EventLog
    admin: AdminService
    teams: TeamService
    pulse: PulseService
    feedback: FeedbackService
    kudos: KudosService
    kudos_follow: KudosFollowService
    digest: DigestService
    rosters: RosterService
    leaderboards: LeaderboardService
    privacy: PrivacyService
    welcomes: WelcomeService
    quiet_kudos: QuietKudosService
