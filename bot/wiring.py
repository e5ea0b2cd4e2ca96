"""Wires settings, database, Slack client, services and app together, and runs `serve`.

The only module of `bot/` (with `cli.py`) that knows storage and the jobs exist.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import FrameType
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from waitress.server import create_server

from bot.adapters.admin_notices import SlackAdminNotifier
from bot.adapters.celebration_threads import SlackCelebrationThreads
from bot.adapters.digest_messenger import SlackDigestMessenger
from bot.adapters.feedback_courier import SlackFeedbackCourier
from bot.adapters.kudos_notifier import SlackKudosNotifier
from bot.adapters.pulse_messenger import SlackPulseMessenger
from bot.adapters.season_announcer import SlackSeasonAnnouncer
from bot.adapters.slack_directory import SlackDirectory
from bot.adapters.slack_messages import SlackMessageLookup
from bot.adapters.welcome_messenger import SlackWelcomeMessenger
from bot.app import create_app
from bot.background_server import close_server, serve_until
from bot.config import Settings
from bot.executor import TrackingExecutor
from bot.gc_tuning import freeze_what_is_built
from bot.gunicorn_app import AppWorker, JobsSeat, Seat, available_cores, in_background, run_workers
from bot.health import HealthCheck, serve_checks
from bot.http_server import AplausoWSGI
from bot.logging_setup import configure_logging
from bot.malloc_tuning import keep_trimming, limit_malloc_arenas
from bot.slack_checks import require_ready
from bot.slack_client import SlackCallInsideTransaction, make_web_client
from bot.slack_throttle import SlackThrottle
from bot.socket_mode import socket_mode
from bot.surfaces import Surfaces
from engagement.admin import AdminService
from engagement.celebrations import QuietKudosNotifier
from engagement.clock import Clock, system_clock
from engagement.digest import DigestService
from engagement.events import EventLog
from engagement.feedback import FeedbackService
from engagement.kudos import KudosService
from engagement.kudos_follow import KudosFollowService
from engagement.kudos_summary import QuietKudosService
from engagement.leaderboards import LeaderboardService
from engagement.people import PeopleService
from engagement.privacy import PrivacyService
from engagement.pulse import PulseService
from engagement.reports import RunReport
from engagement.rosters import RosterService
from engagement.sealing import Sealer
from engagement.services import Services
from engagement.teams import TeamService
from engagement.welcome import WelcomeService
from schedules.jobs import JOBS
from schedules.scheduler import build_scheduler
from storage.db import HealthProbe, make_engine, transaction_open
from storage.migrate import upgrade
from storage.replay_cache import DatabaseReplayCache
from storage.scheduler_seat import SchedulerSeat
from storage.unit_of_work import Database

logger = logging.getLogger("aplauso")

SERVER_THREADS = 16
SWITCH_INTERVAL_SECONDS = 0.001
"""How long a thread may keep the interpreter lock while others want it (Python's default is
5 ms). A thread inside a SQLite write transaction gives the lock up at every statement and
must get it back to go on; behind 5 ms turns of busy threads, a transaction of twenty
statements held the write lock 100 ms or more, and every writer queued behind it."""


@dataclass
class Runtime:
    """One process's app: settings, database, Slack client, services and the Bolt app."""

    settings: Settings
    database: Database
    client: WebClient
    clock: Clock
    services: Services
    bolt_app: App
    surfaces: Surfaces
    executor: TrackingExecutor

    def wsgi(self, health_checks: Mapping[str, HealthCheck] | None = None) -> AplausoWSGI:
        bolt = None if self.settings.socket_mode else self.bolt_app
        return AplausoWSGI(
            bolt,
            HealthProbe(self.database.engine),
            self.settings.slack_signing_secret,
            health_checks,
            replay_cache=DatabaseReplayCache(self.database.replay_engine),
        )

    def run_job(self, name: str, moment: datetime) -> RunReport:
        """One job once, as `aplauso jobs run NAME` asks."""
        return JOBS[name].run(self.services, moment)


def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return Database(engine)


def build_services(
    settings: Settings, database: Database, client: WebClient, clock: Clock
) -> Services:
    """Every service with its ports plugged in: storage, Slack adapters and the clock."""
    directory = SlackDirectory(client)
    people = PeopleService(database, directory, clock)
    sealer = Sealer(settings.secret_key) if settings.secret_key else None
    threads = SlackCelebrationThreads(client)
    kudos_notifier = QuietKudosNotifier(database, SlackKudosNotifier(client), threads, clock)
    return Services(
        people=people,
        events=EventLog(database, clock),
        admin=AdminService(database, people, clock),
        teams=TeamService(database, people, clock),
        pulse=PulseService(database, people, SlackPulseMessenger(client), clock, sealer=sealer),
        feedback=FeedbackService(
            database, people, SlackFeedbackCourier(client), clock, sealer=sealer
        ),
        kudos=KudosService(
            database,
            people,
            clock,
            kudos_notifier,
            SlackMessageLookup(client),
            kudos_channel=settings.kudos_channel,
        ),
        kudos_follow=KudosFollowService(database, kudos_notifier, clock),
        digest=DigestService(database, SlackDigestMessenger(client), clock),
        rosters=RosterService(database, people, clock, notifier=SlackAdminNotifier(client)),
        leaderboards=LeaderboardService(
            database, SlackSeasonAnnouncer(client), clock, kudos_channel=settings.kudos_channel
        ),
        privacy=PrivacyService(database, people, clock),
        welcomes=WelcomeService(database, SlackWelcomeMessenger(client)),
        quiet_kudos=QuietKudosService(database, people, threads, clock),
    )


