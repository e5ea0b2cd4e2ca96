"""What an admin does with the `aplauso` command line in the demo, through the same services
the command calls: the teams at the start, and a team handed to a new manager."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.wiring import Runtime
from engagement.teams import TeamChange, TeamSpec


def set_up_teams(runtime: Runtime, teams: Sequence[TeamSpec]) -> None:
    """What an admin does with `aplauso team set` and `aplauso admin add`, through the same
    services: every team first, then who serves whom (a supplier must exist to be named)."""
    runtime.services.people.refresh_directory()
    runtime.services.admin.add_admin("U01CARMEN")
    for team in teams:
        runtime.services.teams.set_team(replace(team, served_by=()))
    for team in teams:
        runtime.services.teams.set_team(team)


def hand_team(runtime: Runtime, team: str, manager_id: str, names: dict[str, str]) -> str:
    """`aplauso team set "TEAM" --manager @someone`: only the manager changes."""
    changed = runtime.services.teams.change_team(TeamChange(name=team, manager_id=manager_id))
    manager = names.get(changed.team.manager_id, changed.team.manager_id)
    return f'(aplauso team set "{team}" --manager @{manager}: {team}\'s manager is now {manager})'
