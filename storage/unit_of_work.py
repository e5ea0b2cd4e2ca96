"""One transaction and the repositories that share it, handed to the domain services."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from storage.db import session_scope
from storage.replay_cache import replay_engine_beside
from storage.repositories import (
    AdminRepository,
    DigestRepository,
    EventRepository,
    FeedbackRepository,
    KudosRepository,
    LeaderboardRepository,
    PeopleRepository,
    PulseRepository,
    SettingsRepository,
    TeamRepository,
)
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.welcome import QuietKudosRepository, WelcomeRepository
from storage.wal_checkpoints import WalCheckpointer, checkpoint_in_background


class UnitOfWork:
    """The services' whole view of storage: they never see the session or SQL."""

    def __init__(self, session: Session) -> None:
        self._session = session
        # by feature; each repository sees only this transaction's session
        self.settings, self.admins = SettingsRepository(session), AdminRepository(session)
        self.people, self.teams = PeopleRepository(session), TeamRepository(session)
        self.events = EventRepository(session)
        self.kudos, self.quiet_kudos = KudosRepository(session), QuietKudosRepository(session)
        self.leaderboards = LeaderboardRepository(session)
        self.pulse, self.digest = PulseRepository(session), DigestRepository(session)
        self.feedback, self.privacy = FeedbackRepository(session), PrivacyRepository(session)
        self.welcomes = WelcomeRepository(session)


CONFLICT_ATTEMPTS = 3
RETRIED_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
T = TypeVar("T")


class Database:
    """Owns the engine; every unit of work it opens is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._checkpointers: list[WalCheckpointer] = []

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with session_scope(self.engine) as session:
            yield UnitOfWork(session)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A transaction that only reads: on SQLite it takes no write lock (see session_scope)."""
        with session_scope(self.engine, reading=True) as session:
            yield UnitOfWork(session)

    def retrying(self, work: Callable[[UnitOfWork], T]) -> T:
        """`work` in one transaction, run again when PostgreSQL chose it as a deadlock's or a
        serialization conflict's victim (its changes were rolled back whole): people who thank
        each other at the same moment, both seen for the first time, lock rows in turn."""
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                with self.unit_of_work() as uow:
                    return work(uow)
            except OperationalError as error:
                code = getattr(error.orig, "sqlstate", None)
                if code not in RETRIED_SQLSTATES or attempt == CONFLICT_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    @functools.cached_property
    def replay_engine(self) -> Engine:
        """Where the door remembers signatures (see `storage/replay_cache.py`): made on first
        use, so commands that never serve requests leave no file for it."""
        return replay_engine_beside(self.engine)

    def checkpoint_in_background(self) -> None:
        """For a long-running server on SQLite: its files' logs are checkpointed by threads of
        their own, never by a request's commit (see `storage/wal_checkpoints.py`)."""
        for engine in dict.fromkeys([self.engine, self.replay_engine]):
            checkpointer = checkpoint_in_background(engine)
            if checkpointer is not None:
                self._checkpointers.append(checkpointer)

    def dispose(self) -> None:
        for checkpointer in self._checkpointers:
            checkpointer.stop()
        self._checkpointers.clear()
        self.engine.dispose()
        replay = self.__dict__.get("replay_engine")
        if replay is not None and replay is not self.engine:
            replay.dispose()
