"""Queries over the tables, one module per feature. Callers own the transaction (see UnitOfWork)."""

from __future__ import annotations

from storage.repositories.digest import DigestRepository
from storage.repositories.feedback import FeedbackRepository
from storage.repositories.kudos import KudosRepository
from storage.repositories.leaderboards import LeaderboardRepository
from storage.repositories.people import EventRepository, PeopleRepository, TeamRepository
from storage.repositories.pulse import PulseRepository
from storage.repositories.settings import AdminRepository, SettingsRepository

__all__ = [
    "AdminRepository",
    "DigestRepository",
    "EventRepository",
    "FeedbackRepository",
    "KudosRepository",
    "LeaderboardRepository",
    "PeopleRepository",
    "PulseRepository",
    "SettingsRepository",
    "TeamRepository",
]
