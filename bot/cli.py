"""The `aplauso` command line, as DESIGN.md's runtime contract fixes it.

Every failure is one line that says what is wrong and how to fix it, with a non-zero exit;
the traceback goes to the log only with `--debug` or APLAUSO_LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import commands
from bot.cli_parser import build_parser
from bot.commands import EXIT_ERROR, EXIT_USAGE, CliError, TeamRequest
from bot.config import ConfigError, Settings, interface_language, load_settings
from bot.doctor import DatabaseState, run_doctor
from bot.failures import describe
from bot.i18n import t
from bot.logging_setup import configure_cli_logging
from engagement.errors import DomainError
from schedules.jobs import JOBS
from storage.db import make_engine, sqlite_file
from storage.migrate import alembic_config, upgrade

logger = logging.getLogger("aplauso.cli")


def main(argv: Sequence[str] | None = None) -> int:
    lang = interface_language()
    args = build_parser(tuple(JOBS), lang).parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    try:
        settings = load_settings()
    except ConfigError as error:
        if args.command == "doctor":
            return _doctor(error)
        print(f"aplauso: {error.message(lang)}", file=sys.stderr)
        return EXIT_USAGE
    if debug:
        settings = replace(settings, log_level="DEBUG")
    configure_cli_logging(settings.log_level, serving=args.command == "serve")
    try:
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the one place every failure becomes one line
        return _fail(error, settings, settings.log_level == "DEBUG")


def _fail(error: Exception, settings: Settings, debug: bool) -> int:
    lang = settings.language
    code = EXIT_ERROR
    if isinstance(error, ConfigError):
        line, code = error.message(lang), EXIT_USAGE
    elif isinstance(error, CliError):
        line, code = str(error), error.code
    elif isinstance(error, DomainError):
        line = t(lang, error.key, **error.params)
    else:
        line = describe(error, settings, lang) or t(
            lang, "cli.run.unexpected", error=f"{type(error).__name__}: {error}"[:200]
        )
    if debug:
        logger.debug("the failure in full", exc_info=error)
    print(f"aplauso: {line}", file=sys.stderr)
    return code


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """argparse has already refused anything else, so every branch below is reachable."""
    command = args.command
    if command == "serve":
        return commands.serve(
            settings, port=args.port, no_scheduler=args.no_scheduler, workers=args.workers
        )
    if command == "demo":
        return commands.demo(settings, out=args.out)
    if command == "doctor":
        return _doctor(settings)
    if command == "db":
        return _db_upgrade(settings)
    if command == "jobs":
        return commands.run_job(settings, args.name, args.at)
    if command == "team":
        return _team(args, settings)
    return commands.admin(settings, args.admin_command, getattr(args, "user", None))


def _team(args: argparse.Namespace, settings: Settings) -> int:
    action = args.team_command
    if action == "list":
        return commands.team_list(settings, as_json=args.json)
    if action == "show":
        return commands.team_show(settings, args.name)
    if action == "remove":
        return commands.team_remove(settings, args.name, force=args.force)
    return commands.team_set(
        settings,
        TeamRequest(
            name=args.name,
            manager=args.manager,
            members=args.members,
            usergroup=args.usergroup,
            add_members=args.add_members,
            remove_members=args.remove_members,
            channel=args.channel,
            no_channel=args.no_channel,
            served_by=args.served_by,
            no_served_by=args.no_served_by,
        ),
    )


def _pending(engine: Engine) -> tuple[str | None, list[str]]:
    """(current revision, revisions not applied yet), read without changing anything."""
    from alembic.runtime.migration import MigrationContext  # only `db upgrade` needs Alembic
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    pending = [rev.revision for rev in script.iterate_revisions("heads", current)]
    return current, pending


def _db_upgrade(settings: Settings) -> int:
    lang = settings.language
    engine = make_engine(settings.database_url)
    try:
        _, pending = _pending(engine)
        upgrade(engine)
        current, _ = _pending(engine)
    finally:
        engine.dispose()
    if pending:
        print(
            t(lang, "cli.db.applied", count=len(pending))
            + " "
            + t(lang, "cli.db.now_at", revision=current)
        )
    else:
        print(t(lang, "cli.db.up_to_date", revision=current))
    return 0


def database_state(settings: Settings) -> DatabaseState:
    """For the doctor: never creates an SQLite file that is not there yet."""
    file = sqlite_file(settings.database_url)
    if file is not None:
        path = Path(file).expanduser().absolute()
        if not path.exists():
            return DatabaseState(
                problem=t(settings.language, "cli.doctor.no_sqlite_file", path=path)
            )
    engine = make_engine(settings.database_url)
    try:
        current, pending = _pending(engine)
    except SQLAlchemyError as error:
        return DatabaseState(problem=describe(error, settings, settings.language))
    finally:
        engine.dispose()
    return DatabaseState(revision=current, pending=len(pending))


def _doctor(settings: Settings | ConfigError) -> int:
    report = run_doctor(settings, database_state)
    for line in report.render():
        print(line)
    return EXIT_ERROR if report.failures else 0
