"""The tests' forked `aplauso` behaves as a fresh `python -m bot` does (tests/support/cli_forkserver.py):
same exit status, same output, nothing printed at start-up, a timeout that kills."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import cli_forkserver
from tests.support.cli_runner import free_port


def _fresh(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=env["APLAUSO_TEST_CWD"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--version"],
        ["team", "list"],
        ["team", "set", "Sales", "--manager", "UNOBODY", "--members", "U02ANA"],
        ["no-such-command"],
        [],
    ],
    ids=["version", "a listing", "a refused change", "an unknown command", "no command"],
)
def test_a_forked_command_answers_exactly_as_a_fresh_interpreter(
    env: dict[str, str], args: list[str]
) -> None:
    assert cli_forkserver.can_fork_for(env)
    forked = cli_forkserver.run(args, env=env, cwd=env["APLAUSO_TEST_CWD"], timeout=60)
    fresh = _fresh(args, env)
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        fresh.returncode,
        fresh.stdout,
        fresh.stderr,
    )


def test_a_fresh_interpreter_prints_nothing_at_start_up(env: dict[str, str]) -> None:
    """The fork server refuses to serve if importing the app prints anything; a fresh
    `--version` shows the same: only the version, on stdout."""
    result = _fresh(["--version"], env)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("aplauso ")


def test_variables_read_only_at_start_up_get_a_fresh_interpreter(env: dict[str, str]) -> None:
    for name in ("PYTHONHASHSEED", "TZ", "MALLOC_ARENA_MAX", "LD_PRELOAD"):
        assert not cli_forkserver.can_fork_for({**env, name: "1"})
    assert not cli_forkserver.can_fork_for({**env, "PYTHONPATH": "/elsewhere"})


def test_a_command_past_its_timeout_is_killed(env: dict[str, str], tmp_path: Path) -> None:
    """`serve` runs until stopped: past the timeout it is killed and the caller told, as
    subprocess.run does."""
    serve = ["serve", "--port", str(free_port()), "--no-scheduler"]
    with pytest.raises(subprocess.TimeoutExpired):
        cli_forkserver.run(serve, env=env, cwd=str(tmp_path), timeout=3)
