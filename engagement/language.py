"""Which language a person reads: Spanish for Slack's es-* locales, English for the rest."""

from __future__ import annotations

SUPPORTED_LANGUAGES = ("en", "es")


def language_for_locale(locale: str | None, default: str) -> str:
    """Slack codes such as `es-LA` are its own, so only the prefix is trusted."""
    if not locale:
        return default if default in SUPPORTED_LANGUAGES else "en"
    prefix = locale.replace("_", "-").split("-", 1)[0].lower()
    return "es" if prefix == "es" else "en"
