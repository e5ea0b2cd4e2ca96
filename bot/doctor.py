"""`aplauso doctor`: checks the installation end to end, one line per check, a fix for each
failure, and a non-zero exit when anything fails.

It changes nothing: no migration is applied and no message is posted (opening a DM with a
manager posts nothing). Checks that depend on a failed one are skipped and say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from slack_sdk import WebClient

from bot.config import ConfigError, Settings
from bot.i18n import t
from bot.slack_checks import (
    SlackProblem,
    dm_problem,
    manifest_scopes,
    missing_scopes,
    require_app_token,
    require_channel,
    usergroup_size,
)
from bot.slack_client import make_web_client
from bot.wiring import build_services, open_database
from engagement.clock import system_clock
from engagement.teams import TeamSummary


@dataclass(frozen=True)
class DatabaseState:
    """What `cli.py` (the module allowed to ask storage) learned about the database."""

    problem: str | None = None
    revision: str | None = None
    pending: int = 0


class Status(Enum):
    """How one check ended; INFO is a fact worth knowing, never a failure."""

    OK = "ok"
    FAIL = "fail"
    INFO = "info"


@dataclass
class Report:
    lang: str
    lines: list[tuple[Status, str]] = field(default_factory=list)

    def add(self, status: Status, key: str, **params: object) -> None:
        self.lines.append((status, t(self.lang, key, **params)))

    def fail(self, what: str, problem: SlackProblem | str) -> None:
        text = problem if isinstance(problem, str) else problem.message(self.lang)
        self.lines.append((Status.FAIL, f"{what}: {text}"))

    @property
    def failures(self) -> int:
        return sum(status is Status.FAIL for status, _ in self.lines)

    def render(self) -> Iterator[str]:
        for status, text in self.lines:
            yield f"{t(self.lang, f'cli.doctor.mark_{status.value}'):<5} {text}"
        if self.failures:
            yield t(self.lang, "cli.doctor.failed", failed=self.failures, total=len(self.lines))
        else:
            yield t(self.lang, "cli.doctor.passed", total=len(self.lines))


def _settings(report: Report, settings: Settings) -> None:
    lang = report.lang
    mode = t(lang, "cli.doctor.socket_mode" if settings.socket_mode else "cli.doctor.http_mode")
    report.add(Status.OK, "cli.doctor.settings", mode=mode, port=settings.port)
    try:
        settings.require_for_serve()
    except ConfigError as error:
        if error.key != "secret_key_required":  # the key has its own line below
            report.fail(t(lang, "cli.doctor.serve_needs"), error.message(lang))


def _slack(report: Report, settings: Settings, client: WebClient) -> bool:
    """The token and its scopes; False when Slack cannot be asked anything else."""
    from bot.slack_checks import identify

    what = t(report.lang, "cli.doctor.token")
    if not settings.slack_bot_token:
        report.fail(what, t(report.lang, "cli.slack.no_token", method="auth.test"))
        return False
    try:
        identity = identify(client)
    except SlackProblem as problem:
        report.fail(what, problem)
        return False
    report.add(Status.OK, "cli.doctor.token_ok", bot=identity.bot_name, team=identity.workspace)
    missing = missing_scopes(identity)
    if identity.scopes is None:
        report.add(Status.INFO, "cli.doctor.scopes_unknown")
    elif missing:
        report.fail(what, SlackProblem("cli.slack.missing_scopes", scopes=", ".join(missing)))
    else:
        report.add(Status.OK, "cli.doctor.scopes_ok", count=len(manifest_scopes()))
    if settings.slack_app_token:
        try:
            require_app_token(settings)
            report.add(Status.OK, "cli.doctor.app_token_ok")
        except SlackProblem as problem:
            report.fail(t(report.lang, "cli.doctor.app_token"), problem)
    return True


def _database(report: Report, state: DatabaseState) -> bool:
    what = t(report.lang, "cli.doctor.database")
    if state.problem is not None:
        report.fail(what, state.problem)
        return False
    if state.pending:
        report.fail(what, t(report.lang, "cli.doctor.pending", count=state.pending))
        return False
    report.add(Status.OK, "cli.doctor.database_ok", revision=state.revision or "?")
    return True


def _secret_key(report: Report, settings: Settings) -> None:
    if settings.secret_key:
        report.add(Status.OK, "cli.doctor.secret_key_ok")
        return
    try:
        settings.require_secret_key()
    except ConfigError as error:
        report.fail(t(report.lang, "cli.doctor.secret_key"), error.message(report.lang))


def _channel(report: Report, client: WebClient, what: str, channel_id: str) -> None:
    try:
        require_channel(client, channel_id)
    except SlackProblem as problem:
        report.fail(what, problem)
        return
    report.add(Status.OK, "cli.doctor.channel_ok", what=what, channel=channel_id)


def _teams(report: Report, client: WebClient, teams: list[TeamSummary]) -> None:
    lang = report.lang
    if not teams:
        report.add(Status.INFO, "cli.doctor.no_teams")
        return
    for team in teams:
        if team.channel_id:
            _channel(
                report, client, t(lang, "cli.doctor.team_channel", team=team.name), team.channel_id
            )
    reachable = 0
    for manager_id, team_names in _managers(teams).items():
        refusal = dm_problem(client, manager_id)
        if refusal is None:
            reachable += 1
            continue
        what = t(lang, "cli.doctor.manager", manager=manager_id, teams=", ".join(team_names))
        report.fail(what, t(lang, refusal, user=manager_id, team=team_names[0]))
    if reachable:
        report.lines.append((Status.OK, t(lang, "cli.doctor.managers_ok", count=reachable)))
    for team in teams:
        if team.usergroup_id:
            _usergroup(report, client, team)


def _managers(teams: list[TeamSummary]) -> dict[str, list[str]]:
    managers: dict[str, list[str]] = {}
    for team in teams:
        managers.setdefault(team.manager_id, []).append(team.name)
    return managers


def _usergroup(report: Report, client: WebClient, team: TeamSummary) -> None:
    assert team.usergroup_id is not None
    size = usergroup_size(client, team.usergroup_id)
    if size is None:
        what = t(report.lang, "cli.doctor.usergroup", usergroup=team.usergroup_id, team=team.name)
        report.fail(what, t(report.lang, "cli.doctor.usergroup_gone", team=team.name))
    else:
        report.add(
            Status.OK,
            "cli.doctor.usergroup_ok",
            usergroup=team.usergroup_id,
            team=team.name,
            count=size,
        )


def run_doctor(
    settings: Settings | ConfigError, database_state: Callable[[Settings], DatabaseState]
) -> Report:
    """Every check, in the order an admin fixes things: settings, Slack, database, channels."""
    if isinstance(settings, ConfigError):
        report = Report("en")
        report.fail(t("en", "cli.doctor.settings_failed"), settings.message("en"))
        return report
    report = Report(settings.language)
    _settings(report, settings)
    client = make_web_client(settings)
    slack_ok = _slack(report, settings, client)
    database_ok = _database(report, database_state(settings))
    _secret_key(report, settings)
    if not slack_ok:
        report.add(Status.INFO, "cli.doctor.skipped_slack")
        return report
    if settings.kudos_channel:
        _channel(report, client, t(report.lang, "cli.doctor.kudos_channel"), settings.kudos_channel)
    else:
        report.add(Status.INFO, "cli.doctor.no_kudos_channel")
    if not database_ok:
        report.add(Status.INFO, "cli.doctor.skipped_database")
        return report
    database = open_database(settings, migrate=False)
    try:
        teams = build_services(settings, database, client, system_clock).teams.list_teams()
    finally:
        database.dispose()
    _teams(report, client, teams)
    return report
