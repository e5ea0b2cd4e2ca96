"""People as the services need them: their language, and Slack profiles fetched *before* a write.

Every service follows the same order: look-ups first (a short read, then Slack for whoever is
unseen or stale), then one short write transaction that only reads what was prefetched, then
Slack again for what is posted. A slow or rate-limited Slack therefore never holds a database
lock (on SQLite, the one write lock everybody shares).

Each process also keeps the people it has read in memory (`PeopleMemory`) for a few minutes:
the language of every request and the giver and receivers of every kudos are read from there,
not from the database. A cold directory is warmed at start (`warm_up`: this process reads the
directory; the one process that runs the jobs also crawls `users.list` when the directory is
missing or stale), and Slack's `user_change` / `team_join` events keep it current (`changed`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import replace
from datetime import datetime, timedelta

from engagement.clock import Clock
from engagement.directory import (
    REFRESH_AFTER,
    Profile,
    _person_from_profile,  # the one Profile -> row mapping, shared with ensure_person
    ensure_person,
    language_of,
)
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.ports import PeopleSource, Transactions
from storage.models import Person

logger = logging.getLogger(__name__)

DIRECTORY_REFRESH_EVERY = timedelta(minutes=10)
REMEMBER_SECONDS = 300.0
"""How long a process trusts its memory of a person before reading the database again: what
another worker or instance learnt (an event, a refresh) reaches this one within that time."""
SYNC_BATCH = 500
"""People written per transaction when the whole directory is loaded: short write locks."""
STALE_SHARE_TO_CRAWL = 0.5


def is_fresh(person: Person | None, now: datetime) -> bool:
    """Synced from Slack recently enough that no look-up is needed before using it."""
    return person is not None and now - person.synced_at < REFRESH_AFTER


class PeopleMemory:
    """This process's copy of the directory rows it has read, each kept `REMEMBER_SECONDS`.

    Rows are detached and shared by threads: read-only. Whoever writes a person drops or
    replaces the copy, so this process never serves a row older than its own last write.
    """

    def __init__(self, seconds: float = REMEMBER_SECONDS) -> None:
        self._seconds = seconds
        self._rows: dict[str, tuple[Person, float]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> Person | None:
        found = self._rows.get(user_id)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def keep(self, people: Iterable[Person]) -> None:
        until = time.monotonic() + self._seconds
        with self._lock:
            for person in people:
                self._rows[person.user_id] = (person, until)

    def drop(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            for user_id in user_ids:
                self._rows.pop(user_id, None)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)


class PrefetchedProfiles:
    """A `ProfileFetcher` that answers only from what Slack said before the transaction began.

    Inside a transaction it never calls Slack: an id that was not fetched raises
    `DirectoryUnavailable`, so the domain falls back to the cached (possibly stale) entry.
    `people` are the rows already known fresh, so the transaction need not read them again.
    """

    def __init__(
        self, answers: dict[str, Profile | None], people: dict[str, Person] | None = None
    ) -> None:
        self._answers = answers
        self.people = people or {}

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
        self.memory = PeopleMemory()

    def now(self) -> datetime:
        return self._clock()

    def language(self, user_id: str) -> str:
        """From the cache only: answering a click never waits on Slack for a locale."""
        return self.known_language(user_id)[0]

    def known_language(self, user_id: str) -> tuple[str, bool]:
        """The person's language from the cache, and whether the cache knows them (fresh).

        Someone not met yet reads the workspace's language until `meet` has asked Slack.
        """
        person = self._known([user_id]).get(user_id)
        fresh = is_fresh(person, self._clock())
        if person is not None and person.locale:
            return language_of(person, "en"), fresh
        return language_of(person, self.workspace_language()), fresh

    def meet(self, user_id: str) -> str:
        """Learns an unseen or stale person from Slack (outside any transaction) and returns
        their language; run after the request was answered, never before."""
        profiles = self.prefetch([user_id])
        with self._store.unit_of_work() as uow:
            try:
                person: Person | None = ensure_person(uow, user_id, profiles, self._clock())
            except (DomainError, DirectoryUnavailable):
                person = uow.people.get(user_id)
            default = uow.settings.snapshot().settings.default_language
        if person is not None:
            self.memory.keep([person])
        return language_of(person, default)

    def workspace_language(self) -> str:
        with self._store.reading() as uow:
            return uow.settings.snapshot().settings.default_language

    def prefetch(self, user_ids: Iterable[str]) -> PrefetchedProfiles:
        """Asks Slack about the unseen and the stale, outside any transaction; the fresh ones
        come from memory (or one read) and are handed on, so the write need not read them."""
        wanted = list(dict.fromkeys(uid for uid in user_ids if uid))
        now = self._clock()
        known = self._known(wanted)
        fresh = {uid: person for uid, person in known.items() if is_fresh(person, now)}
        answers: dict[str, Profile | None] = {}
        for user_id in (uid for uid in wanted if uid not in fresh):
            try:
                answers[user_id] = self._source.fetch_profile(user_id)
            except DirectoryUnavailable:
                continue  # the cached entry, if any, serves until Slack answers again
        self.memory.drop(answers)  # the caller's transaction writes them: read them again then
        return PrefetchedProfiles(answers, fresh)

    def _known(self, user_ids: Sequence[str]) -> dict[str, Person]:
        """The people this process remembers, and the rest read from the database at once."""
        found: dict[str, Person] = {}
        missing: list[str] = []
        for user_id in user_ids:
            person = self.memory.get(user_id)
            if person is None:
                missing.append(user_id)
            else:
                found[user_id] = person
        if missing:
            with self._store.reading() as uow:
                read = uow.people.get_many(missing)
            self.memory.keep(read.values())
            found.update(read)
        return found

    # ---- the whole directory ---------------------------------------------------------

    def refresh_directory(self) -> bool:
        """Reloads everyone from Slack, at most once per ten minutes per process.

        A typo in `/kudos @nmae` must not turn into a users.list crawl per request. The lock is
        held through the crawl: a caller that missed a name while a crawl (the warm-up at start,
        say) was under way waits for it and is told to look again, instead of being told that
        the directory is fresh before it is stored.
        """
        seen = self._directory_refreshed_at
        with self._directory_lock:
            now = self._clock()
            last = self._directory_refreshed_at
            if last != seen:
                return True  # a crawl finished while this caller waited: look again
            if last is not None and now - last < DIRECTORY_REFRESH_EVERY:
                return False
            try:
                self._store_profiles(list(self._source.all_profiles()), now)
            finally:
                self._directory_refreshed_at = now  # a failed crawl also waits its turn
        return True

    def _store_profiles(self, profiles: Sequence[Profile], now: datetime) -> None:
        """In batches, so a crawl of thousands never holds the write lock for long."""
        for start in range(0, len(profiles), SYNC_BATCH):
            rows = [_person_from_profile(p, now) for p in profiles[start : start + SYNC_BATCH]]
            with self._store.unit_of_work() as uow:
                uow.people.upsert_many(rows)
        self.memory.clear()

    def warm_up(self, *, crawl: bool) -> int:
        """Fills this process's memory from the database; with `crawl` (the one process that
        runs the jobs), first loads the directory from Slack when it is empty or mostly stale.
        Runs in the background at start; returns how many people are remembered."""
        if crawl and self._directory_needs_crawl():
            try:
                self.refresh_directory()
            except DirectoryUnavailable as error:
                logger.warning("directory warm-up skipped: Slack unavailable (%s)", error)
        with self._store.unit_of_work() as uow:
            everyone = uow.people.everyone()
        self.memory.keep(everyone)
        return len(everyone)

    def _directory_needs_crawl(self) -> bool:
        now = self._clock()
        with self._store.unit_of_work() as uow:
            total, stale = uow.people.count_synced_before(now - REFRESH_AFTER)
        return total == 0 or stale >= STALE_SHARE_TO_CRAWL * total

    def changed(self, profile: Profile, *, joined: bool) -> None:
        """Slack said a person joined or changed (`team_join`, `user_change`).

        Events carry no locale: a newcomer's is asked of Slack (joins are rare), a known
        person keeps the stored one (profile changes, statuses included, are frequent).
        """
        now = self._clock()
        if profile.locale is None:
            known = self._known([profile.user_id]).get(profile.user_id)
            if known is not None and not joined:
                profile = replace(profile, locale=known.locale)
            else:
                # on failure, the event's own data (without a locale) until the next refresh
                with suppress(DirectoryUnavailable):
                    profile = self._source.fetch_profile(profile.user_id) or profile
        with self._store.unit_of_work() as uow:
            uow.people.upsert_many([_person_from_profile(profile, now)])
            stored = uow.people.get(profile.user_id)
        self.memory.drop([profile.user_id])
        if stored is not None:
            self.memory.keep([stored])

    def usergroup_members(self, usergroup_id: str) -> list[str]:
        members = self._source.usergroup_member_ids(usergroup_id)
        if members is None:
            raise DomainError("kudos.errors.unknown_usergroup", usergroup=usergroup_id)
        return members
