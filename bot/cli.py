"""The `aplauso` command line, as DESIGN.md's runtime contract fixes it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from bot import commands
from bot.commands import EXIT_ERROR, EXIT_USAGE, CliError
from bot.config import ConfigError, Settings, load_settings
from bot.i18n import t
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.teams import TeamSpec
from schedules.jobs import JOBS


class OneLineParser(argparse.ArgumentParser):
    """argparse prints a multi-line usage on errors; the contract asks for one clear line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _iso_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--at must be an ISO-8601 date and time such as 2026-11-24T10:00:00+00:00, got {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"--port must be from 0 to 65535, got {text}")
    return port


def _id_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="aplauso",
        description="Aplauso: kudos, pulse surveys, anonymous feedback and manager digests for Slack.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    serve = commands.add_parser("serve", help="run the app (Socket Mode if SLACK_APP_TOKEN is set)")
    serve.add_argument("--port", type=_port, help="HTTP port (default: $PORT or 3000)")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs here")

    demo = commands.add_parser("demo", help="play a scripted week against a built-in fake Slack")
    demo.add_argument(
        "--out", type=Path, default=Path("demo-out"), help="where to write what Slack would show"
    )

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=OneLineParser)
    db_commands.add_parser("upgrade", help="apply Alembic migrations to DATABASE_URL")

    jobs = commands.add_parser("jobs", help="run scheduled jobs by hand")
    job_commands = jobs.add_subparsers(
        dest="jobs_command", required=True, parser_class=OneLineParser
    )
    run = job_commands.add_parser("run", help="run one job once, now")
    run.add_argument("name", choices=tuple(JOBS), help="which job")
    run.add_argument("--at", type=_iso_moment, help="act as if the clock read this ISO-8601 moment")

    team = commands.add_parser("team", help="create, update and list teams")
    team_commands = team.add_subparsers(
        dest="team_command", required=True, parser_class=OneLineParser
    )
    team_set = team_commands.add_parser("set", help="create or update a team")
    team_set.add_argument("name", help="team name")
    team_set.add_argument("--manager", required=True, help="manager's Slack user id (U...)")
    source = team_set.add_mutually_exclusive_group(required=True)
    source.add_argument("--members", type=_id_list, help="comma-separated Slack user ids")
    source.add_argument("--usergroup", help="Slack user group id (S...) to sync members from")
    team_set.add_argument("--channel", help="the team's own channel id (C...)")
    team_set.add_argument(
        "--served-by", type=_id_list, default=[], help="teams whose service this team rates"
    )
    team_list = team_commands.add_parser("list", help="list teams, managers and member counts")
    team_list.add_argument("--json", action="store_true", help="print JSON")

    admin = commands.add_parser("admin", help="who may change settings from Slack")
    admin_commands = admin.add_subparsers(
        dest="admin_command", required=True, parser_class=OneLineParser
    )
    admin_commands.add_parser("add", help="make someone an admin").add_argument("user_id")
    admin_commands.add_parser("remove", help="remove an admin").add_argument("user_id")
    return parser


def _domain_message(error: DomainError) -> str:
    return t("en", error.key, **error.params)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return _dispatch(args, settings)
    except ConfigError as error:
        print(f"aplauso: {error}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as error:
        print(f"aplauso: {error}", file=sys.stderr)
        return error.code
    except DomainError as error:
        print(f"aplauso: {_domain_message(error)}", file=sys.stderr)
        return EXIT_ERROR
    except DirectoryUnavailable as error:
        print(
            f"aplauso: Slack could not be reached ({error}); nothing was changed", file=sys.stderr
        )
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """argparse has already refused anything else, so every branch below is reachable."""
    if args.command == "serve":
        return commands.serve(settings, port=args.port, no_scheduler=args.no_scheduler)
    if args.command == "demo":
        return commands.demo(settings, out=args.out)
    if args.command == "db":
        return commands.db_upgrade(settings)
    if args.command == "jobs":
        return commands.run_job(settings, args.name, args.at)
    if args.command == "team" and args.team_command == "set":
        return commands.team_set(settings, _team_spec(args))
    if args.command == "team":
        return commands.team_list(settings, as_json=args.json)
    return commands.admin(settings, args.admin_command, args.user_id)


def _team_spec(args: argparse.Namespace) -> TeamSpec:
    """With `--usergroup` and no `--members`, the team service reads the group from Slack."""
    return TeamSpec(
        name=args.name,
        manager_id=args.manager,
        member_ids=args.members or [],
        channel_id=args.channel,
        usergroup_id=args.usergroup,
        served_by=args.served_by,
    )
