"""Wires settings, database, Slack client and app together, and runs `serve`."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from types import FrameType

from slack_bolt import App
from waitress.server import create_server

from bot.app import create_app
from bot.background_server import close_server, serve_until
from bot.config import Settings
from bot.context import AppContext
from bot.digest_messenger import SlackDigestMessenger
from bot.executor import TrackingExecutor
from bot.feedback_courier import SlackFeedbackCourier
from bot.http_server import AplausoWSGI
from bot.logging_setup import configure_logging
from bot.pulse_messenger import SlackPulseMessenger
from bot.slack_client import make_web_client
from bot.surfaces import Surfaces
from engagement.clock import Clock, system_clock
from schedules.registry import JobDependencies
from schedules.scheduler import build_scheduler
from storage.db import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database

logger = logging.getLogger("aplauso")

SERVER_THREADS = 16


@dataclass
class Runtime:
    context: AppContext
    bolt_app: App
    surfaces: Surfaces
    executor: TrackingExecutor

    def wsgi(self) -> AplausoWSGI:
        settings = self.context.settings
        bolt = None if settings.socket_mode else self.bolt_app
        return AplausoWSGI(bolt, self.context.database.engine, settings.slack_signing_secret)

    def job_dependencies(self) -> JobDependencies:
        return JobDependencies(
            database=self.context.database,
            clock=self.context.clock,
            messenger=SlackPulseMessenger(self.context.client),
            feedback_courier=SlackFeedbackCourier(self.context, self.context.client),
            digest_messenger=SlackDigestMessenger(self.context.client),
        )


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return Database(engine)


def build_runtime(settings: Settings, database: Database, clock: Clock = system_clock) -> Runtime:
    context = AppContext(
        settings=settings, database=database, client=make_web_client(settings), clock=clock
    )
    bolt_app, surfaces, executor = create_app(context)
    return Runtime(context=context, bolt_app=bolt_app, surfaces=surfaces, executor=executor)


def serve(settings: Settings, *, port: int, with_scheduler: bool) -> int:
    """Runs until SIGTERM or SIGINT, then stops taking requests, the scheduler and the pool."""
    settings.require_for_serve()
    configure_logging(settings.log_level)
    database = open_database(settings)
    runtime = build_runtime(settings, database)
    scheduler = build_scheduler(runtime.job_dependencies()) if with_scheduler else None
    server = create_server(
        runtime.wsgi(),
        host="0.0.0.0",
        port=port,
        threads=SERVER_THREADS,
        max_request_body_size=2_000_000,
        ident="aplauso",
    )
    socket_handler = None
    stopping = threading.Event()

    def request_shutdown(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s received, shutting down", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, request_shutdown)
    signal.signal(signal.SIGINT, request_shutdown)
    try:
        if scheduler is not None:
            scheduler.start()
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_handler = SocketModeHandler(
                runtime.bolt_app,
                app_token=settings.slack_app_token,
                web_client=runtime.context.client,
            )
            threading.Thread(target=socket_handler.connect, daemon=True).start()
            logger.info("Socket Mode on; /healthz on port %s", port)
        else:
            logger.info("listening on port %s: POST /slack/events, GET /healthz", port)
        serve_until(server, stopping)
    finally:
        close_server(server)
        if socket_handler is not None:
            socket_handler.close()  # type: ignore[no-untyped-call]
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)
        runtime.executor.shutdown(wait=True, cancel_futures=False)
        database.dispose()
    return 0
