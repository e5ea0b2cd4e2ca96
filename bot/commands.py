"""What each CLI command does, kept apart from argument parsing: build the services, call one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from bot.config import Settings
from bot.slack_client import CallGuard, make_web_client
from bot.wiring import build_runtime, build_services, open_database, refuse_inside_transaction
from engagement.clock import system_clock
from engagement.services import Services
from engagement.teams import TeamResult, TeamSpec, TeamSummary

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report as one line; `code` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def serve(settings: Settings, *, port: int | None, no_scheduler: bool) -> int:
    from bot.wiring import serve as run_server

    return run_server(
        settings, port=settings.port if port is None else port, with_scheduler=not no_scheduler
    )


def demo(settings: Settings, *, out: Path) -> int:
    from bot.demo import run_demo

    return int(run_demo(out=out))


def db_upgrade(settings: Settings) -> int:
    database = open_database(settings)
    database.dispose()
    print("database is up to date")
    return 0


def run_job(settings: Settings, name: str, at: datetime | None) -> int:
    if not settings.slack_bot_token:
        raise CliError(f"SLACK_BOT_TOKEN is needed to run the {name} job", code=EXIT_USAGE)
    database = open_database(settings)
    moment = at or system_clock()
    runtime = build_runtime(settings, database, clock=lambda: moment)
    try:
        print(runtime.run_job(name, moment).summary(name))
    finally:
        database.dispose()
    return 0


def _slack_guard(settings: Settings) -> CallGuard:
    """Without a bot token Slack cannot be asked; people already in the directory still do."""

    def guard(method: str) -> None:
        if not settings.slack_bot_token:
            raise CliError(
                f"Slack must be asked ({method}) and SLACK_BOT_TOKEN is not set; "
                "set SLACK_BOT_TOKEN and try again"
            )
        refuse_inside_transaction(method)

    return guard


@contextmanager
def _services(settings: Settings) -> Iterator[Services]:
    database = open_database(settings)
    client = make_web_client(settings, guard=_slack_guard(settings))
    try:
        yield build_services(settings, database, client, system_clock)
    finally:
        database.dispose()


def team_set(settings: Settings, spec: TeamSpec) -> int:
    with _services(settings) as services:
        result = services.teams.set_team(spec)
    print(_team_set_line(result, spec.manager_id))
    return 0


def _team_set_line(result: TeamResult, manager_id: str) -> str:
    verb = "created" if result.created else "updated"
    line = f"{verb} team {result.team.name}: manager {manager_id}, {len(result.member_ids)} members"
    if result.skipped_ids:
        line += f" ({len(result.skipped_ids)} bots or deactivated users left out)"
    return line


def team_list(settings: Settings, *, as_json: bool) -> int:
    with _services(settings) as services:
        teams = services.teams.list_teams()
    if as_json:
        print(json.dumps([_team_json(team) for team in teams], indent=2))
        return 0
    if not teams:
        print(
            "no teams yet; create one with `aplauso team set NAME --manager U... --members U...,U...`"
        )
    for team in teams:
        print(_team_line(team))
    return 0


def _team_json(team: TeamSummary) -> dict[str, object]:
    return {
        "name": team.name,
        "manager": team.manager_id,
        "manager_name": team.manager_name,
        "member_count": len(team.member_ids),
        "members": team.member_ids,
        "channel": team.channel_id,
        "usergroup": team.usergroup_id,
        "served_by": team.served_by,
    }


def _team_line(team: TeamSummary) -> str:
    extras = []
    if team.channel_id:
        extras.append(f"channel {team.channel_id}")
    if team.usergroup_id:
        extras.append(f"user group {team.usergroup_id}")
    if team.served_by:
        extras.append("served by " + ", ".join(team.served_by))
    return (
        f"{team.name}: manager {team.manager_name} ({team.manager_id}), "
        f"{len(team.member_ids)} members" + ("; " + "; ".join(extras) if extras else "")
    )


def admin(settings: Settings, action: str, user_id: str) -> int:
    with _services(settings) as services:
        if action == "add":
            added = services.admin.add_admin(user_id)
            print(f"{user_id} is now an admin" if added else f"{user_id} was already an admin")
        else:
            removed = services.admin.remove_admin(user_id)
            print(f"{user_id} is no longer an admin" if removed else f"{user_id} was not an admin")
    return 0
