"""The one typed settings object, and the only code that reads the environment or `.env`.

Keeping every environment read here means a wrong value fails early with one clear line that
names the variable, instead of surfacing later as a confusing stack trace deep in a listener.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.i18n import t

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///aplauso.db"
DEFAULT_PORT = 3000
DEFAULT_SOCKET_RETRY_MAX_SECONDS = 30.0
_Number = TypeVar("_Number", int, float)
# Set beside the bot token, these make Bolt install itself with OAuth and drop the token.
OAUTH_VARIABLES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
FERNET_KEY_RECIPE = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and how to fix it.

    `str()` is the English line (for logs); `message(lang)` is the line for the admin."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return t(lang, f"cli.config.{self.key}", **self.params)


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
    socket_retry_max_seconds: float = DEFAULT_SOCKET_RETRY_MAX_SECONDS
    """The longest wait between two Socket Mode connection attempts (the backoff's cap)."""
    slack_throttle: bool = True
    """Pace Web API calls by Slack's per-method limits (off only for benches against a fake
    Slack without limits: `APLAUSO_SLACK_THROTTLE=off`)."""
    pin_workers: bool = True
    """Keep each `serve` worker on a core of its own when there is one for each
    (bot/worker_cores.py); `APLAUSO_PIN_WORKERS=off` leaves placement to the kernel."""
    language: str = "en"
    """The language the command line answers in, from the shell's locale (LANG and friends)."""
    malloc_arenas_chosen: bool = False
    """`MALLOC_ARENA_MAX` is set: glibc follows it, and `serve` leaves its own cap aside."""

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def require_for_serve(self) -> None:
        """Fails with a clear line when `serve` lacks what it needs to talk to Slack."""
        if not self.slack_bot_token:
            raise ConfigError("bot_token_required")
        if self.socket_mode:
            if not (self.slack_app_token or "").startswith("xapp-"):
                raise ConfigError("app_token_prefix")
        elif not self.slack_signing_secret:
            raise ConfigError("signing_secret_required")
        self.require_secret_key()

    def require_secret_key(self) -> str:
        if not self.secret_key:
            raise ConfigError("secret_key_required", recipe=FERNET_KEY_RECIPE)
        return self.secret_key


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _parse_in_range(
    raw: str | None,
    read: Callable[[str], _Number],
    bounds: tuple[_Number, _Number],
    default: _Number,
    error: str,
) -> _Number:
    """`raw` read as a number within `bounds` (`default` when unset); otherwise the
    friendly `error` line, with the value it got."""
    if raw is None:
        return default
    try:
        value = read(raw)
    except ValueError:
        raise ConfigError(error, value=raw) from None
    if not bounds[0] <= value <= bounds[1]:
        raise ConfigError(error, value=raw)
    return value


def _parse_port(raw: str | None) -> int:
    return _parse_in_range(raw, int, (1, 65535), DEFAULT_PORT, "port")


def _parse_database_url(raw: str | None) -> str:
    url = raw or DEFAULT_DATABASE_URL
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError("database_url", url=url) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError("database_backend", backend=backend)
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise ConfigError("database_driver")
    return url


def _parse_api_url(raw: str | None) -> str:
    url = raw or DEFAULT_SLACK_API_URL
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("api_url", url=url)
    return url if url.endswith("/") else url + "/"


def _parse_retry_cap(raw: str | None) -> float:
    return _parse_in_range(
        raw, float, (0.05, 600.0), DEFAULT_SOCKET_RETRY_MAX_SECONDS, "socket_retry"
    )


def _parse_secret_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    from cryptography.fernet import Fernet

    try:
        Fernet(raw.encode())
    except ValueError:
        raise ConfigError("secret_key_invalid", recipe=FERNET_KEY_RECIPE) from None
    return raw


def interface_language(env: Mapping[str, str | None] | None = None) -> str:
    """Spanish for a Spanish shell locale (`es_ES.UTF-8`, `es_MX`), English otherwise.

    POSIX order: LC_ALL wins over LC_MESSAGES, which wins over LANG; "C" and "POSIX" mean English.
    """
    source = os.environ if env is None else env
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = _clean(source.get(variable))
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def _parse_switch(value: str | None, key: str) -> bool:
    """on/off (also true/false, 1/0, yes/no); unset is on."""
    if value is None or value.lower() in ("on", "true", "1", "yes"):
        return True
    if value.lower() in ("off", "false", "0", "no"):
        return False
    raise ConfigError(key, value=value)


def settings_from_mapping(env: Mapping[str, str | None]) -> Settings:
    """Builds settings from a plain mapping, so tests need not touch the process environment."""
    log_level = (_clean(env.get("APLAUSO_LOG_LEVEL")) or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("log_level")
    oauth = [name for name in OAUTH_VARIABLES if _clean(env.get(name))]
    if oauth:  # Bolt would switch to OAuth by itself and ignore SLACK_BOT_TOKEN
        raise ConfigError("oauth_credentials", names=", ".join(oauth))
    kudos_channel = _clean(env.get("APLAUSO_KUDOS_CHANNEL"))
    if kudos_channel and kudos_channel[0] not in "CG":
        raise ConfigError("kudos_channel", value=kudos_channel)
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
        socket_retry_max_seconds=_parse_retry_cap(
            _clean(env.get("APLAUSO_SOCKET_RETRY_MAX_SECONDS"))
        ),
        slack_throttle=_parse_switch(_clean(env.get("APLAUSO_SLACK_THROTTLE")), "slack_throttle"),
        pin_workers=_parse_switch(_clean(env.get("APLAUSO_PIN_WORKERS")), "pin_workers"),
        language=interface_language(env),
        malloc_arenas_chosen=bool(_clean(env.get("MALLOC_ARENA_MAX"))),
    )


def load_settings(dotenv_path: Path | None = None) -> Settings:
    """Reads `.env` (if present) under the real environment, which always wins."""
    path = dotenv_path or Path.cwd() / ".env"
    merged: dict[str, str | None] = {}
    if path.is_file():
        merged.update(dotenv_values(path))
    merged.update(os.environ)
    return settings_from_mapping(merged)
