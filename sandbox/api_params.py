"""Typed access to Web API arguments, the way Slack reads them.

Slack accepts the same argument as a form field (always a string: ``"true"``, ``"1"``, a
JSON-encoded list) or as a JSON value (``true``, a real list). slack-sdk sends both kinds
depending on the method, so every handler reads its arguments through :class:`Params`, which
normalises them once, instead of each handler guessing the encoding.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

JsonDict = dict[str, Any]

_TRUE_STRINGS = frozenset({"true", "1", "yes", "on"})


class SlackApiError(Exception):
    """A Web API error answer: ``{"ok": false, "error": code, **extra}``.

    Handlers raise it instead of building error dicts by hand, so every error has Slack's shape
    and the dispatcher records it uniformly.
    """

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra: JsonDict = extra

    def to_json(self) -> JsonDict:
        """The body Slack sends for this error."""
        return {"ok": False, "error": self.code, **self.extra}


class Params:
    """Arguments of one Web API call, from query string, form body or JSON body merged."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw: JsonDict = dict(raw)

    @property
    def raw(self) -> JsonDict:
        """The arguments as received (form values still strings); what gets recorded."""
        return dict(self._raw)

    def has(self, name: str) -> bool:
        """Whether the argument was sent with a non-empty value."""
        value = self._raw.get(name)
        return value is not None and value != ""

    def optional(self, name: str) -> str | None:
        """A string argument, or None when absent or empty (Slack treats both the same)."""
        value = self._raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    def required(self, name: str, *, error: str = "invalid_arguments") -> str:
        """A required string argument; raises ``error`` when missing."""
        value = self.optional(name)
        if value is None:
            raise SlackApiError(error)
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean argument: JSON true/false or the strings Slack accepts ("true", "1")."""
        value = self._raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        return str(value).strip().lower() in _TRUE_STRINGS

    def number(self, name: str, default: int) -> int:
        """An integer argument; a non-number is ``invalid_arguments`` like Slack answers."""
        value = self._raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise SlackApiError("invalid_arguments")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SlackApiError("invalid_arguments") from None

    def structured(self, name: str, *, error: str = "invalid_arguments") -> Any:
        """A structured argument: a JSON value, or a JSON-encoded string as form fields carry.

        Returns None when absent. A string that is not valid JSON raises ``error``.
        """
        value = self._raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise SlackApiError(error) from None
        return value

    def listed(self, name: str) -> list[str]:
        """A comma-separated list argument (``users=U1,U2``) or a JSON list."""
        value = self._raw.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list):
            return [str(item).strip() for item in value if str(item).strip()]
        return [part.strip() for part in str(value).split(",") if part.strip()]
