"""Every failure an admin can meet around Aplauso is one line that says what is wrong and how
to fix it, with a non-zero exit and no traceback: the database, the port, the file system,
Slack unreachable or refusing the token, a missing scope. `--debug` adds the traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from sandbox.manifest import AppManifest, find_manifest
from tests.support.cli_runner import (
    aplauso,
    cli_env,
    demo_slack,
    free_port,
    one_line_failure,
    read_only,
)
from tests.support.databases import configured_url, is_postgres

ADMIN_COMMANDS = (
    ("serve",),
    ("db", "upgrade"),
    ("team", "list"),
    ("team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO"),
    ("doctor",),
)


def failing(*args: str, env: dict[str, str], prefix: tuple[str, ...] = ()) -> str:
    """The one line a failing command printed (doctor prints its report on stdout instead)."""
    result = aplauso(*args, env=env, prefix=prefix)
    if args[0] == "doctor":
        assert result.returncode == 1
        assert "Traceback" not in result.stdout + result.stderr
        return next(line for line in result.stdout.splitlines() if line.startswith("FAIL"))
    return one_line_failure(result)


@pytest.mark.parametrize("command", ADMIN_COMMANDS, ids=" ".join)
def test_postgresql_that_is_not_there_is_one_line(
    env: dict[str, str], command: tuple[str, ...]
) -> None:
    url = "postgresql+psycopg://aplauso:secret@127.0.0.1:1/aplauso"
    line = failing(*command, env={**env, "DATABASE_URL": url})
    assert "cannot reach PostgreSQL at 127.0.0.1:1" in line
    assert "is the server running" not in line.lower()  # the driver's own text stays out
    assert "secret" not in line


def postgres_url() -> str:
    url = configured_url()
    if url is None or not is_postgres(url):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgresql+psycopg://...")
    return url


@pytest.mark.postgres
def test_postgresql_refusing_the_login_is_one_line(env: dict[str, str]) -> None:
    url = make_url(postgres_url()).set(password="certainly-wrong")
    rendered = url.render_as_string(hide_password=False)
    for command in ADMIN_COMMANDS:
        line = failing(*command, env={**env, "DATABASE_URL": rendered})
        assert f"refused the login of user {url.username}" in line
        assert "certainly-wrong" not in line


@pytest.mark.postgres
def test_a_postgresql_database_that_does_not_exist_is_one_line(env: dict[str, str]) -> None:
    url = make_url(postgres_url()).set(database="aplauso_never_created")
    line = failing("db", "upgrade", env={**env, "DATABASE_URL": url.render_as_string(False)})
    assert "has no database aplauso_never_created" in line


@pytest.mark.parametrize("command", ADMIN_COMMANDS, ids=" ".join)
def test_an_sqlite_folder_that_does_not_exist_is_one_line(
    env: dict[str, str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = tmp_path / "nope"
    line = failing(*command, env={**env, "DATABASE_URL": f"sqlite:///{missing}/aplauso.db"})
    if command[0] == "doctor":
        assert "there is no database file" in line
    else:
        assert f"the folder {missing} for the SQLite database does not exist" in line


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "existing file"])
def test_an_sqlite_database_on_a_read_only_folder_is_one_line(
    env: dict[str, str], tmp_path: Path, existing: bool
) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    database = folder / "aplauso.db"
    if existing:
        assert (
            aplauso(
                "db", "upgrade", env={**env, "DATABASE_URL": f"sqlite:///{database}"}
            ).returncode
            == 0
        )
        (folder / "aplauso.db-wal").unlink(missing_ok=True)
        (folder / "aplauso.db-shm").unlink(missing_ok=True)
    prefix = read_only(folder)
    for command in ADMIN_COMMANDS[:3]:
        env_ro = {**env, "DATABASE_URL": f"sqlite:///{database}"}
        line = failing(*command, env=env_ro, prefix=prefix)
        assert "read-only" in line, line


def test_the_demo_in_a_read_only_folder_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    line = failing("demo", "--out", str(folder / "demo-out"), env=env, prefix=read_only(folder))
    assert f"cannot write {folder / 'demo-out'}" in line
    assert "--out" in line


def test_a_port_in_use_is_one_line(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = failing("serve", "--port", str(port), env=env)
    assert f"port {port} is already in use by another program" in line


@pytest.mark.parametrize(
    "command",
    [
        ("serve",),
        ("team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO"),
        ("admin", "add", "U22ISABEL"),
        ("jobs", "run", "pulse"),
        ("doctor",),
    ],
    ids=" ".join,
)
def test_slack_that_cannot_be_reached_is_one_line(
    env: dict[str, str], command: tuple[str, ...]
) -> None:
    line = failing(*command, env={**env, "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/"})
    assert "cannot reach Slack at http://127.0.0.1:" in line
    assert "Connection refused" in line


@pytest.mark.parametrize(
    "command",
    [
        ("serve",),
        ("team", "set", "IT", "--manager", "U16PRIYA", "--usergroup", "S0ITTEAM"),
        ("admin", "add", "U22ISABEL"),
        ("jobs", "run", "digest"),
        ("doctor",),
    ],
    ids=" ".join,
)
def test_a_token_slack_refuses_is_named_as_refused_not_unreachable(
    env: dict[str, str], command: tuple[str, ...]
) -> None:
    result = aplauso(*command, env={**env, "SLACK_BOT_TOKEN": "xoxb-your-bot-token"})
    line = failing(*command, env={**env, "SLACK_BOT_TOKEN": "xoxb-your-bot-token"})
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in line
    assert "OAuth & Permissions" in line
    assert "users.info failed" not in result.stderr  # no stray log line before it


def test_serve_refuses_to_start_when_a_scope_of_the_manifest_is_missing(
    database_url: str, tmp_path: Path
) -> None:
    found = find_manifest()
    assert found is not None
    scopes = [s for s in AppManifest.load(found).bot_scopes if s != "usergroups:read"]
    with demo_slack(scopes=scopes) as fake:
        line = failing("serve", env=cli_env(fake, database_url, tmp_path))
    assert "lacks the scopes usergroups:read" in line
    assert "reinstall the app" in line


def test_socket_mode_with_an_app_token_slack_refuses_does_not_start(env: dict[str, str]) -> None:
    line = failing("serve", env={**env, "SLACK_APP_TOKEN": "xapp-1-not-the-right-one"})
    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in line
    assert "connections:write" in line


def test_errors_speak_the_admins_language(env: dict[str, str]) -> None:
    spanish = {**env, "LANG": "es_ES.UTF-8", "SLACK_BOT_TOKEN": "xoxb-nope"}
    line = failing(
        "team", "set", "IT", "--manager", "U16PRIYA", "--members", "U17PABLO", env=spanish
    )
    assert "Slack rechazó SLACK_BOT_TOKEN (invalid_auth)" in line


def test_debug_adds_the_traceback_to_the_log_and_keeps_the_line(env: dict[str, str]) -> None:
    url = "postgresql+psycopg://aplauso:secret@127.0.0.1:1/aplauso"
    for args, extra in (
        (("--debug", "team", "list"), {}),
        (("team", "list"), {"APLAUSO_LOG_LEVEL": "DEBUG"}),
    ):
        result = aplauso(*args, env={**env, "DATABASE_URL": url, **extra})
        assert result.returncode == 1
        assert "Traceback" in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("aplauso: cannot reach PostgreSQL")


def test_the_module_entry_point_behaves_like_the_console_script(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("aplauso ")
