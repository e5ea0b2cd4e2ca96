"""Turns what can go wrong around Aplauso (database, port, files, Slack) into one line.

The person running `aplauso` is often HR or a founder, not a Python developer: each failure
says what is wrong and how to fix it, in their language, and never shows a traceback (that
goes to the log with `--debug` or APLAUSO_LOG_LEVEL=DEBUG).
"""

from __future__ import annotations

import errno
from pathlib import Path
from urllib.error import URLError

from slack_sdk.errors import SlackClientError
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.i18n import t
from bot.slack_checks import TOKEN_REFUSED, SlackProblem, problem_from
from engagement.errors import DirectoryUnavailable

PORT_ERRORS = {
    errno.EADDRINUSE: "cli.port.in_use",
    errno.EACCES: "cli.port.denied",
    errno.EADDRNOTAVAIL: "cli.port.unavailable",
}
FILE_ERRORS = {
    errno.EROFS: "cli.files.read_only",
    errno.EACCES: "cli.files.denied",
    errno.EPERM: "cli.files.denied",
    errno.ENOSPC: "cli.files.no_space",
    errno.ENOENT: "cli.files.missing",
    errno.ENOTDIR: "cli.files.not_a_folder",
    errno.EISDIR: "cli.files.is_a_folder",
}
POSTGRES_REASONS = (
    ("password authentication failed", "cli.database.login_refused"),
    ("no password supplied", "cli.database.login_refused"),
    ('role "', "cli.database.login_refused"),
    ("does not exist", "cli.database.missing_database"),
    ("could not translate host name", "cli.database.unknown_host"),
    ("name or service not known", "cli.database.unknown_host"),
)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return text[0][:160] if text else type(error).__name__


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _sqlite_line(url: URL, reason: str, lang: str) -> str:
    path = Path(url.database or "aplauso.db").expanduser().absolute()
    lowered = reason.lower()
    if "locked" in lowered:
        return t(lang, "cli.database.sqlite_locked", path=path)
    if "unable to open" in lowered and not path.parent.is_dir():
        return t(lang, "cli.database.sqlite_no_folder", folder=path.parent)
    if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        return t(lang, "cli.database.sqlite_read_only", path=path)
    return t(lang, "cli.database.other", reason=reason)


def database_line(error: SQLAlchemyError, database_url: str, lang: str) -> str:
    """What a database error means for whoever runs Aplauso; never the password."""
    url = make_url(database_url)
    reason = _first_line(error)
    if url.get_backend_name() == "sqlite":
        return _sqlite_line(url, reason, lang)
    lowered = reason.lower()
    for fragment, key in POSTGRES_REASONS:
        if fragment in lowered:
            return t(lang, key, where=_where(url), user=url.username or "?", database=url.database)
    short = reason.rsplit(": ", 1)[-1]  # `connection to server at ... failed: Connection refused`
    return t(lang, "cli.database.unreachable", where=_where(url), reason=short)


def os_line(error: OSError, lang: str, port: int | None) -> str:
    """A file that cannot be written, or a port that cannot be opened."""
    if error.filename is None and port is not None and error.errno in PORT_ERRORS:
        return t(lang, PORT_ERRORS[error.errno], port=port)
    key = FILE_ERRORS.get(error.errno or 0, "cli.files.other")
    path = error.filename if error.filename is not None else "?"
    return t(lang, key, path=path, reason=error.strerror or type(error).__name__)


def directory_line(error: DirectoryUnavailable, settings: Settings, lang: str) -> str:
    """The directory port says only Slack's code or the exception's class name."""
    code = str(error)
    if code in TOKEN_REFUSED:
        return t(lang, "cli.slack.token_refused", code=code)
    if code == "ratelimited":
        return t(lang, "cli.slack.rate_limited")
    if code and code[0].islower() and code != "not prefetched":
        return t(lang, "cli.slack.error", method="users.info", code=code)
    return t(lang, "cli.slack.unreachable", url=settings.slack_api_url, reason=code)


def describe(
    error: BaseException, settings: Settings, lang: str, *, port: int | None = None
) -> str | None:
    """The one line for an error from outside Aplauso, or None for a bug."""
    if isinstance(error, SlackProblem):
        return error.message(lang)
    if isinstance(error, SQLAlchemyError):
        return database_line(error, settings.database_url, lang)
    if isinstance(error, DirectoryUnavailable):
        return directory_line(error, settings, lang)
    if isinstance(error, (SlackClientError, URLError)):
        return problem_from(error, "api", settings.slack_api_url).message(lang)
    if isinstance(error, OSError):
        return os_line(error, lang, port)
    return None
