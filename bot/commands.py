"""What each CLI command does, kept apart from argument parsing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bot.cli import CliError
from bot.config import Settings
from bot.digest_messenger import SlackDigestMessenger
from bot.pulse_messenger import SlackPulseMessenger
from bot.runtime import open_database
from bot.slack_client import make_web_client
from bot.slack_directory import SlackDirectory
from engagement.admins import add_admin, remove_admin
from engagement.clock import system_clock
from engagement.directory import Profile, ProfileFetcher
from engagement.errors import DomainError
from engagement.teams import TeamSpec, list_teams, set_team
from schedules.jobs import JOBS
from schedules.registry import JobDependencies


def serve(settings: Settings, *, port: int | None, no_scheduler: bool) -> int:
    from bot.runtime import serve as run_server

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
    job = JOBS.get(name)
    if job is None:
        raise CliError(f"the {name} job is not available in this version yet")
    if not settings.slack_bot_token:
        raise CliError(f"SLACK_BOT_TOKEN is needed to run the {name} job", code=2)
    database = open_database(settings)
    moment = at or system_clock()
    client = make_web_client(settings)
    deps = JobDependencies(
        database=database,
        clock=lambda: moment,
        messenger=SlackPulseMessenger(client),
        digest_messenger=SlackDigestMessenger(client),
    )
    try:
        report = job.run(deps, moment)
    finally:
        database.dispose()
    print(report.summary())
    return 0


def _slack_fetcher(settings: Settings) -> tuple[ProfileFetcher, SlackDirectory | None]:
    if not settings.slack_bot_token:

        def no_slack(user_id: str) -> Profile | None:
            raise CliError(
                f"{user_id} is not in Aplauso's directory yet and SLACK_BOT_TOKEN is not set, "
                "so Slack cannot be asked; set SLACK_BOT_TOKEN and try again"
            )

        return no_slack, None
    directory = SlackDirectory(make_web_client(settings))
    return directory.fetch_profile, directory


def team_set(
    settings: Settings,
    *,
    name: str,
    manager: str,
    members: list[str] | None,
    usergroup: str | None,
    channel: str | None,
    served_by: list[str],
) -> int:
    fetch, directory = _slack_fetcher(settings)
    member_ids = list(members or [])
    if usergroup:
        if directory is None:
            raise CliError("SLACK_BOT_TOKEN is needed to read the members of a Slack user group")
        found = directory.usergroup_member_ids(usergroup)
        if found is None:
            raise DomainError("errors.unknown_usergroup", usergroup=usergroup)
        member_ids = found
    database = open_database(settings)
    try:
        with database.unit_of_work() as uow:
            result = set_team(
                uow,
                TeamSpec(
                    name=name,
                    manager_id=manager,
                    member_ids=member_ids,
                    channel_id=channel,
                    usergroup_id=usergroup,
                    served_by=served_by,
                    members_from_usergroup=bool(usergroup),
                ),
                fetch,
                system_clock(),
            )
            verb = "created" if result.created else "updated"
            print(
                f"{verb} team {result.team.name}: manager {manager}, "
                f"{len(result.member_ids)} members"
                + (
                    f" ({len(result.skipped_ids)} bots or deactivated users left out)"
                    if result.skipped_ids
                    else ""
                )
            )
    finally:
        database.dispose()
    return 0


def team_list(settings: Settings, *, as_json: bool) -> int:
    database = open_database(settings)
    try:
        with database.unit_of_work() as uow:
            teams = list_teams(uow)
    finally:
        database.dispose()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": team.name,
                        "manager": team.manager_id,
                        "manager_name": team.manager_name,
                        "member_count": len(team.member_ids),
                        "members": team.member_ids,
                        "channel": team.channel_id,
                        "usergroup": team.usergroup_id,
                        "served_by": team.served_by,
                    }
                    for team in teams
                ],
                indent=2,
            )
        )
        return 0
    if not teams:
        print(
            "no teams yet; create one with `aplauso team set NAME --manager U... --members U...,U...`"
        )
        return 0
    for team in teams:
        extras = []
        if team.channel_id:
            extras.append(f"channel {team.channel_id}")
        if team.usergroup_id:
            extras.append(f"user group {team.usergroup_id}")
        if team.served_by:
            extras.append("served by " + ", ".join(team.served_by))
        print(
            f"{team.name}: manager {team.manager_name} ({team.manager_id}), "
            f"{len(team.member_ids)} members" + ("; " + "; ".join(extras) if extras else "")
        )
    return 0


def admin(settings: Settings, action: str, user_id: str) -> int:
    database = open_database(settings)
    try:
        with database.unit_of_work() as uow:
            if action == "add":
                fetch, _ = _slack_fetcher(settings)
                added = add_admin(uow, user_id, fetch, system_clock())
                print(f"{user_id} is now an admin" if added else f"{user_id} was already an admin")
            else:
                removed = remove_admin(uow, user_id)
                print(
                    f"{user_id} is no longer an admin" if removed else f"{user_id} was not an admin"
                )
    finally:
        database.dispose()
    return 0
