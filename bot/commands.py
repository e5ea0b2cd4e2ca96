"""What each CLI command does, kept apart from argument parsing: build the services, call one,
print the outcome in the admin's language."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slack_sdk import WebClient

from bot.cli_refs import References
from bot.config import Settings
from bot.failures import describe
from bot.i18n import t
from bot.slack_checks import require_ready
from bot.slack_client import make_web_client
from bot.wiring import build_runtime, build_services, open_database, refuse_inside_transaction
from engagement.clock import system_clock
from engagement.services import Services
from engagement.teams import TeamChange, TeamChanged, TeamSummary

EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A failure to report as one line; `code` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.code = code


def serve(
    settings: Settings, *, port: int | None, no_scheduler: bool, workers: int | None = None
) -> int:
    from bot.wiring import serve as run_server

    chosen = settings.port if port is None else port
    try:
        return run_server(settings, port=chosen, with_scheduler=not no_scheduler, workers=workers)
    except OSError as error:  # the port, named; other OS errors keep their own line
        line = describe(error, settings, settings.language, port=chosen)
        raise CliError(line or str(error)) from error


def demo(settings: Settings, *, out: Path) -> int:
    from bot.demo import run_demo
    from bot.demo_output import NotTheDemosFile

    try:
        return int(run_demo(out=out))
    except NotTheDemosFile as error:
        raise CliError(t(settings.language, "cli.demo.not_ours", path=error.path)) from None


def run_job(settings: Settings, name: str, at: datetime | None) -> int:
    if not settings.slack_bot_token:
        raise CliError(t(settings.language, "cli.slack.no_token", method=name), code=EXIT_USAGE)
    database = open_database(settings)
    moment = at or system_clock()
    runtime = build_runtime(settings, database, clock=lambda: moment)
    try:
        require_ready(runtime.client)
        report = runtime.run_job(name, moment)
        print(report.summary(name))
    finally:
        database.dispose()
    if report.failed:  # non-zero, so cron and CI see it; the line says why and what happens next
        line = t(settings.language, "cli.deliveries.failed", count=report.failed, why=report.why())
        raise CliError(line)
    return 0


class SlackGate:
    """The CLI's Slack guard: a token is needed only once Slack must be asked, and the first
    call is preceded by auth.test, so a refused token or a missing scope is named exactly."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.client: WebClient | None = None
        self._checked = False

    def __call__(self, method: str) -> None:
        if not self._settings.slack_bot_token:
            raise CliError(t(self._settings.language, "cli.slack.no_token", method=method))
        refuse_inside_transaction(method)
        if not self._checked and self.client is not None:
            self._checked = True
            require_ready(self.client)


@dataclass(frozen=True)
class Session:
    services: Services
    refs: References
    lang: str


@contextmanager
def session(settings: Settings) -> Iterator[Session]:
    database = open_database(settings)
    gate = SlackGate(settings)
    client = make_web_client(settings, guard=gate)
    gate.client = client
    services = build_services(settings, database, client, system_clock)
    try:
        yield Session(services, References(services, client), settings.language)
    finally:
        database.dispose()


@dataclass(frozen=True)
class TeamRequest:
    """`aplauso team set` as typed: references still unresolved, None for "not given"."""

    name: str
    manager: str | None = None
    channel: str | None = None
    no_channel: bool = False
    members: Sequence[str] | None = None
    usergroup: str | None = None
    add_members: Sequence[str] = ()
    remove_members: Sequence[str] = ()
    served_by: Sequence[str] | None = None
    no_served_by: bool = False

    @property
    def changes_nothing(self) -> bool:
        return (
            not (self.manager or self.members is not None or self.usergroup or self.add_members)
            and not (self.remove_members or self.channel or self.no_channel)
            and not (self.served_by is not None or self.no_served_by)
        )


def _change(request: TeamRequest, refs: References) -> TeamChange:
    """Names become ids (and channels are checked) before the service is asked."""
    return TeamChange(
        name=request.name,
        manager_id=refs.person(request.manager) if request.manager else None,
        member_ids=None if request.members is None else refs.people(request.members),
        usergroup_id=refs.usergroup(request.usergroup) if request.usergroup else None,
        add_member_ids=refs.people(request.add_members),
        remove_member_ids=refs.people(request.remove_members),
        channel_id=""
        if request.no_channel
        else (request.channel and refs.channel(request.channel)),
        served_by=() if request.no_served_by else request.served_by,
    )


