"""The README holds: every `aplauso` command in it parses as shown, and it links nothing outside
the repository."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bot.cli_parser import build_parser
from schedules.jobs import JOBS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)


def aplauso_commands(markdown: str) -> list[list[str]]:
    """Each `aplauso ...` invocation in the README's shell blocks, as its argument list."""
    commands = []
    for block in shell_blocks(markdown):
        for line in block.splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                for index, word in enumerate(words):
                    if word.endswith("bin/aplauso") or (index == 0 and word == "aplauso"):
                        commands.append(words[index + 1 :])
                        break
    return commands


def test_the_readme_opens_with_the_demo_and_the_tests() -> None:
    first, second = shell_blocks(README)[:2]
    assert "aplauso demo" in first
    assert "pytest" in second


@pytest.mark.parametrize("argv", aplauso_commands(README), ids=" ".join)
def test_every_command_in_the_readme_parses(argv: list[str]) -> None:
    build_parser(tuple(JOBS)).parse_args(argv)


def test_the_readme_names_several_commands() -> None:
    names = {argv[0] for argv in aplauso_commands(README)}
    assert {"demo", "team", "admin", "db", "serve"} <= names


def test_a_wrong_command_would_be_caught() -> None:
    with pytest.raises(SystemExit):
        build_parser(tuple(JOBS)).parse_args(["team", "set", "IT", "--nope"])


def test_links_stay_inside_the_repository() -> None:
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = document.read_text()
        assert "../" not in text, document.name
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if not target.startswith(("http://", "https://", "mailto:")):
                assert (document.parent / target).exists(), (document.name, target)
