"""People as the services need them: their language, and Slack profiles fetched *before* a write.

Every service follows the same order: look-ups first (a short read, then Slack for whoever is
unseen or stale), then one short write transaction that only reads what was prefetched, then
Slack again for what is posted. A slow or rate-limited Slack therefore never holds a database
lock (on SQLite, the one write lock everybody shares).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from engagement.clock import Clock
from engagement.directory import (
    REFRESH_AFTER,
    Profile,
    ensure_person,
    language_of,
    sync_people,
)
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.ports import PeopleSource, Transactions
from storage.models import Person

DIRECTORY_REFRESH_EVERY = timedelta(minutes=10)


class PrefetchedProfiles:
    """A `ProfileFetcher` that answers only from what Slack said before the transaction began.

    Inside a transaction it never calls Slack: an id that was not fetched raises
    `DirectoryUnavailable`, so the domain falls back to the cached (possibly stale) entry.
    """

    def __init__(self, answers: dict[str, Profile | None]) -> None:
        self._answers = answers

    def __call__(self, user_id: str) -> Profile | None:
        if user_id not in self._answers:
            raise DirectoryUnavailable("not prefetched")
        return self._answers[user_id]


class PeopleService:
    def __init__(self, store: Transactions, source: PeopleSource, clock: Clock) -> None:
        self._store = store
        self._source = source
        self._clock = clock
        self._directory_lock = threading.Lock()
        self._directory_refreshed_at: datetime | None = None

    def now(self) -> datetime:
        return self._clock()

    def language(self, user_id: str) -> str:
        """From the cache only: answering a click never waits on Slack for a locale."""
        return self.known_language(user_id)[0]

    def known_language(self, user_id: str) -> tuple[str, bool]:
        """The person's language from the cache, and whether the cache knows them (fresh).

        Someone not met yet reads the workspace's language until `meet` has asked Slack.
        """
        now = self._clock()
        with self._store.unit_of_work() as uow:
            person = uow.people.get(user_id)
            default = uow.settings.get().default_language
        fresh = person is not None and now - person.synced_at < REFRESH_AFTER
        return language_of(person, default), fresh

    def meet(self, user_id: str) -> str:
        """Learns an unseen or stale person from Slack (outside any transaction) and returns
        their language; run after the request was answered, never before."""
        profiles = self.prefetch([user_id])
        with self._store.unit_of_work() as uow:
            try:
                person: Person | None = ensure_person(uow, user_id, profiles, self._clock())
            except (DomainError, DirectoryUnavailable):
                person = uow.people.get(user_id)
            return language_of(person, uow.settings.get().default_language)

    def workspace_language(self) -> str:
        with self._store.unit_of_work() as uow:
            return uow.settings.get().default_language

    def prefetch(self, user_ids: Iterable[str]) -> PrefetchedProfiles:
        """Asks Slack about the unseen and the stale, outside any transaction."""
        wanted = list(dict.fromkeys(uid for uid in user_ids if uid))
        now = self._clock()
        with self._store.unit_of_work() as uow:
            stale = []
            for user_id in wanted:
                cached = uow.people.get(user_id)
                if cached is None or now - cached.synced_at >= REFRESH_AFTER:
                    stale.append(user_id)
        answers: dict[str, Profile | None] = {}
        for user_id in stale:
            try:
                answers[user_id] = self._source.fetch_profile(user_id)
            except DirectoryUnavailable:
                continue  # the cached entry, if any, serves until Slack answers again
        return PrefetchedProfiles(answers)

    def refresh_directory(self) -> bool:
        """Reloads everyone from Slack, at most once per ten minutes per process.

        A typo in `/kudos @nmae` must not turn into a users.list crawl per request.
        """
        with self._directory_lock:
            now = self._clock()
            last = self._directory_refreshed_at
            if last is not None and now - last < DIRECTORY_REFRESH_EVERY:
                return False
            self._directory_refreshed_at = now
        profiles = list(self._source.all_profiles())
        with self._store.unit_of_work() as uow:
            sync_people(uow, profiles, now)
        return True

    def usergroup_members(self, usergroup_id: str) -> list[str]:
        members = self._source.usergroup_member_ids(usergroup_id)
        if members is None:
            raise DomainError("kudos.errors.unknown_usergroup", usergroup=usergroup_id)
        return members
