"""Domain errors carry a catalog key and parameters, so each surface can say them in the user's language."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. `key` names the user-facing message in the i18n catalogs."""

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        """Which input the rule is about (`receivers`, `message`, ...), for inline form errors."""
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.key!r}, field={self.field!r}, {self.params!r})"


class DirectoryUnavailable(Exception):
    """Slack could not be asked about a person right now (rate limit, outage)."""
