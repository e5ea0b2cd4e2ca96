"""slack-sdk's loggers: quiet whatever the level asked, and set where slack-sdk looks.

slack-sdk decides whether to format a debug line of a call (its body and headers) by its module
logger's own level, not the effective one. A level left unset reads 0 there, so every call
built that line and logging then dropped it: measurable CPU on every kudos.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import slack_sdk

from bot.logging_setup import SLACK_SDK_LOGGERS, configure_cli_logging, configure_logging


@pytest.fixture(autouse=True)
def _restore_levels() -> Iterator[None]:
    names = [*SLACK_SDK_LOGGERS, "slack_bolt", "aplauso", "aplauso.bolt", "urllib3", "apscheduler"]
    levels = {name: logging.getLogger(name).level for name in names}
    root = logging.getLogger()
    handlers, root_level = list(root.handlers), root.level
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    root.handlers[:] = handlers
    root.setLevel(root_level)


def _modules_that_ask_their_own_level() -> set[str]:
    """The synchronous slack-sdk modules our clients run whose own logger's `level` is read
    (helpers that take a client's logger read that one)."""
    package = Path(slack_sdk.__file__).parent
    found = set()
    for source in [*package.glob("web/*.py"), *package.glob("webhook/*.py")]:
        if source.stem.startswith(("async", "legacy")):
            continue
        text = source.read_text()
        if "getLogger(__name__)" in text and re.search(r"logger\.level <= logging\.DEBUG", text):
            found.add(f"slack_sdk.{source.parent.name}.{source.stem}")
    return found


def test_every_slack_sdk_module_that_asks_its_own_level_is_listed() -> None:
    asking = _modules_that_ask_their_own_level()
    assert asking, "slack-sdk changed how it decides to log: read it again"
    assert asking <= set(SLACK_SDK_LOGGERS)


@pytest.mark.parametrize(
    ("configure", "expected"),
    [
        (lambda: configure_logging("DEBUG"), logging.WARNING),  # `serve`, the chattiest
        (lambda: configure_logging("INFO"), logging.WARNING),
        (lambda: configure_cli_logging("INFO", serving=False), logging.CRITICAL),  # admin commands
        (lambda: configure_cli_logging("DEBUG", serving=False), logging.WARNING),
    ],
)
def test_slack_sdk_loggers_carry_the_level_themselves(
    configure: Callable[[], None], expected: int
) -> None:
    for name in SLACK_SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    configure()
    assert {name: logging.getLogger(name).level for name in SLACK_SDK_LOGGERS} == dict.fromkeys(
        SLACK_SDK_LOGGERS, expected
    )
