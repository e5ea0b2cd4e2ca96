"""The app's manifest (``app_manifest.yml``) as the fake reads it: what Slack would allow.

Slack decides from the manifest which scopes the bot token carries, which slash commands exist
and whether their text is escaped, which shortcuts and events exist. The fake reads the same
file, found at the repository root unless a path is given, so a scope removed from the manifest
makes the fake answer ``missing_scope`` exactly where Slack would.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MANIFEST_FILENAME = "app_manifest.yml"

#: Scopes assumed when no manifest can be found (a fake used outside the repository).
FALLBACK_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
    "reactions:read",
    "usergroups:read",
    "users:read",
    "users:read.email",
)


@dataclass(frozen=True)
class SlashCommand:
    """One ``features.slash_commands`` entry."""

    command: str
    should_escape: bool = False
    description: str = ""
    usage_hint: str = ""


@dataclass(frozen=True)
class Shortcut:
    """One ``features.shortcuts`` entry; ``type`` is ``global`` or ``message``."""

    callback_id: str
    type: str
    name: str = ""


@dataclass(frozen=True)
class AppManifest:
    """The parts of a manifest that decide what Slack accepts and sends."""

    bot_scopes: tuple[str, ...] = FALLBACK_SCOPES
    commands: tuple[SlashCommand, ...] = ()
    shortcuts: tuple[Shortcut, ...] = ()
    bot_events: tuple[str, ...] = ()
    interactivity: bool = False
    socket_mode: bool = False
    source: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: Path | None = None) -> AppManifest:
        """Read a parsed manifest (YAML or JSON shape)."""
        features = _mapping(data.get("features"))
        settings = _mapping(data.get("settings"))
        scopes = _mapping(_mapping(data.get("oauth_config")).get("scopes"))
        events = _mapping(settings.get("event_subscriptions"))
        return cls(
            bot_scopes=tuple(str(scope) for scope in scopes.get("bot") or ()),
            commands=tuple(
                SlashCommand(
                    command=str(entry["command"]),
                    should_escape=bool(entry.get("should_escape", False)),
                    description=str(entry.get("description", "")),
                    usage_hint=str(entry.get("usage_hint", "")),
                )
                for entry in features.get("slash_commands") or ()
            ),
            shortcuts=tuple(
                Shortcut(
                    callback_id=str(entry["callback_id"]),
                    type=str(entry.get("type", "global")),
                    name=str(entry.get("name", "")),
                )
                for entry in features.get("shortcuts") or ()
            ),
            bot_events=tuple(str(event) for event in events.get("bot_events") or ()),
            interactivity=bool(_mapping(settings.get("interactivity")).get("is_enabled", False)),
            socket_mode=bool(settings.get("socket_mode_enabled", False)),
            source=source,
            raw=copy.deepcopy(dict(data)),
        )

    @classmethod
    def load(cls, path: str | Path) -> AppManifest:
        """Parse a manifest file (YAML, which also reads JSON)."""
        resolved = Path(path).resolve()
        return _load_cached(resolved, resolved.stat().st_mtime_ns)

    def command(self, name: str) -> SlashCommand | None:
        """The slash command called ``name`` (with its slash), if the manifest declares it."""
        return next((entry for entry in self.commands if entry.command == name), None)

    def shortcut(self, callback_id: str) -> Shortcut | None:
        """The shortcut with this callback id, if declared."""
        return next((entry for entry in self.shortcuts if entry.callback_id == callback_id), None)

    def without_scopes(self, *scopes: str) -> AppManifest:
        """The same manifest with these bot scopes removed (to test ``missing_scope``)."""
        kept = tuple(scope for scope in self.bot_scopes if scope not in scopes)
        return _replace(self, bot_scopes=kept)

    def with_scopes(self, *scopes: str) -> AppManifest:
        """The same manifest with these bot scopes added."""
        added = tuple(scope for scope in scopes if scope not in self.bot_scopes)
        return _replace(self, bot_scopes=self.bot_scopes + added)

    def with_command(self, command: str, *, should_escape: bool) -> AppManifest:
        """The same manifest with ``command`` added or its escaping changed."""
        others = tuple(entry for entry in self.commands if entry.command != command)
        entry = SlashCommand(command=command, should_escape=should_escape)
        return _replace(self, commands=(*others, entry))


def _replace(manifest: AppManifest, **changes: Any) -> AppManifest:
    fields: dict[str, Any] = {
        "bot_scopes": manifest.bot_scopes,
        "commands": manifest.commands,
        "shortcuts": manifest.shortcuts,
        "bot_events": manifest.bot_events,
        "interactivity": manifest.interactivity,
        "socket_mode": manifest.socket_mode,
        "source": manifest.source,
        "raw": manifest.raw,
    }
    fields.update(changes)
    return AppManifest(**fields)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int) -> AppManifest:
    del mtime_ns  # part of the cache key only: an edited file is read again
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, Mapping):
        raise ValueError(f"{path} is not a Slack app manifest")
    return AppManifest.from_dict(loaded, source=path)


def find_manifest(start: str | Path | None = None) -> Path | None:
    """``app_manifest.yml`` in ``start`` (default: the working directory) or a parent of it,
    else at the root of the repository that holds this package."""
    candidates: list[Path] = []
    here = Path(start).resolve() if start is not None else Path.cwd()
    candidates.extend(folder / MANIFEST_FILENAME for folder in (here, *here.parents))
    candidates.append(Path(__file__).resolve().parent.parent / MANIFEST_FILENAME)
    return next((path for path in candidates if path.is_file()), None)


def resolve_manifest(manifest: AppManifest | str | Path | None) -> AppManifest:
    """What ``FakeSlack(manifest=...)`` accepts: a manifest, a path, or None to find one."""
    if isinstance(manifest, AppManifest):
        return manifest
    if manifest is not None:
        return AppManifest.load(manifest)
    found = find_manifest()
    return AppManifest.load(found) if found is not None else AppManifest()


def scopes_text(scopes: Iterable[str]) -> str:
    """Scopes as Slack lists them in headers and ``provided``: comma-separated."""
    return ",".join(scopes)
