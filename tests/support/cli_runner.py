"""Running `aplauso` as outside tests and admins do: a process of its own, a clean environment."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from tests.support import cli_forkserver

ROOT = Path(__file__).resolve().parent.parent.parent
SIGNING_SECRET = "cli-test-secret"
SECRET_KEY = Fernet.generate_key().decode()


def aplauso(
    *args: str, env: dict[str, str], timeout: float = 60, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in the environment's folder (no .env there, unless a test puts one).

    A process of its own, forked from one that has imported the app already
    (`cli_forkserver`); under a `prefix` (a wrapper command), or with variables only a fresh
    interpreter reads, a fresh interpreter."""
    cwd = env.get("APLAUSO_TEST_CWD", str(ROOT))
    if not prefix and cli_forkserver.can_fork_for(env):
        return cli_forkserver.run(list(args), env=env, cwd=cwd, timeout=timeout)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def demo_slack(**options: object) -> Iterator[FakeSlack]:
    """The fake Slack with the demo workspace in it."""
    with FakeSlack(**options) as fake:  # type: ignore[arg-type]
        demo_workspace.seed(fake)
        yield fake


def cli_env(fake: FakeSlack, database_url: str, folder: Path) -> dict[str, str]:
    """A clean environment pointed at the fake Slack and a fresh database."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "APLAUSO_TEST_CWD": str(folder),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": fake.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "APLAUSO_SECRET_KEY": SECRET_KEY,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
    }


def one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    """The failure's line, once it is proven to be exactly one line and no traceback."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("aplauso: "), result.stderr
    return result.stderr.strip()


def read_only(folder: Path) -> tuple[str, ...]:
    """A command prefix under which `folder` is read-only, as on a read-only volume.

    Root ignores file modes, so as root the folder is bind-mounted read-only in a private
    mount namespace of that one process (nothing outside it sees the mount); anyone else
    gets a folder without write permission."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return ()
    assert shutil.which("unshare"), "unshare (util-linux) is needed to test read-only folders"
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && exec "$@"'
    return ("unshare", "--mount", "sh", "-c", script, str(folder))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health(port: int, timeout: float = 30) -> tuple[int, bytes] | None:
    """Polls /healthz until the server answers (any status) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                return int(r.status), r.read()
        except urllib.error.HTTPError as error:
            with error:
                return int(error.code), error.read()
        except OSError:
            time.sleep(0.05)
    return None
