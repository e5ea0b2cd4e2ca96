"""Log format and levels: one line per request, never tokens, secrets or message texts."""

from __future__ import annotations

import logging

SLACK_SDK_LOGGERS = (
    "slack_sdk",
    "slack_sdk.web.base_client",
    "slack_sdk.webhook.client",
)
"""The parent, and the module loggers of the clients, whose `level` slack-sdk reads."""


class _DropBoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and then warns that our explicit client wins; it does."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        # ...and the Socket Mode client logs a refused app token that `serve` reports itself
        return "`token` will be unused" not in message and "Failed to retrieve WSS" not in message


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    # slack-sdk logs request bodies (tokens, texts) at DEBUG; keep it quiet whatever the level.
    for noisy in ("slack_bolt", "aplauso.bolt", "urllib3", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    _set_slack_sdk_level(logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.WARNING)
    logging.getLogger("aplauso.bolt").addFilter(_DropBoltTokenNotice())


def configure_cli_logging(level: str, *, serving: bool) -> None:
    """Admin commands print one line per outcome: library messages (a retried call, a refused
    connection, a skipped chart) stay out of the way unless DEBUG asks for everything,
    tracebacks included. `serve` configures its own log once its start-up checks pass."""
    logging.getLogger("aplauso.bolt").addFilter(_DropBoltTokenNotice())  # before any handler
    _set_slack_sdk_level(logging.CRITICAL)  # its failures become our line
    if serving:
        return
    if level == "DEBUG":
        configure_logging(level)
        logging.getLogger("aplauso").setLevel(logging.DEBUG)
        return
    logging.basicConfig(level=logging.CRITICAL)


def _set_slack_sdk_level(level: int) -> None:
    """slack-sdk tests its module logger's own level, not the effective one, before it formats
    a debug line of every call's body and headers: a level left unset reads 0, passes, and each
    Slack call paid for a line that logging then dropped. So each logger it asks gets `level`
    itself, the same as the parent's."""
    for name in SLACK_SDK_LOGGERS:
        logging.getLogger(name).setLevel(level)