def team_set(settings: Settings, request: TeamRequest) -> int:
    lang = settings.language
    if request.changes_nothing:
        raise CliError(t(lang, "cli.team.nothing_to_change", team=request.name), EXIT_USAGE)
    with session(settings) as cli:
        result = cli.services.teams.change_team(_change(request, cli.refs))
    print(_changed_line(result, lang))
    return 0


def _changed_line(result: TeamChanged, lang: str) -> str:
    key = "cli.team.created" if result.created else "cli.team.updated"
    line = t(lang, key, team=team_line(result.team, lang))
    if result.skipped_ids:
        line += " " + t(lang, "cli.team.skipped", count=len(result.skipped_ids))
    return line


def team_line(team: TeamSummary, lang: str) -> str:
    extras = []
    if team.channel_id:
        extras.append(t(lang, "cli.team.channel", channel=team.channel_id))
    if team.usergroup_id:
        extras.append(t(lang, "cli.team.usergroup", usergroup=team.usergroup_id))
    if team.served_by:
        extras.append(t(lang, "cli.team.served_by", teams=", ".join(team.served_by)))
    members = t(lang, "cli.team.members", count=len(team.member_ids))
    line = t(
        lang,
        "cli.team.line",
        name=team.name,
        manager=team.manager_name,
        manager_id=team.manager_id,
        members=members,
    )
    return line + "".join(f"; {extra}" for extra in extras)


def team_list(settings: Settings, *, as_json: bool) -> int:
    with session(settings) as cli:
        teams = cli.services.teams.list_teams()
    if as_json:
        print(json.dumps([_team_json(team) for team in teams], indent=2, ensure_ascii=False))
        return 0
    if not teams:
        print(t(settings.language, "cli.team.none"))
    for team in teams:
        print(team_line(team, settings.language))
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


def team_show(settings: Settings, name: str) -> int:
    lang = settings.language
    with session(settings) as cli:
        details = cli.services.teams.team(name)
    team, none = details.summary, t(lang, "cli.team.show.none")
    members = ", ".join(f"{label} ({uid})" for uid, label in details.members)
    lines = [
        t(lang, "cli.team.show.title", name=team.name),
        t(lang, "cli.team.show.manager", manager=team.manager_name, manager_id=team.manager_id),
        t(lang, "cli.team.show.members", count=len(team.member_ids), members=members or none),
        t(lang, "cli.team.show.channel", channel=team.channel_id or none),
        t(lang, "cli.team.show.usergroup", usergroup=team.usergroup_id or none),
        t(lang, "cli.team.show.served_by", teams=", ".join(team.served_by) or none),
        t(lang, "cli.team.show.rated_by", teams=", ".join(details.rated_by) or none),
    ]
    print("\n".join(lines))
    return 0


def team_remove(settings: Settings, name: str, *, force: bool) -> int:
    lang = settings.language
    with session(settings) as cli:
        removed = cli.services.teams.remove_team(name, force=force)
    members = t(lang, "cli.team.members", count=removed.member_count)
    line = t(lang, "cli.team.removed", team=removed.name, members=members)
    if removed.conversations:
        line += t(lang, "cli.team.removed_feedback", count=removed.conversations)
    print(line)
    return 0


def admin(settings: Settings, action: str, typed: str | None) -> int:
    lang = settings.language
    with session(settings) as cli:
        if action == "list":
            admins = cli.services.admin.list_admins()
            print(
                "\n".join(f"{label} ({uid})" for uid, label in admins) or t(lang, "cli.admin.none")
            )
            return 0
        assert typed is not None
        user_id = cli.refs.person(typed)
        if action == "add":
            changed = cli.services.admin.add_admin(user_id)
            key = "cli.admin.added" if changed else "cli.admin.already"
        else:
            changed = cli.services.admin.remove_admin(user_id)
            key = "cli.admin.removed" if changed else "cli.admin.was_not"
    print(t(lang, key, user=user_id))
    return 0
