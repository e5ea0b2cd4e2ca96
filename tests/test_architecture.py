"""The layers depend one way (DESIGN.md §2) and only bot/config.py reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("bot", "engagement", "storage", "schedules", "sandbox")
ALLOWED = {
    "bot": {"bot", "engagement", "storage", "schedules", "sandbox"},
    "schedules": {"schedules", "engagement", "storage"},
    "engagement": {"engagement", "storage"},
    "storage": {"storage"},
    "sandbox": {"sandbox"},
}
ENVIRONMENT_READERS = {"environ", "getenv", "environb", "load_dotenv", "dotenv_values", "putenv"}


def python_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def imported_layers(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_the_layers_below_it(layer: str) -> None:
    offenders = []
    for path in python_files(layer):
        for imported in imported_layers(ast.parse(path.read_text(), str(path))):
            if imported not in ALLOWED[layer]:
                offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert offenders == []


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read the process environment: os.environ/os.getenv or dotenv, however imported."""
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in ENVIRONMENT_READERS
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module in ("os", "dotenv"):
            if any(alias.name in ENVIRONMENT_READERS for alias in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.Import) and any(a.name == "dotenv" for a in node.names):
            lines.append(node.lineno)
    return lines


def test_nothing_but_bot_config_reads_the_environment() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for layer in LAYERS
        for path in python_files(layer)
        if path != ROOT / "bot" / "config.py"
        for line in environment_reads(ast.parse(path.read_text(), str(path)))
    ]
    assert offenders == []


def test_the_environment_check_sees_a_sneaky_read() -> None:
    assert environment_reads(ast.parse("import os\nos.environ.get('X')")) == [2]
    assert environment_reads(ast.parse("from os import getenv")) == [1]


def test_slack_payloads_never_reach_the_domain_layer() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for layer in ("engagement", "storage", "schedules")
        for path in python_files(layer)
        if "slack_sdk" in path.read_text() or "slack_bolt" in path.read_text()
    ]
    assert offenders == []
