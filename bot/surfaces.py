"""Registers listeners on Bolt while keeping a list of the Slack surfaces they answer.

The list lets a test compare the app with `app_manifest.yml` in both directions, since Bolt
keeps its listeners behind opaque matchers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import App

from bot.executor import TrackingExecutor
from bot.handoff import hand_off

F = TypeVar("F", bound=Callable[..., Any])


# The manifest's `message.*` event names, and the `channel_type` those events carry.
CHANNEL_TYPES = {"im": "im", "mpim": "mpim", "channels": "channel", "groups": "group"}


def in_conversations(manifest_suffix: str) -> Callable[..., bool]:
    """A Bolt listener matcher: the message event came from this kind of conversation."""
    wanted = CHANNEL_TYPES[manifest_suffix]

    def matches(event: dict[str, Any]) -> bool:
        return event.get("channel_type") == wanted

    return matches


class Surfaces:
    def __init__(self, app: App, executor: TrackingExecutor) -> None:
        self.app = app
        self.executor = executor
        self.commands: set[str] = set()
        self.global_shortcuts: set[str] = set()
        self.message_shortcuts: set[str] = set()
        self.events: set[str] = set()

    def command(self, name: str) -> Callable[[F], F]:
        self.commands.add(name)
        return self._register(self.app.command(name))

    def global_shortcut(self, callback_id: str) -> Callable[[F], F]:
        self.global_shortcuts.add(callback_id)
        return self._register(self.app.shortcut({"type": "shortcut", "callback_id": callback_id}))

    def message_shortcut(self, callback_id: str) -> Callable[[F], F]:
        self.message_shortcuts.add(callback_id)
        return self._register(
            self.app.shortcut({"type": "message_action", "callback_id": callback_id})
        )

    def event(self, manifest_name: str, **constraints: Any) -> Callable[[F], F]:
        """`manifest_name` as in the manifest (`message.im`); Bolt gets the event type.

        Bolt's event matcher compares only `type` and `subtype`, so a `message.im` listener
        given `channel_type` would still answer every channel message once `message.channels`
        is subscribed: the conversation type is checked here, by a matcher of our own.
        """
        self.events.add(manifest_name)
        event_type, _, channel_type = manifest_name.partition(".")
        if event_type == "message" and channel_type:
            return self._register(
                self.app.event(
                    {"type": "message", **constraints}, matchers=[in_conversations(channel_type)]
                )
            )
        matcher = {"type": event_type, **constraints} if constraints else event_type
        return self._register(self.app.event(matcher))

    def view(self, callback_id: str) -> Callable[[F], F]:
        return self._register(self.app.view(callback_id))

    def action(self, action_id: str | re.Pattern[str]) -> Callable[[F], F]:
        return self._register(self.app.action(action_id))

    def _register(self, bolt_decorator: Callable[..., Any]) -> Callable[[F], F]:
        """Registers the listener behind `hand_off`, and returns it unchanged for its module."""

        def decorate(listener: F) -> F:
            bolt_decorator(hand_off(listener, self.executor))
            return listener

        return decorate
