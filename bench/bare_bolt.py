"""The yardstick of `kudos_throughput.py`: a Bolt app that only acknowledges `/kudos`, served by
the same production server as `aplauso serve` (gunicorn, gthread workers, `bot/gunicorn_app`).

    python bench/bare_bolt.py --port 3001 --workers 2 --api-url http://127.0.0.1:PORT/api/

Its own process, started by the bench, so its figures come from the same setup as Aplauso's:
separate processes for the app, the fake Slack and the load. It reads the signing secret and
bot token from the environment (`SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a file: `bot` importable

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.gunicorn_app import run_workers
from bot.wiring import SERVER_THREADS


class BareWorker:
    """One worker: Bolt's own WSGI adapter, `process_before_response=True`, one listener."""

    def __init__(self, api_url: str) -> None:
        app = App(
            signing_secret=os.environ["SLACK_SIGNING_SECRET"],
            token_verification_enabled=False,
            process_before_response=True,
            client=WebClient(base_url=api_url, token=os.environ["SLACK_BOT_TOKEN"]),
        )

        @app.command("/kudos")
        def kudos(ack: Ack) -> None:
            """Acknowledges, so the figure is Bolt's and the server's cost alone."""
            ack()

        self._handler = SlackRequestHandler(app)

    def wsgi(self) -> Callable[..., Any]:
        return self._handler

    def stop(self) -> None:
        """Nothing runs after the answer."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    return run_workers(
        lambda: BareWorker(args.api_url),
        port=args.port,
        workers=args.workers,
        threads=SERVER_THREADS,
    )


if __name__ == "__main__":
    raise SystemExit(main())