def refuse_inside_transaction(method: str) -> None:
    """The Slack client's guard: a Web API call inside a unit of work is a bug."""
    if transaction_open():
        raise SlackCallInsideTransaction(f"{method} called inside a database transaction")


def build_runtime(
    settings: Settings, database: Database, clock: Clock = system_clock, *, workers: int = 1
) -> Runtime:
    """The app of one process; with `workers` processes each takes its share of Slack's limits."""
    throttle = SlackThrottle(share=1 / workers) if settings.slack_throttle else None
    client = make_web_client(settings, guard=refuse_inside_transaction, throttle=throttle)
    services = build_services(settings, database, client, clock)
    bolt_app, surfaces, executor = create_app(settings, client, services)
    return Runtime(settings, database, client, clock, services, bolt_app, surfaces, executor)


def serve_workers(settings: Settings, *, port: int, workers: int, with_scheduler: bool) -> int:
    """HTTP on `workers` gunicorn processes (bot/gunicorn_app.py); each builds its own app after
    the fork, and the one holding the scheduler seat runs the jobs and loads the directory."""

    def make_worker() -> AppWorker:
        database = open_database(settings, migrate=False)
        runtime = build_runtime(settings, database, workers=workers)
        people = runtime.services.people
        jobs = None
        if with_scheduler:
            seat = SchedulerSeat(database.engine)
            jobs = JobsSeat(
                Seat(seat.try_take, seat.still_held, seat.release),
                lambda: build_scheduler(runtime.services, runtime.clock),
                on_taken=lambda: in_background("directory", lambda: people.warm_up(crawl=True)),
            )
        wsgi = runtime.wsgi(serve_checks(settings, jobs, None))
        database.checkpoint_in_background()
        in_background("warm-up", lambda: people.warm_up(crawl=False))
        keep_trimming()
        return AppWorker(wsgi, runtime.executor, database.dispose, jobs.start() if jobs else None)

    return run_workers(
        make_worker,
        port=port,
        workers=workers,
        threads=SERVER_THREADS,
        pin_workers=settings.pin_workers,
    )


def serve(
    settings: Settings, *, port: int, with_scheduler: bool, workers: int | None = None
) -> int:
    """Runs until SIGTERM or SIGINT, then stops taking requests, the scheduler and the pool.

    Over HTTP, gunicorn runs `workers` processes (default: one per core); Socket Mode stays
    one process, whose waitress only answers /healthz."""
    settings.require_for_serve()
    limit_malloc_arenas(chosen=settings.malloc_arenas_chosen)  # before threads and the fork
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)  # inherited by the workers
    database = open_database(settings)
    runtime = build_runtime(settings, database)
    require_ready(runtime.client)  # a refused token or a missing scope: one line, no start
    configure_logging(settings.log_level)  # after the checks, whose failure is one line
    if not settings.socket_mode:
        database.dispose()  # no connection may cross the fork
        chosen = workers or available_cores()
        return serve_workers(settings, port=port, workers=chosen, with_scheduler=with_scheduler)
    return serve_socket_mode(runtime, port=port, with_scheduler=with_scheduler)


def serve_socket_mode(runtime: Runtime, *, port: int, with_scheduler: bool) -> int:
    """One process: the supervised socket (bot/socket_mode.py) brings Slack's envelopes and
    waitress answers /healthz. The first connection is tried before serving, so a refused app
    token stops `serve` with one line; the jobs start once the socket is up."""
    settings = runtime.settings
    scheduler = build_scheduler(runtime.services, runtime.clock) if with_scheduler else None
    keep_trimming()
    runtime.database.checkpoint_in_background()
    freeze_what_is_built()
    supervisor = socket_mode(settings, runtime.bolt_app, runtime.client)
    server: Any = None
    stopping = threading.Event()

    def request_shutdown(signum: int, _frame: FrameType | None) -> None:
        logger.info("%s received, shutting down", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, request_shutdown)
    signal.signal(signal.SIGINT, request_shutdown)
    try:
        server = create_server(
            runtime.wsgi(serve_checks(settings, scheduler, supervisor)),
            host="0.0.0.0",
            port=port,
            threads=SERVER_THREADS,
            max_request_body_size=2_000_000,
            ident="aplauso",
        )
        supervisor.connect_first()  # a refused app token: one line, no start
        logger.info("Socket Mode on; /healthz on port %s", port)
        jobs = scheduler.start if scheduler is not None else (lambda: None)
        supervisor.start(on_first_connection=jobs, on_fatal=stopping.set)
        serve_until(server, stopping)
    finally:
        if server is not None:
            close_server(server)
        supervisor.stop()
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)
        runtime.executor.shutdown(wait=True, cancel_futures=False)
        runtime.database.dispose()
    if supervisor.fatal is not None:  # Slack refused the app token while running
        raise supervisor.fatal
    return 0
