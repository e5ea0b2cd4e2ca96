"""`aplauso doctor` checks the installation end to end: one line per check, a fix for each
failure, a non-zero exit when anything fails, and nothing changed by looking."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.slack_checks import manifest_scopes
from bot.slack_client import make_web_client
from bot.wiring import build_services, open_database
from engagement.clock import system_clock
from engagement.teams import TeamSpec
from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from tests.support.cli_runner import SECRET_KEY, aplauso, cli_env
from tests.support.databases import DatabaseFactory


def set_up(fake: FakeSlack, database_url: str, *teams: TeamSpec) -> None:
    """Teams as an admin sets them up (the CLI's own tests cover `aplauso team set`)."""
    settings = Settings(
        slack_bot_token=fake.bot_token, slack_api_url=fake.api_url, database_url=database_url
    )
    database = open_database(settings, migrate=False)
    services = build_services(settings, database, make_web_client(settings), system_clock)
    for spec in teams:
        services.teams.set_team(spec)
    database.dispose()


@pytest.fixture
def env(fake: FakeSlack, database_url: str, tmp_path: Path) -> dict[str, str]:
    """The demo workspace with its four teams, as the demo sets them up, and the kudos channel."""
    set_up(
        fake,
        database_url,
        *(
            TeamSpec(
                team.name,
                team.manager_id,
                () if team.usergroup_id else team.member_ids,
                channel_id=team.channel_id,
                usergroup_id=team.usergroup_id,
            )
            for team in demo_workspace.TEAMS
        ),
    )
    return {**cli_env(fake, database_url, tmp_path), "APLAUSO_KUDOS_CHANNEL": "C0KUDOS"}


def doctor(env: dict[str, str]) -> tuple[int, list[str]]:
    result = aplauso("doctor", env=env)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""
    return result.returncode, result.stdout.splitlines()


def failures(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("FAIL")]


def test_the_demo_workspace_passes_every_check(env: dict[str, str], fake: FakeSlack) -> None:
    calls_before = len(fake.calls)
    code, lines = doctor(env)
    assert code == 0, "\n".join(lines)
    assert failures(lines) == []
    text = "\n".join(lines)
    for expected in (
        "ok    settings: HTTP mode, port 3000",
        "ok    Slack token: accepted; the bot is @aplauso in workspace Sandbox",
        f"ok    Slack scopes: all {len(manifest_scopes())} scopes of app_manifest.yml are granted",
        "ok    database: reachable and up to date",
        "ok    secret key: APLAUSO_SECRET_KEY is set",
        "ok    kudos channel C0KUDOS: Aplauso is a member",
        "ok    channel of team Sales C0SALES: Aplauso is a member",
        "ok    managers: 4 managers can receive DMs from Aplauso",
        "ok    user group S0ITTEAM of team IT: found in Slack, members: 6",
    ):
        assert expected in text
    assert lines[-1].startswith("All ")
    assert lines[-1].endswith(" checks passed.")
    posted = [c.method for c in fake.calls[calls_before:] if c.method.startswith("chat.")]
    assert posted == []  # looking posts nothing


def test_each_failure_is_one_line_with_its_fix_and_the_exit_is_non_zero(
    env: dict[str, str], fake: FakeSlack, database_url: str
) -> None:
    ghosts = TeamSpec(
        "Ghosts", "U23DANIEL", ["U24CHLOE"], channel_id="C0RANDOM", usergroup_id="S0GONE"
    )
    set_up(fake, database_url, ghosts)
    fake.deactivate_user("U22ISABEL")
    env = {k: v for k, v in env.items() if k != "APLAUSO_SECRET_KEY"}
    code, lines = doctor({**env, "APLAUSO_KUDOS_CHANNEL": "G0LEADS"})
    assert code == 1
    found = failures(lines)
    assert len(found) == 5, "\n".join(lines)
    expected = [
        ("secret key: APLAUSO_SECRET_KEY is required", "Fernet.generate_key"),
        ("kudos channel: there is no channel G0LEADS", "invite @Aplauso"),
        ("channel of team Ghosts: Aplauso is not a member of channel C0RANDOM", "/invite @Aplauso"),
        ("manager U22ISABEL of Legal: U22ISABEL is deactivated", "--manager @someone"),
        ("user group S0GONE of team Ghosts: Slack has no such user group", "--usergroup @handle"),
    ]
    for (what, fix), line in zip(expected, found, strict=True):
        assert what in line
        assert fix in line
    assert lines[-1].startswith("Checks that failed: 5 of ")


def test_a_token_slack_refuses_skips_what_needs_slack(env: dict[str, str]) -> None:
    code, lines = doctor({**env, "SLACK_BOT_TOKEN": "xoxb-revoked"})
    assert code == 1
    [token] = failures(lines)
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in token
    assert any("not checked, because Slack could not be asked" in line for line in lines)


def test_a_database_that_is_not_migrated_says_how_to_migrate_it(
    env: dict[str, str], database_factory: DatabaseFactory
) -> None:
    empty = database_factory.empty_url()
    url = make_url(empty)
    if url.get_backend_name() == "sqlite":
        Path(str(url.database)).touch()  # an empty file, as a fresh volume would hold
    code, lines = doctor({**env, "DATABASE_URL": empty})
    assert code == 1
    [line] = failures(lines)
    assert "migrations are not applied yet; run `aplauso db upgrade`" in line
    assert "teams: not checked, because the database is not ready" in "\n".join(lines)
    again = doctor({**env, "DATABASE_URL": empty})
    assert again == (code, lines)  # the doctor looked, and migrated nothing


def test_settings_that_cannot_be_read_are_the_first_and_only_failure(env: dict[str, str]) -> None:
    code, lines = doctor({**env, "DATABASE_URL": "nonsense"})
    assert code == 1
    assert failures(lines) == [
        "FAIL  settings: DATABASE_URL is not a database URL SQLAlchemy understands: 'nonsense' "
        "(examples: sqlite:///aplauso.db, postgresql+psycopg://user:pass@host/db)"
    ]


def test_the_doctor_speaks_spanish_in_a_spanish_shell(env: dict[str, str]) -> None:
    code, lines = doctor({**env, "LANG": "es_ES.UTF-8", "APLAUSO_SECRET_KEY": SECRET_KEY})
    assert code == 0
    assert "ok    responsables: 4 responsables pueden recibir mensajes directos de Aplauso" in lines
    assert lines[-1].startswith("Las ")
    assert lines[-1].endswith(" comprobaciones están bien.")
