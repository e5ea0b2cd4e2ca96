"""The one rule for what a person types (a kudos message, a feedback text): trimmed, not
empty, within the limit Slack can show. Each feature names its own error keys and input."""

from __future__ import annotations

from engagement.errors import DomainError


def trimmed_text(text: str, limit: int, *, field: str, empty: str, too_long: str) -> str:
    """`text` as it will be stored, or a `DomainError` about the input `field`: the key
    `empty` when nothing is left once trimmed, `too_long` (with `max` and `length`) past
    `limit` characters."""
    cleaned = text.strip()
    if not cleaned:
        raise DomainError(empty, field=field)
    if len(cleaned) > limit:
        raise DomainError(too_long, field=field, max=limit, length=len(cleaned))
    return cleaned
