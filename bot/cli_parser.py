"""The `aplauso` argument parser: every command and option with its help, in the admin's language."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn

from bot.i18n import t

EXIT_USAGE = 2


def aplauso_version() -> str:
    try:
        return version("aplauso")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class OneLineParser(argparse.ArgumentParser):
    """argparse prints a multi-line usage on errors; the contract asks for one clear line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


class _Texts:
    """Help texts from the catalog; `lang` is the admin's shell language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        return t(self.lang, f"cli.help.{key}", **params)


def _iso_moment(lang: str) -> Any:
    def parse(text: str) -> datetime:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(t(lang, "cli.args.at", value=text)) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    return parse


def _counting_number(lang: str, error_key: str, most: int) -> Any:
    """A whole number from 1 to `most`; anything else is the one-line error `error_key`."""

    def parse(text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= most:
            raise argparse.ArgumentTypeError(t(lang, error_key, value=text))
        return int(text)

    return parse


def id_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _command(
    commands: Any, name: str, text: _Texts, key: str, common: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    """A sub-command whose help page starts with the same sentence the parent list shows."""
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=text(key), description=text(key), parents=[common]
    )
    return parser


def _group(commands: Any, name: str, text: _Texts, key: str) -> Any:
    parser = commands.add_parser(name, help=text(key), description=text(key))
    return parser.add_subparsers(dest=f"{name}_command", required=True, parser_class=OneLineParser)


def _team_set(team: Any, text: _Texts, common: argparse.ArgumentParser) -> None:
    team_set = _command(team, "set", text, "team_set", common)
    team_set.add_argument("name", help=text("team_name"))
    team_set.add_argument("--manager", metavar="PERSON", help=text("manager"))
    source = team_set.add_mutually_exclusive_group()
    source.add_argument("--members", type=id_list, metavar="PEOPLE", help=text("members"))
    source.add_argument("--usergroup", metavar="GROUP", help=text("usergroup"))
    for flag in ("add", "remove"):
        team_set.add_argument(
            f"--{flag}-members",
            type=id_list,
            default=[],
            metavar="PEOPLE",
            help=text(f"{flag}_members"),
        )
    channel = team_set.add_mutually_exclusive_group()
    channel.add_argument("--channel", metavar="CHANNEL", help=text("channel"))
    channel.add_argument("--no-channel", action="store_true", help=text("no_channel"))
    served = team_set.add_mutually_exclusive_group()
    served.add_argument("--served-by", type=id_list, metavar="TEAMS", help=text("served_by"))
    served.add_argument("--no-served-by", action="store_true", help=text("no_served_by"))


def _team(commands: Any, text: _Texts, common: argparse.ArgumentParser) -> None:
    team = _group(commands, "team", text, "team")
    _team_set(team, text, common)
    _command(team, "list", text, "team_list", common).add_argument(
        "--json", action="store_true", help=text("json")
    )
    _command(team, "show", text, "team_show", common).add_argument("name", help=text("team_name"))
    remove = _command(team, "remove", text, "team_remove", common)
    remove.add_argument("name", help=text("team_name"))
    remove.add_argument("--force", action="store_true", help=text("force"))


def _admin(commands: Any, text: _Texts, common: argparse.ArgumentParser) -> None:
    admin = _group(commands, "admin", text, "admin")
    _command(admin, "add", text, "admin_add", common).add_argument("user", help=text("user"))
    _command(admin, "remove", text, "admin_remove", common).add_argument("user", help=text("user"))
    _command(admin, "list", text, "admin_list", common)


def build_parser(job_names: tuple[str, ...], lang: str = "en") -> argparse.ArgumentParser:
    text = _Texts(lang)
    parser = OneLineParser(prog="aplauso", description=text("aplauso"))
    parser.add_argument(
        "--version", action="version", version=f"aplauso {aplauso_version()}", help=text("version")
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=text("debug")
    )
    parser.add_argument("--debug", action="store_true", default=False, help=text("debug"))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    serve = _command(commands, "serve", text, "serve", common)
    serve.add_argument(
        "--port", type=_counting_number(lang, "cli.args.port", 65535), help=text("port")
    )
    serve.add_argument("--no-scheduler", action="store_true", help=text("no_scheduler"))
    serve.add_argument(
        "--workers", type=_counting_number(lang, "cli.args.workers", 64), help=text("workers")
    )

    demo = _command(commands, "demo", text, "demo", common)
    demo.add_argument("--out", type=Path, default=Path("demo-out"), help=text("out"))

    _command(commands, "doctor", text, "doctor", common)

    db = _group(commands, "db", text, "db")
    _command(db, "upgrade", text, "db_upgrade", common)

    jobs = _group(commands, "jobs", text, "jobs")
    run = _command(jobs, "run", text, "jobs_run", common)
    run.add_argument("name", choices=job_names, help=text("job_name"))
    run.add_argument("--at", type=_iso_moment(lang), help=text("at"))

    _team(commands, text, common)
    _admin(commands, text, common)
    return parser
