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
from engagement.people import PeopleService
from engagement.pulse import PulseService
from engagement.teams import TeamService


@dataclass(frozen=True)
class Services:
    people: PeopleService
    events: EventLog
    admin: AdminService
    teams: TeamService
    pulse: PulseService
    feedback: FeedbackService
    kudos: KudosService
    digest: DigestService
