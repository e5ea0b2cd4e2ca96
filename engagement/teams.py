"""Teams, their managers, members and internal suppliers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from engagement.clock import Clock
from engagement.directory import (
    ProfileFetcher,
    display_name,
    ensure_person,
    is_targetable,
    require_targetable,
)
from engagement.errors import DomainError
from engagement.feedback import reroute_team
from engagement.people import PeopleService
from engagement.ports import Transactions
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
class TeamRef:
    id: int
    name: str


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


def clean_team_name(raw: str) -> str:
    """Spaces are folded, so `Sales ` and `Sales` are one team."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise DomainError("errors.team_name", max=MAX_TEAM_NAME)
    return name


def unique_names(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _targetable_members(
    uow: UnitOfWork, spec: TeamSpec, fetch: ProfileFetcher, now: datetime
) -> tuple[list[str], list[str]]:
    """(members, skipped): a synced group may contain bots, which just do not count; a bot
    named by hand is a mistake worth saying."""
    members: list[str] = []
    skipped: list[str] = []
    for user_id in dict.fromkeys(spec.member_ids):
        person = ensure_person(uow, user_id, fetch, now)
        if is_targetable(person):
            members.append(person.user_id)
        elif spec.members_from_usergroup:
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
    members, skipped = _targetable_members(uow, spec, fetch, now)
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
    if spec.served_by:
        uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
    if manager_changed:
        reroute_team(uow, team)
    return TeamResult(TeamRef(team.id, team.name), created, members, skipped)


def list_teams(uow: UnitOfWork) -> list[TeamSummary]:
    teams = uow.teams.all()
    by_id = {team.id: team for team in teams}
    people = uow.people.get_many(team.manager_id for team in teams)
    summaries = []
    for team in teams:
        assert team.id is not None
        manager = people.get(team.manager_id)
        summaries.append(
            TeamSummary(
                name=team.name,
                manager_id=team.manager_id,
                manager_name=display_name(manager) if manager else team.manager_id,
                member_ids=uow.teams.member_ids(team.id),
                channel_id=team.channel_id,
                usergroup_id=team.usergroup_id,
                served_by=sorted(
                    by_id[s].name for s in uow.teams.supplier_ids(team.id) if s in by_id
                ),
            )
        )
    return summaries


class TeamService:
    def __init__(self, store: Transactions, people: PeopleService, clock: Clock) -> None:
        self._store = store
        self._people = people
        self._clock = clock

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

    def set_suppliers(
        self, user_id: str, team_name: str, supplier_names: Sequence[str]
    ) -> list[str]:
        """A team's manager, or an admin, names up to three teams whose service the team rates."""
        with self._store.unit_of_work() as uow:
            team = uow.teams.by_name(team_name.strip())
            if team is None or team.id is None:
                raise DomainError("errors.unknown_team", team=team_name.strip()[:MAX_TEAM_NAME])
            if team.manager_id != user_id and not uow.admins.is_admin(user_id):
                raise DomainError("errors.not_manager", team=team.name)
            suppliers = _suppliers(uow, team.name, supplier_names)
            if len(suppliers) > MAX_SUPPLIERS:
                raise DomainError("errors.too_many_suppliers", max=MAX_SUPPLIERS)
            uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
            return [s.name for s in suppliers]
