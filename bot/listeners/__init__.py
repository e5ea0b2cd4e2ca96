"""Listeners, one module per feature. Each parses, calls a service, renders a view."""

from __future__ import annotations

from slack_bolt import App

from bot.executor import TrackingExecutor
from bot.listeners import (
    aplauso,
    direct_messages,
    errors,
    feedback,
    home,
    kudos,
    kudos_follow,
    leaderboards,
    people,
    pulse,
)
from bot.surfaces import Surfaces
from engagement.services import Services


def register_all(app: App, services: Services, executor: TrackingExecutor) -> Surfaces:
    surfaces = Surfaces(app, executor)
    errors.register(app)
    # Bolt tries listeners in this order, each at a cost: the most frequent request, a kudos,
    # meets its listener first.
    kudos.register(surfaces, services)
    aplauso.register(surfaces, services)
    home.register(surfaces, services)
    kudos_follow.register(surfaces, services)
    leaderboards.register(surfaces, services)
    people.register(surfaces, services)
    pulse.register(surfaces, services)
    direct_messages.register(surfaces, services)
    feedback.register(surfaces, services)
    return surfaces
