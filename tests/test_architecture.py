"""The layers depend one way, and each rule here can be seen failing on a planted violation.

`docs/architecture.md` explains the layers; this file is what keeps the code honest to it.
Imports are read with `ast`, relative ones resolved, so `from ..storage import x` counts too.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "engagement", "storage", "schedules", "sandbox")
SLACK_LIBRARIES = ("slack_sdk", "slack_bolt")
ORM_LIBRARIES = ("sqlalchemy", "sqlmodel", "alembic")
ENVIRONMENT_READERS = {"environ", "getenv", "environb", "load_dotenv", "dotenv_values", "putenv"}
SLACK_MARKUP = ("<@", "<!", "<#")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _read_sources() -> list[tuple[str, str]]:
    return [
        (module_name(path), path.read_text())
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


SOURCES = _read_sources()
_TREES = {source: ast.parse(source) for _, source in SOURCES}
"""Parsed once, at collection: CPython 3.11 can raise a spurious "AST constructor recursion
depth mismatch" SystemError when `ast.parse` runs late in a long session."""


def parse(source: str) -> ast.Module:
    if source in _TREES:
        return _TREES[source]
    try:
        return ast.parse(source)
    except SystemError:
        return ast.parse(source)


def source_modules() -> Iterator[tuple[str, str]]:
    """(dotted module name, source) of every module of the app's packages, migrations aside."""
    yield from SOURCES


def imports_of(module: str, source: str, *, is_package: bool = False) -> list[tuple[str, int]]:
    """Every imported module's absolute dotted name, with its line; relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _within(name: str, *roots: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


@dataclass(frozen=True)
class ImportRule:
    """Modules matching `applies` must not import anything matching `forbidden`."""

    name: str
    applies: Callable[[str], bool]
    forbidden: tuple[str, ...]

    def violations(self, module: str, source: str) -> list[str]:
        if not self.applies(module):
            return []
        return [
            f"{module}:{line} imports {imported}"
            for imported, line in imports_of(module, source)
            if _within(imported, *self.forbidden)
        ]


def _service_modules() -> tuple[str, ...]:
    """Engagement modules that hold a service or the services' plumbing: views may not."""
    found = ["engagement.services", "engagement.ports"]
    for module, source in source_modules():
        if module.startswith("engagement.") and any(
            isinstance(node, ast.ClassDef) and node.name.endswith("Service")
            for node in ast.walk(parse(source))
        ):
            found.append(module)
    return tuple(found)


IMPORT_RULES = (
    ImportRule(
        "the domain knows nothing of Slack, SQL libraries, the scheduler or the layers above",
        lambda m: _within(m, "engagement"),
        ("bot", "schedules", "sandbox", *SLACK_LIBRARIES, *ORM_LIBRARIES, "apscheduler"),
    ),
    ImportRule(
        "storage knows nothing above it and nothing of Slack",
        lambda m: _within(m, "storage"),
        ("bot", "engagement", "schedules", "sandbox", *SLACK_LIBRARIES),
    ),
    ImportRule(
        "jobs call services only",
        lambda m: _within(m, "schedules"),
        ("storage", "bot", "sandbox", *SLACK_LIBRARIES, *ORM_LIBRARIES),
    ),
    ImportRule(
        "listeners, views and Slack adapters never touch storage or the jobs",
        lambda m: _within(m, "bot.listeners", "bot.views", "bot.adapters"),
        ("storage", "schedules", *ORM_LIBRARIES),
    ),
    ImportRule(
        "only bot/wiring.py and bot/cli.py put storage and the jobs together with the app",
        lambda m: _within(m, "bot") and m not in ("bot.wiring", "bot.cli"),
        ("storage", "schedules"),
    ),
    ImportRule(
        "the fake Slack is used by the demo and the tests only",
        lambda m: not _within(m, "sandbox", "bot.demo", "bot.demo_output"),
        ("sandbox",),
    ),
    ImportRule(
        "the fake Slack stands alone",
        lambda m: _within(m, "sandbox"),
        ("bot", "engagement", "storage", "schedules"),
    ),
)


def views_rule() -> ImportRule:
    return ImportRule(
        "views are pure: no service, no listener, no adapter, no Bolt",
        lambda m: _within(m, "bot.views"),
        (*_service_modules(), "bot.listeners", "bot.adapters", "slack_bolt"),
    )


