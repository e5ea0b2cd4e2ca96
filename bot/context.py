"""Everything a listener or command needs, built once per process and passed explicitly."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk import WebClient

from bot.config import Settings
from bot.slack_directory import SlackDirectory
from engagement.clock import Clock, system_clock
from engagement.directory import ensure_person, language_of
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.sealing import Sealer
from storage.models import Person
from storage.unit_of_work import Database, UnitOfWork

logger = logging.getLogger(__name__)


@dataclass
class AppContext:
    settings: Settings
    database: Database
    client: WebClient
    clock: Clock = field(default=system_clock)

    @property
    def sealer(self) -> Sealer:
        """Raises ConfigError when APLAUSO_SECRET_KEY is missing (serve checks it at start)."""
        return Sealer(self.settings.require_secret_key())

    @property
    def directory(self) -> SlackDirectory:
        return SlackDirectory(self.client)

    def now(self) -> datetime:
        return self.clock()

    def person(self, uow: UnitOfWork, user_id: str) -> Person | None:
        """The person, looked up in Slack on first sight; None if Slack cannot say right now."""
        try:
            return ensure_person(uow, user_id, self.directory.fetch_profile, self.now())
        except (DomainError, DirectoryUnavailable):
            return None

    def language_in(self, uow: UnitOfWork, user_id: str) -> str:
        return language_of(self.person(uow, user_id), uow.settings.get().default_language)

    def language_for(self, user_id: str) -> str:
        """Opens its own transaction: never call it inside another unit of work."""
        with self.database.unit_of_work() as uow:
            return self.language_in(uow, user_id)
