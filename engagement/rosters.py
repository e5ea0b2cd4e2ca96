"""Team rosters that follow Slack: user groups that change, and people who leave.

A team bound to a user group (`aplauso team set ... --usergroup`) mirrors it: Slack's
`subteam_members_changed` event moves people in and out at once, and the daily `rosters` job
reads every bound group again (and the directory), so a missed event is corrected within a day.

Someone deactivated in Slack (`user_change` with `deleted: true`) leaves every team and their
unanswered pulse questions go, so no pulse or reminder reaches them; the kudos they gave and
received stay. When they managed a team, every admin is told which team needs a new manager.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from engagement.clock import Clock
from engagement.directory import Profile, ProfileFetcher, ensure_person, is_targetable
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.people import PeopleService
from engagement.ports import AdminNotifier, Transactions
from engagement.reports import RunReport
from engagement.service_base import PeopleBoundService
from engagement.teams_model import ManagerLeft
from engagement.welcome import enlist_team
from storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupChange:
    """Slack's `subteam_members_changed`: who joined and who left one user group."""

    usergroup_id: str
    added: Sequence[str] = ()
    removed: Sequence[str] = ()


def _joinable(
    uow: UnitOfWork, user_ids: Sequence[str], fetch: ProfileFetcher, now: datetime
) -> list[str]:
    """The people of a group who can be in a team: bots, the deactivated and anyone Slack
    cannot tell about right now are left out (the daily re-sync looks again)."""
    members: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        try:
            person = ensure_person(uow, user_id, fetch, now)
        except (DirectoryUnavailable, DomainError):
            continue
        if is_targetable(person):
            members.append(person.user_id)
    return members


def apply_group_change(
    uow: UnitOfWork, change: GroupChange, fetch: ProfileFetcher, now: datetime
) -> list[str]:
    """Moves people in and out of every team bound to the group; the names of teams changed."""
    changed: list[str] = []
    joining = _joinable(uow, change.added, fetch, now)
    leaving = set(change.removed)
    for team in uow.teams.bound_to(change.usergroup_id):
        assert team.id is not None
        current = set(uow.teams.member_ids(team.id))
        added = [uid for uid in joining if uid not in current and uid not in leaving]
        removed = sorted(current & leaving)
        if added or removed:
            uow.teams.remove_members(team.id, removed)
            uow.teams.add_members(team.id, added)
            enlist_team(uow, None, added, now)
            team.updated_at = now
            changed.append(team.name)
    return changed


def resync_group(
    uow: UnitOfWork, usergroup_id: str, members: Sequence[str], fetch: ProfileFetcher, now: datetime
) -> list[str]:
    """Every team bound to the group gets exactly its members; the names of teams changed."""
    wanted = _joinable(uow, members, fetch, now)
    changed: list[str] = []
    for team in uow.teams.bound_to(usergroup_id):
        assert team.id is not None
        current = set(uow.teams.member_ids(team.id))
        if current != set(wanted):
            uow.teams.replace_members(team.id, wanted)
            enlist_team(uow, None, [uid for uid in wanted if uid not in current], now)
            team.updated_at = now
            changed.append(team.name)
    return changed


def forget_leaver(uow: UnitOfWork, user_id: str) -> list[ManagerLeft]:
    """A deactivated person leaves every team and their unanswered pulse questions go; the
    teams they managed, which now need a new manager, are returned. Kudos stay."""
    person = uow.people.get(user_id)
    if person is None or not person.deleted:
        return []
    uow.teams.leave_all(user_id)
    uow.pulse.forget_person(user_id)
    return [ManagerLeft(team.name, user_id) for team in uow.teams.managed_by(user_id)]


@dataclass
class _Resync:
    teams: int = 0
    leavers: int = 0
    unread: list[str] = field(default_factory=list)


