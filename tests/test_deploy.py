"""What an admin deploys with: the Dockerfile, compose.yaml, .dockerignore and the LICENSE.

Docker itself is not available where the tests run, so the Dockerfile is linted with hadolint
(installed from PyPI with the dev extras) and its key lines are checked; compose.yaml is parsed
and checked for what the app needs. .ci/run builds the wheel and runs the demo from it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from bot.demo_output import CALLS_FOLDER, CHARTS_FOLDER, RECORD_NAME, TRANSCRIPT

ROOT = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, _, rest = line.partition(" ")
            found.append((name.upper(), " ".join(rest.split())))
    return found


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).with_name("hadolint"))
    assert Path(found).exists(), "hadolint comes with the dev extras: pip install -e '.[dev]'"
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    result = subprocess.run(
        [hadolint(), "--no-color", str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_slim_runs_as_a_user_and_checks_health() -> None:
    steps = instructions()
    bases = [args for name, args in steps if name == "FROM"]
    assert bases
    assert all(re.match(r"python:3\.1[1-9]-slim\b", base) for base in bases)
    final = steps[max(i for i, (name, _) in enumerate(steps) if name == "FROM") :]
    users = [args for name, args in final if name == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    [health] = [args for name, args in final if name == "HEALTHCHECK"]
    assert "/healthz" in health
    assert ("CMD", '["aplauso", "serve"]') in final
    assert ("EXPOSE", "3000") in final


def test_secrets_and_local_state_stay_out_of_the_build_context() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "*.db", "demo-out"} <= ignored


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_compose_runs_the_app_on_postgresql_with_secrets_from_env() -> None:
    services = compose()["services"]
    db, app = services["db"], services["app"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert app["build"] == "."
    assert app["env_file"] == ".env"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    url = app["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+psycopg://aplauso:${POSTGRES_PASSWORD}@db:5432/")
    assert "aplauso db upgrade" in " ".join(app["command"])  # migrations on every start
    assert "aplauso serve" in " ".join(app["command"])
    assert "pgdata" in compose()["volumes"]


def test_compose_demands_the_database_password_instead_of_a_default() -> None:
    password = compose()["services"]["db"]["environment"]["POSTGRES_PASSWORD"]
    assert password.startswith("${POSTGRES_PASSWORD:?")


def test_the_license_is_the_mit_license_pyproject_names() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]


def test_the_demo_folder_layout_is_documented() -> None:
    text = (ROOT / "docs" / "demo.md").read_text()
    for name in (TRANSCRIPT, f"{CALLS_FOLDER}/", f"{CHARTS_FOLDER}/", RECORD_NAME):
        assert f"`{name}" in text, name


def test_the_deployment_guide_covers_docker_postgresql_and_the_doctor() -> None:
    text = (ROOT / "docs" / "deploy.md").read_text()
    for topic in ("docker compose up", "createdb", "aplauso doctor", "pg_dump", "/healthz"):
        assert topic in text, topic
