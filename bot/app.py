"""Builds the Bolt app with an explicit client, signing secret and listener pool."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot import middleware
from bot.config import Settings
from bot.executor import TrackingExecutor
from bot.listeners import register_all
from bot.surfaces import Surfaces
from engagement.services import Services

LISTENER_WORKERS = 32


def create_app(
    settings: Settings, client: WebClient, services: Services
) -> tuple[App, Surfaces, TrackingExecutor]:
    """Listeners are registered through `Surfaces`, which hands each one to the pool and lets
    Bolt answer the moment it acknowledges (see bot/handoff.py); hence process_before_response.

    Token verification is off so that start-up never waits on Slack; Bolt still calls
    auth.test on the first request, through the same client and base URL. Bolt's own check of
    request signatures is off too: Bolt only ever gets a request from the door
    (bot/http_server.py), which has checked its signature, age and replay already, or from
    Slack's own socket in Socket Mode; checking the signature twice cost every kudos a second
    HMAC and header parse.

    The listener pool is larger than Bolt's default of 5 because listeners wait on Slack's Web
    API after acknowledging, and a small pool would let slow calls starve new requests.
    """
    executor = TrackingExecutor(LISTENER_WORKERS, thread_name_prefix="aplauso-listener")
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "socket-mode-has-no-signing-secret",
        token_verification_enabled=False,
        process_before_response=True,
        request_verification_enabled=False,
        listener_executor=executor,
        logger=logging.getLogger("aplauso.bolt"),
    )
    middleware.register(app, services, client, executor)
    surfaces = register_all(app, services, executor)
    return app, surfaces, executor
