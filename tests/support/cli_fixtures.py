"""Fixtures for the tests that run `aplauso` as a real process (registered in `tests/conftest.py`):
the demo workspace's fake Slack, and the clean environment a process gets. A test module that
needs another Slack (no rate limits, a different workspace) defines its own `fake`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.fake_slack import FakeSlack
from tests.support.cli_runner import cli_env, demo_slack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with demo_slack() as slack:
        yield slack


@pytest.fixture
def env(fake: FakeSlack, database_url: str, tmp_path: Path) -> dict[str, str]:
    return cli_env(fake, database_url, tmp_path)
