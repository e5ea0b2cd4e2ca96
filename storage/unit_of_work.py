"""One transaction and the repositories that share it, handed to the domain services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from storage.db import session_scope
from storage.repositories import (
    AdminRepository,
    DigestRepository,
    EventRepository,
    FeedbackRepository,
    KudosRepository,
    PeopleRepository,
    PulseRepository,
    SettingsRepository,
    TeamRepository,
)


class UnitOfWork:
    """The services' whole view of storage: they never see the session or SQL."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.settings = SettingsRepository(session)
        self.people = PeopleRepository(session)
        self.teams = TeamRepository(session)
        self.admins = AdminRepository(session)
        self.events = EventRepository(session)
        self.kudos = KudosRepository(session)
        self.pulse = PulseRepository(session)
        self.feedback = FeedbackRepository(session)
        self.digest = DigestRepository(session)


class Database:
    """Owns the engine; every unit of work it opens is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with session_scope(self.engine) as session:
            yield UnitOfWork(session)

    def dispose(self) -> None:
        self.engine.dispose()
