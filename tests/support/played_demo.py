"""One `aplauso demo` per test run for every test that only reads what it showed.

A demo run takes half a minute; the tests that read its transcript, Slack calls and digests
share one run. With pytest-xdist the first worker that needs it plays it into the run's shared
temporary folder while the others wait on a file lock, then all read the same files. The folder
already holds someone else's files (`THEIRS`) when the demo plays into it, for the test that the
demo never touches what it did not write.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from bot.demo import run_demo

#: Files that were in the folder before the demo played into it, and their text.
THEIRS = {
    "charts/q3-sales.txt": "quarterly numbers",
    "slack-calls/notes.md": "keep me",
    "README.md": "my own folder",
}


class PlayedDemo(NamedTuple):
    out: Path
    printed: str

    @property
    def transcript(self) -> str:
        return (self.out / "transcript.txt").read_text()

    def slack_calls(self) -> list[dict[str, Any]]:
        """Every Web API call the app made, in order."""
        calls = sorted((self.out / "slack-calls").glob("*.json"))
        return [json.loads(path.read_text()) for path in calls]


@pytest.fixture(scope="session")
def played_demo(tmp_path_factory: pytest.TempPathFactory) -> PlayedDemo:
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's
    out, printed = shared / "played-demo", shared / "played-demo.printed"
    with (shared / "played-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.exists():
            for name, text in THEIRS.items():
                (out / name).parent.mkdir(parents=True, exist_ok=True)
                (out / name).write_text(text)
            stream = io.StringIO()
            assert run_demo(out=out, stream=stream) == 0
            printed.write_text(stream.getvalue())
    return PlayedDemo(out, printed.read_text())
