"""Listeners, one module per feature. Each parses, calls a service, renders a view."""

from __future__ import annotations

from slack_bolt import App

from bot.context import AppContext
from bot.executor import TrackingExecutor
from bot.listeners import (
    aplauso_command,
    direct_messages,
    errors,
    feedback,
    home,
    kudos,
    pulse,
)
from bot.surfaces import Surfaces


def register_all(app: App, ctx: AppContext, executor: TrackingExecutor) -> Surfaces:
    surfaces = Surfaces(app, executor)
    errors.register(app)
    aplauso_command.register(surfaces, ctx)
    home.register(surfaces, ctx)
    kudos.register(surfaces, ctx)
    pulse.register(surfaces, ctx)
    direct_messages.register(surfaces, ctx)
    feedback.register(surfaces, ctx)
    return surfaces