class RosterService(PeopleBoundService):
    """Keeps teams in step with Slack; every Slack call outside a transaction."""

    def __init__(
        self, store: Transactions, people: PeopleService, clock: Clock, *, notifier: AdminNotifier
    ) -> None:
        super().__init__(store, people, clock)
        self._notifier = notifier

    def group_changed(self, change: GroupChange) -> list[str]:
        """`subteam_members_changed`: only groups a team mirrors cost a look-up."""
        with self._store.unit_of_work() as uow:
            if not uow.teams.bound_to(change.usergroup_id):
                return []
        fetch = self._people.prefetch(change.added)
        with self._store.unit_of_work() as uow:
            return apply_group_change(uow, change, fetch, self._clock())

    def person_changed(self, profile: Profile) -> list[ManagerLeft]:
        """`user_change`: stored as any profile change; a deactivation also takes the person
        off teams and the pulse, and tells the admins about the teams left without a manager."""
        with self._store.unit_of_work() as uow:
            was_active = not self._managers_gone_in(uow, {profile.user_id})
        self._people.changed(profile, joined=False)
        if not profile.deleted:
            return []
        with self._store.unit_of_work() as uow:
            orphans = forget_leaver(uow, profile.user_id)
        if was_active and orphans:
            self._tell_admins(orphans)
        return orphans

    def resync(self, now: datetime) -> RunReport:
        """The daily job: the directory (who left), then every bound group, read again."""
        active_managers = self._active_managers()
        notes: list[str] = []
        try:
            self._people.refresh_directory()
        except DirectoryUnavailable:
            notes.append("the directory could not be read; tried again tomorrow")
        done = _Resync()
        with self._store.unit_of_work() as uow:
            groups = sorted({t.usergroup_id for t in uow.teams.bound_to() if t.usergroup_id})
        for usergroup_id in groups:
            done.teams += self._resync_one(usergroup_id, now, done)
        orphans = self._forget_leavers(active_managers, done)
        sent = self._tell_admins(orphans) if orphans else 0
        notes += [f"teams changed to match their user group: {done.teams}"] if done.teams else []
        notes += [f"people who left taken off teams: {done.leavers}"] if done.leavers else []
        notes += [
            f"user group {group} not read; `aplauso doctor` checks it" for group in done.unread
        ]
        return RunReport(sent=sent, failed=len(done.unread), notes=tuple(notes))

    def _resync_one(self, usergroup_id: str, now: datetime, done: _Resync) -> int:
        try:
            members = self._people.usergroup_members(usergroup_id)
        except (DirectoryUnavailable, DomainError) as error:
            logger.warning("user group %s not read: %s", usergroup_id, type(error).__name__)
            done.unread.append(usergroup_id)
            return 0
        fetch = self._people.prefetch(members)
        with self._store.unit_of_work() as uow:
            return len(resync_group(uow, usergroup_id, members, fetch, now))

    def _forget_leavers(self, active_managers: set[str], done: _Resync) -> list[ManagerLeft]:
        """Deactivated people still on teams leave them; managers who were active before the
        crawl and are gone now are the ones to tell the admins about."""
        orphans: list[ManagerLeft] = []
        with self._store.unit_of_work() as uow:
            leavers = uow.teams.members_who_left()
            gone = sorted(set(leavers) | self._managers_gone_in(uow, active_managers))
            for user_id in gone:
                left = forget_leaver(uow, user_id)
                if user_id in active_managers:
                    orphans += left
            done.leavers = len(leavers)
        return orphans

    def _active_managers(self) -> set[str]:
        with self._store.unit_of_work() as uow:
            ids = {team.manager_id for team in uow.teams.all()}
            people = uow.people.get_many(ids)
        return {uid for uid in ids if uid in people and not people[uid].deleted}

    @staticmethod
    def _managers_gone_in(uow: UnitOfWork, managers: set[str]) -> set[str]:
        """Those of these people stored as deactivated (someone unknown is not)."""
        people = uow.people.get_many(managers)
        return {uid for uid, person in people.items() if person.deleted}

    def _tell_admins(self, orphans: Sequence[ManagerLeft]) -> int:
        """One DM per admin, one line per team; returns the DMs Slack took."""
        with self._store.unit_of_work() as uow:
            ids = uow.admins.all_ids()
            people = uow.people.get_many(ids)
        admins = [uid for uid in ids if uid not in people or not people[uid].deleted]
        told = 0
        for admin_id in admins:
            lang = self._people.language(admin_id)
            told += int(self._notifier.tell_manager_left(admin_id, lang, orphans))
        return told