@pytest.mark.parametrize("rule", [*IMPORT_RULES, views_rule()], ids=lambda rule: rule.name)
def test_imports_follow_the_layers(rule: ImportRule) -> None:
    offenders = [v for module, source in source_modules() for v in rule.violations(module, source)]
    assert offenders == []


PLANTED = [
    ("engagement.kudos", "from slack_sdk import WebClient"),
    ("engagement.kudos", "import sqlalchemy"),
    ("engagement.kudos", "from apscheduler.schedulers.background import BackgroundScheduler"),
    ("engagement.kudos", "from ..bot.views import kudos"),
    ("storage.repositories.kudos", "from engagement.kudos import KudosService"),
    ("schedules.jobs", "from storage.unit_of_work import Database"),
    ("schedules.jobs", "from ..storage import db"),
    ("bot.listeners.kudos", "from storage.unit_of_work import UnitOfWork"),
    ("bot.listeners.kudos", "from ...storage.unit_of_work import UnitOfWork"),
    ("bot.http_server", "from storage.db import HealthProbe"),
    ("bot.listeners.kudos", "from sandbox.fake_slack import FakeSlack"),
    ("sandbox.fake_slack", "from bot.config import Settings"),
]


@pytest.mark.parametrize(("module", "source"), PLANTED)
def test_each_import_rule_fails_on_a_planted_violation(module: str, source: str) -> None:
    assert any(rule.violations(module, source) for rule in IMPORT_RULES), (module, source)


def test_the_views_rule_fails_on_a_planted_service_import() -> None:
    assert views_rule().violations("bot.views.kudos", "from engagement.services import Services")
    assert views_rule().violations("bot.views.home", "from ..listeners import kudos")


def test_relative_imports_are_resolved() -> None:
    assert ("storage.db", 1) in imports_of("bot.listeners.kudos", "from ...storage import db")
    assert ("bot.views.blocks", 1) in imports_of("bot.views.kudos", "from .blocks import x")


# ---- single owners ---------------------------------------------------------------------------


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read the process environment: os.environ/os.getenv or dotenv, however imported."""
    os_names = {"os"} | {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "os"
    }
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
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
        f"{module}:{line}"
        for module, source in source_modules()
        if module != "bot.config"
        for line in environment_reads(parse(source))
    ]
    assert offenders == []


def test_the_environment_check_sees_a_sneaky_read() -> None:
    assert environment_reads(ast.parse("import os\nos.environ.get('X')")) == [2]
    assert environment_reads(ast.parse("import os as _os\n_os.getenv('X')")) == [2]
    assert environment_reads(ast.parse("from os import getenv")) == [1]


def calls_to(tree: ast.AST, name: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


SINGLE_OWNERS = {"WebClient": "bot.slack_client", "create_engine": "storage.db"}


@pytest.mark.parametrize(("constructor", "owner"), SINGLE_OWNERS.items())
def test_one_module_builds_each_connection(constructor: str, owner: str) -> None:
    offenders = [
        f"{module}:{line}"
        for module, source in source_modules()
        if module != owner and not module.startswith("sandbox")
        for line in calls_to(parse(source), constructor)
    ]
    assert offenders == []


def test_the_single_owner_check_sees_a_second_client() -> None:
    assert calls_to(
        ast.parse("from slack_sdk import WebClient\nc = WebClient(token='x')"), "WebClient"
    )
    assert calls_to(ast.parse("import sqlalchemy\nsqlalchemy.create_engine('x')"), "create_engine")


# ---- Slack payloads stay in bot/ ---------------------------------------------------------------


def slack_markup(source: str) -> list[int]:
    """Lines of string constants holding Slack's mention syntax: parsing it is bot/'s job."""
    return [
        node.lineno
        for node in ast.walk(parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(mark in node.value for mark in SLACK_MARKUP)
    ]


def test_slack_markup_never_reaches_the_domain_or_storage() -> None:
    offenders = [
        f"{module}:{line}"
        for module, source in source_modules()
        if _within(module, "engagement", "storage", "schedules")
        for line in slack_markup(source)
    ]
    assert offenders == []


def test_the_markup_check_sees_a_mention_in_an_f_string() -> None:
    assert slack_markup('user = "U1"\ntext = f"<@{user}>"') == [2]
    assert slack_markup("pattern = r'<!subteam\\^(\\w+)'") == [1]
