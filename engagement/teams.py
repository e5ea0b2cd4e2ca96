"""Teams, their managers, members and internal suppliers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
from storage.models import Team
from storage.unit_of_work import UnitOfWork

MAX_TEAM_NAME = 80


@dataclass(frozen=True)
class TeamSpec:
    name: str
    manager_id: str
    member_ids: Sequence[str]
    channel_id: str | None = None
    usergroup_id: str | None = None
    served_by: Sequence[str] = ()
    members_from_usergroup: bool = False


@dataclass(frozen=True)
class TeamResult:
    team: Team
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


def set_team(uow: UnitOfWork, spec: TeamSpec, fetch: ProfileFetcher, now: datetime) -> TeamResult:
    """Creates or updates a team; any unknown id raises before anything is written."""
    name = " ".join(spec.name.split())
    if not name or len(name) > MAX_TEAM_NAME:
        raise DomainError("errors.team_name", max=MAX_TEAM_NAME)
    manager = require_targetable(ensure_person(uow, spec.manager_id, fetch, now))
    members: list[str] = []
    skipped: list[str] = []
    for user_id in dict.fromkeys(spec.member_ids):
        person = ensure_person(uow, user_id, fetch, now)
        if is_targetable(person):
            members.append(person.user_id)
        elif spec.members_from_usergroup:
            skipped.append(person.user_id)  # a group may contain bots; they just do not count
        else:
            require_targetable(person)
    if not members:
        raise DomainError("errors.team_without_members", team=name)
    suppliers: list[Team] = []
    for supplier_name in dict.fromkeys(s.strip() for s in spec.served_by if s.strip()):
        supplier = uow.teams.by_name(supplier_name)
        if supplier is None:
            raise DomainError("errors.unknown_team", team=supplier_name)
        if supplier.name.lower() == name.lower():
            raise DomainError("errors.team_serves_itself", team=name)
        suppliers.append(supplier)

    team = uow.teams.by_name(name)
    created = team is None
    manager_changed = False
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
    else:
        manager_changed = team.manager_id != manager.user_id
        team.manager_id = manager.user_id
        team.channel_id = spec.channel_id or team.channel_id
        team.usergroup_id = spec.usergroup_id
        team.updated_at = now
    assert team.id is not None
    uow.teams.replace_members(team.id, members)
    if spec.served_by:
        uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
    if not created and manager_changed:
        reroute_team(uow, team)
    return TeamResult(team=team, created=created, member_ids=members, skipped_ids=skipped)


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


def set_suppliers(
    uow: UnitOfWork, user_id: str, team_name: str, supplier_names: Sequence[str]
) -> list[str]:
    """A team's manager, or an admin, names the teams whose service the team rates."""
    team = uow.teams.by_name(team_name.strip())
    if team is None or team.id is None:
        raise DomainError("errors.unknown_team", team=team_name.strip()[:80])
    if team.manager_id != user_id and not uow.admins.is_admin(user_id):
        raise DomainError("errors.not_manager", team=team.name)
    suppliers: list[Team] = []
    for name in dict.fromkeys(n.strip() for n in supplier_names if n.strip()):
        supplier = uow.teams.by_name(name)
        if supplier is None or supplier.id is None:
            raise DomainError("errors.unknown_team", team=name[:80])
        if supplier.id == team.id:
            raise DomainError("errors.team_serves_itself", team=team.name)
        suppliers.append(supplier)
    if len(suppliers) > 3:
        raise DomainError("errors.too_many_suppliers", max=3)
    uow.teams.replace_suppliers(team.id, [s.id for s in suppliers if s.id is not None])
    return [s.name for s in suppliers]
