"""Registers listeners on Bolt while keeping a list of the Slack surfaces they answer.

The list lets a test compare the app with `app_manifest.yml` in both directions, since Bolt
keeps its listeners behind opaque matchers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from slack_bolt import App

F = TypeVar("F", bound=Callable[..., Any])


class Surfaces:
    def __init__(self, app: App) -> None:
        self.app = app
        self.commands: set[str] = set()
        self.global_shortcuts: set[str] = set()
        self.message_shortcuts: set[str] = set()
        self.events: set[str] = set()

    def command(self, name: str) -> Callable[[F], F]:
        self.commands.add(name)
        return cast("Callable[[F], F]", self.app.command(name))

    def global_shortcut(self, callback_id: str) -> Callable[[F], F]:
        self.global_shortcuts.add(callback_id)
        return cast(
            "Callable[[F], F]", self.app.shortcut({"type": "shortcut", "callback_id": callback_id})
        )

    def message_shortcut(self, callback_id: str) -> Callable[[F], F]:
        self.message_shortcuts.add(callback_id)
        return cast(
            "Callable[[F], F]",
            self.app.shortcut({"type": "message_action", "callback_id": callback_id}),
        )

    def event(self, manifest_name: str, **constraints: Any) -> Callable[[F], F]:
        """`manifest_name` as in the manifest (`message.im`); Bolt gets the event type."""
        self.events.add(manifest_name)
        event_type = manifest_name.split(".", 1)[0]
        if event_type == "message" and "." in manifest_name:
            channel_type = manifest_name.split(".", 1)[1]
            return cast(
                "Callable[[F], F]",
                self.app.event({"type": "message", "channel_type": channel_type, **constraints}),
            )
        matcher = {"type": event_type, **constraints} if constraints else event_type
        return cast("Callable[[F], F]", self.app.event(matcher))
