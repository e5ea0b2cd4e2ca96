"""Log format and levels: one line per request, never tokens, secrets or message texts."""

from __future__ import annotations

import logging


class _DropBoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and then warns that our explicit client wins; it does."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


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
