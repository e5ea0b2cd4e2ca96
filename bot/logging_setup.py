"""Log format and levels: one line per request, never tokens, secrets or message texts."""

from __future__ import annotations

import logging


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
    for noisy in ("slack_sdk", "slack_bolt", "aplauso.bolt", "urllib3", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("waitress").setLevel(logging.WARNING)
    logging.getLogger("aplauso.bolt").addFilter(_DropBoltTokenNotice())


def configure_cli_logging(level: str, *, serving: bool) -> None:
    """Admin commands print one line per outcome: library messages (a retried call, a refused
    connection, a skipped chart) stay out of the way unless DEBUG asks for everything,
    tracebacks included. `serve` configures its own log once its start-up checks pass."""
    logging.getLogger("aplauso.bolt").addFilter(_DropBoltTokenNotice())  # before any handler
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)  # its failures become our line
    if serving:
        return
    if level == "DEBUG":
        configure_logging(level)
        logging.getLogger("aplauso").setLevel(logging.DEBUG)
        return
    logging.basicConfig(level=logging.CRITICAL)
