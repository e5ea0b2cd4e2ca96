"""Teams, their managers, members and internal suppliers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from engagement.directory import (
    ProfileFetcher,
    display_name,
    ensure_person,
    is_targetable,
    require_targetable,
)
from engagement.errors import DomainError
from engagement.feedback import reroute_team
from engagement.service_base import PeopleBoundService
from engagement.teams_model import TeamRef
from engagement.welcome import enlist_team
from storage.models import Team
from storage.unit_of_work import UnitOfWork

MAX_TEAM_NAME = 80
MAX_SUPPLIERS = 3


@dataclass(frozen=True)
class TeamSpec:
    """A team as an admin describes it. With a `usergroup_id` and no `member_ids`, the
    service reads the members from that Slack user group; bots in a group are left out."""

    name: str
    manager_id: str
    member_ids: Sequence[str]
    channel_id: str | None = None
    usergroup_id: str | None = None
    served_by: Sequence[str] = ()
    members_from_usergroup: bool = False


@dataclass(frozen=True)
class TeamResult:
    team: TeamRef
    created: bool
    member_ids: list[str]
    skipped_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TeamSummary:
    name: str
    manager_id: str
    manager_name: str
    member_ids: list[str]
    channel_id: str | None
    usergroup_id: str | None
    served_by: list[str]


@dataclass(frozen=True)
class TeamDetails:
    """`aplauso team show`: the summary, members by name, and who rates this team's service."""

    summary: TeamSummary
    members: list[tuple[str, str]]
    rated_by: list[str]


@dataclass(frozen=True)
class TeamChange:
    """What an admin asked to change; None means "leave it as it is".

    `member_ids` replaces the members (and stops mirroring a user group); `usergroup_id` reads
    them from that Slack group now; `add_member_ids`/`remove_member_ids` adjust the list;
    `channel_id=""` clears the channel and `served_by=()` the suppliers."""

    name: str
    manager_id: str | None = None
    member_ids: Sequence[str] | None = None
    usergroup_id: str | None = None
    add_member_ids: Sequence[str] = ()
    remove_member_ids: Sequence[str] = ()
    channel_id: str | None = None
    served_by: Sequence[str] | None = None
    usergroup_members: Sequence[str] | None = None
    """Filled in by the service from Slack before the transaction."""

    @property
    def names_members(self) -> bool:
        return bool(self.member_ids or self.usergroup_id or self.add_member_ids)


@dataclass(frozen=True)
class TeamChanged:
    created: bool
    team: TeamSummary
    skipped_ids: list[str]


@dataclass(frozen=True)
class RemovedTeam:
    name: str
    member_count: int
    open_feedback: int
    conversations: int = 0
    """Feedback conversations deleted with the team, resolved or not."""


