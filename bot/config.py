"""The one typed settings object, and the only code that reads the environment or `.env`.

Keeping every environment read here means a wrong value fails early with one clear line that
names the variable, instead of surfacing later as a confusing stack trace deep in a listener.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///aplauso.db"
DEFAULT_PORT = 3000


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Process-level settings. Workspace settings that admins change live in the database."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = DEFAULT_PORT
    kudos_channel: str | None = None
    secret_key: str | None = None
    log_level: str = "INFO"

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def require_for_serve(self) -> None:
        """Fails with a clear line when `serve` lacks what it needs to talk to Slack."""
        if not self.slack_bot_token:
            raise ConfigError(
                "SLACK_BOT_TOKEN is required by `aplauso serve` (the bot token, xoxb-...); "
                "set it in the environment or .env, or run `aplauso demo` to try Aplauso without Slack"
            )
        if self.socket_mode:
            if not (self.slack_app_token or "").startswith("xapp-"):
                raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
        elif not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is required by `aplauso serve` in HTTP mode "
                "(Basic Information > Signing Secret in your Slack app settings)"
            )
        self.require_secret_key()

    def require_secret_key(self) -> str:
        if not self.secret_key:
            raise ConfigError(
                "APLAUSO_SECRET_KEY is required to keep anonymous feedback anonymous; make one with "
                '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
            )
        return self.secret_key


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _parse_port(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PORT
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"PORT must be a whole number from 1 to 65535, got {raw!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"PORT must be a whole number from 1 to 65535, got {raw!r}")
    return port


def _parse_database_url(raw: str | None) -> str:
    url = raw or DEFAULT_DATABASE_URL
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL is not a database URL SQLAlchemy understands: {url!r} "
            "(examples: sqlite:///aplauso.db, postgresql+psycopg://user:pass@host/db)"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL must point to SQLite or PostgreSQL, got {backend!r}")
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise ConfigError(
            "DATABASE_URL for PostgreSQL must use the psycopg driver: postgresql+psycopg://..."
        )
    return url


def _parse_api_url(raw: str | None) -> str:
    url = raw or DEFAULT_SLACK_API_URL
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"SLACK_API_URL must be an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def _parse_secret_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    from cryptography.fernet import Fernet

    try:
        Fernet(raw.encode())
    except ValueError:
        raise ConfigError(
            "APLAUSO_SECRET_KEY must be a Fernet key (32 url-safe base64-encoded bytes); make one "
            'with `python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"`'
        ) from None
    return raw


def settings_from_mapping(env: Mapping[str, str | None]) -> Settings:
    """Builds settings from a plain mapping, so tests need not touch the process environment."""
    log_level = (_clean(env.get("APLAUSO_LOG_LEVEL")) or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("APLAUSO_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR")
    kudos_channel = _clean(env.get("APLAUSO_KUDOS_CHANNEL"))
    if kudos_channel and kudos_channel[0] not in "CG":
        raise ConfigError(
            f"APLAUSO_KUDOS_CHANNEL must be a channel ID like C0123ABCD, got {kudos_channel!r}"
        )
    return Settings(
        slack_bot_token=_clean(env.get("SLACK_BOT_TOKEN")),
        slack_signing_secret=_clean(env.get("SLACK_SIGNING_SECRET")),
        slack_app_token=_clean(env.get("SLACK_APP_TOKEN")),
        slack_api_url=_parse_api_url(_clean(env.get("SLACK_API_URL"))),
        database_url=_parse_database_url(_clean(env.get("DATABASE_URL"))),
        port=_parse_port(_clean(env.get("PORT"))),
        kudos_channel=kudos_channel,
        secret_key=_parse_secret_key(_clean(env.get("APLAUSO_SECRET_KEY"))),
        log_level=log_level,
    )


def load_settings(dotenv_path: Path | None = None) -> Settings:
    """Reads `.env` (if present) under the real environment, which always wins."""
    path = dotenv_path or Path.cwd() / ".env"
    merged: dict[str, str | None] = {}
    if path.is_file():
        merged.update(dotenv_values(path))
    merged.update(os.environ)
    return settings_from_mapping(merged)