def clean_team_name(raw: str) -> str:
    """Spaces are folded, so `Sales ` and `Sales` are one team."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise DomainError("errors.team_name", max=MAX_TEAM_NAME)
    return name


def unique_names(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _targetable(
    uow: UnitOfWork, user_ids: Sequence[str], fetch: ProfileFetcher, now: datetime, *, lenient: bool
) -> tuple[list[str], list[str]]:
    """(members, skipped): a synced group may contain bots, which just do not count (lenient);
    a bot named by hand is a mistake worth saying."""
    members: list[str] = []
    skipped: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        person = ensure_person(uow, user_id, fetch, now)
        if is_targetable(person):
            members.append(person.user_id)
        elif lenient:
            skipped.append(person.user_id)
        else:
            require_targetable(person)
    return members, skipped


def _suppliers(uow: UnitOfWork, team_name: str, names: Sequence[str]) -> list[Team]:
    suppliers: list[Team] = []
    for supplier_name in unique_names(names):
        supplier = uow.teams.by_name(supplier_name)
        if supplier is None or supplier.id is None:
            raise DomainError("errors.unknown_team", team=supplier_name[:MAX_TEAM_NAME])
        if supplier.name.lower() == team_name.lower():
            raise DomainError("errors.team_serves_itself", team=team_name)
        suppliers.append(supplier)
    return suppliers


def set_team(uow: UnitOfWork, spec: TeamSpec, fetch: ProfileFetcher, now: datetime) -> TeamResult:
    """Creates or updates a team; any unknown id raises before anything is written."""
    name = clean_team_name(spec.name)
    manager = require_targetable(ensure_person(uow, spec.manager_id, fetch, now))
    members, skipped = _targetable(
        uow, spec.member_ids, fetch, now, lenient=spec.members_from_usergroup
    )
    if not members:
        raise DomainError("errors.team_without_members", team=name)
    suppliers = _suppliers(uow, name, spec.served_by)
    team = uow.teams.by_name(name)
    created = team is None
    if team is None:
        team = uow.teams.add(
            Team(
                name=name,
                manager_id=manager.user_id,
                channel_id=spec.channel_id,
                usergroup_id=spec.usergroup_id,
                created_at=now,
                updated_at=now,
            )
        )
    manager_changed = team.manager_id != manager.user_id
    team.manager_id = manager.user_id
    team.channel_id = spec.channel_id or team.channel_id
    team.usergroup_id = spec.usergroup_id
    team.updated_at = now
    assert team.id is not None
    uow.teams.replace_members(team.id, members)
    enlist_team(uow, manager.user_id, members, now)
    if spec.served_by:
        uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
    if manager_changed:
        reroute_team(uow, team)
    return TeamResult(TeamRef(team.id, team.name), created, members, skipped)


def _summary(uow: UnitOfWork, team: Team, names: dict[int | None, str]) -> TeamSummary:
    assert team.id is not None
    manager = uow.people.get(team.manager_id)
    return TeamSummary(
        name=team.name,
        manager_id=team.manager_id,
        manager_name=display_name(manager) if manager else team.manager_id,
        member_ids=uow.teams.member_ids(team.id),
        channel_id=team.channel_id,
        usergroup_id=team.usergroup_id,
        served_by=sorted(names[s] for s in uow.teams.supplier_ids(team.id) if s in names),
    )


def list_teams(uow: UnitOfWork) -> list[TeamSummary]:
    teams = uow.teams.all()
    names = {team.id: team.name for team in teams}
    return [_summary(uow, team, names) for team in teams]


def _details(uow: UnitOfWork, team: Team) -> TeamDetails:
    teams = uow.teams.all()
    names = {other.id: other.name for other in teams}
    summary = _summary(uow, team, names)
    people = uow.people.get_many(summary.member_ids)
    return TeamDetails(
        summary=summary,
        members=[
            (uid, display_name(people[uid]) if uid in people else uid) for uid in summary.member_ids
        ],
        rated_by=sorted(
            other.name
            for other in teams
            if other.id is not None and team.id in uow.teams.supplier_ids(other.id)
        ),
    )


def _new_members(
    uow: UnitOfWork, team: Team | None, change: TeamChange, fetch: ProfileFetcher, now: datetime
) -> tuple[list[str], list[str]]:
    """(members, skipped) after the change: replaced, synced or adjusted, never guessed."""
    assert team is None or team.id is not None
    members = uow.teams.member_ids(team.id) if team is not None and team.id else []
    skipped: list[str] = []
    if change.usergroup_members is not None:
        members, skipped = _targetable(uow, change.usergroup_members, fetch, now, lenient=True)
    elif change.member_ids is not None:
        members, _ = _targetable(uow, change.member_ids, fetch, now, lenient=False)
    added, _ = _targetable(uow, change.add_member_ids, fetch, now, lenient=False)
    for user_id in change.remove_member_ids:
        if user_id not in members and user_id not in added:
            raise DomainError(
                "errors.not_a_member", user=user_id, team=clean_team_name(change.name)
            )
    removed = set(change.remove_member_ids)
    return [m for m in dict.fromkeys([*members, *added]) if m not in removed], skipped


def change_team(
    uow: UnitOfWork, change: TeamChange, fetch: ProfileFetcher, now: datetime
) -> TeamChanged:
    """Touches only what `change` names; a new team needs a manager and members."""
    name = clean_team_name(change.name)
    team = uow.teams.by_name(name)
    if team is None and (change.manager_id is None or not change.names_members):
        raise DomainError("errors.new_team_incomplete", team=name)
    manager = (
        require_targetable(ensure_person(uow, change.manager_id, fetch, now))
        if change.manager_id
        else None
    )
    members, skipped = _new_members(uow, team, change, fetch, now)
    if not members:
        raise DomainError("errors.team_without_members", team=name)
    suppliers = None if change.served_by is None else _suppliers(uow, name, change.served_by)
    if suppliers is not None and len(suppliers) > MAX_SUPPLIERS:
        raise DomainError("errors.too_many_suppliers", max=MAX_SUPPLIERS)
    created = team is None
    if team is None:
        assert manager is not None
        team = uow.teams.add(
            Team(name=name, manager_id=manager.user_id, created_at=now, updated_at=now)
        )
    assert team.id is not None
    rerouted = manager is not None and manager.user_id != team.manager_id
    if manager is not None:
        team.manager_id = manager.user_id
    if change.usergroup_id is not None or change.member_ids is not None:
        team.usergroup_id = change.usergroup_id
    if change.channel_id is not None:
        team.channel_id = change.channel_id or None
    team.updated_at = now
    uow.teams.replace_members(team.id, members)
    enlist_team(uow, team.manager_id, members, now)
    if suppliers is not None:
        uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
    if rerouted:
        reroute_team(uow, team)
    names = {other.id: other.name for other in uow.teams.all()}
    return TeamChanged(created, _summary(uow, team, names), skipped)


def _existing(uow: UnitOfWork, name: str) -> Team:
    team = uow.teams.by_name(" ".join(name.split()))
    if team is None or team.id is None:
        raise DomainError("errors.unknown_team", team=name.strip()[:MAX_TEAM_NAME])
    return team


class TeamService(PeopleBoundService):
    def set_team(self, spec: TeamSpec) -> TeamResult:
        """Slack first (the user group, then unseen or stale people), then one transaction."""
        if spec.usergroup_id and not spec.member_ids:
            members = self._people.usergroup_members(spec.usergroup_id)
            spec = replace(spec, member_ids=members, members_from_usergroup=True)
        fetch = self._people.prefetch([spec.manager_id, *spec.member_ids])
        now = self._clock()
        with self._store.unit_of_work() as uow:
            return set_team(uow, spec, fetch, now)

    def list_teams(self) -> list[TeamSummary]:
        with self._store.unit_of_work() as uow:
            return list_teams(uow)

    def change_team(self, change: TeamChange) -> TeamChanged:
        """Slack first (the user group, then unseen or stale people), then one transaction."""
        if change.usergroup_id:
            members = self._people.usergroup_members(change.usergroup_id)
            change = replace(change, usergroup_members=members)
        fetch = self._people.prefetch(
            [
                change.manager_id or "",
                *(change.member_ids or ()),
                *(change.usergroup_members or ()),
                *change.add_member_ids,
            ]
        )
        now = self._clock()
        with self._store.unit_of_work() as uow:
            return change_team(uow, change, fetch, now)

    def team(self, name: str) -> TeamDetails:
        with self._store.unit_of_work() as uow:
            return _details(uow, _existing(uow, name))

    def remove_team(self, name: str, *, force: bool = False) -> RemovedTeam:
        """The team is marked removed and unlinked (members, manager, suppliers): no pulse,
        reminder or digest goes out for it again, and its name is free. Its anonymous,
        aggregated history (answers, ratings, digests) stays, and kudos stay with the people.
        Its feedback conversations go, nobody being left to read them: unresolved ones need
        `force`."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            team = _existing(uow, name)
            assert team.id is not None
            unresolved = len(uow.feedback.open_for_team(team.id))
            if unresolved and not force:
                raise DomainError("errors.team_has_open_feedback", team=team.name, count=unresolved)
            members = uow.teams.member_ids(team.id)
            gone = uow.feedback.remove_for_team(team.id)
            removed = RemovedTeam(team.name, len(members), unresolved, gone)
            uow.teams.remove(team.id, now)
            uow.pulse.forget_open_questions([m for m in members if not uow.teams.teams_of(m)])
            return removed

    def people_named(self, name: str) -> list[tuple[str, str]]:
        """(user id, display name) of whoever `name` may mean; an unknown name reloads the
        directory from Slack first, at most once per ten minutes."""
        found = self._people_named(name)
        if not found and self._people.refresh_directory():
            found = self._people_named(name)
        return found

    def _people_named(self, name: str) -> list[tuple[str, str]]:
        with self._store.unit_of_work() as uow:
            return [
                (person.user_id, display_name(person))
                for person in uow.people.find_by_name(name)
                if is_targetable(person)
            ]

    def set_suppliers(
        self, user_id: str, team_name: str, supplier_names: Sequence[str]
    ) -> list[str]:
        """A team's manager, or an admin, names up to three teams whose service the team rates."""
        with self._store.unit_of_work() as uow:
            team = _existing(uow, team_name)
            assert team.id is not None
            if team.manager_id != user_id and not uow.admins.is_admin(user_id):
                raise DomainError("errors.not_manager", team=team.name)
            suppliers = _suppliers(uow, team.name, supplier_names)
            if len(suppliers) > MAX_SUPPLIERS:
                raise DomainError("errors.too_many_suppliers", max=MAX_SUPPLIERS)
            uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
            return [s.name for s in suppliers]
