"""The one place the Slack Web API client is built, so every call goes through SLACK_API_URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.config import Settings

REQUEST_TIMEOUT_SECONDS = 10

CallGuard = Callable[[str], None]
"""Called with the method name before every Web API call; raises to refuse the call."""


class SlackCallInsideTransaction(RuntimeError):
    """A Web API call was attempted while a database transaction was open on this thread."""


class GuardedWebClient(WebClient):
    """A WebClient that asks its guard first: no Slack call may run inside a transaction."""

    def __init__(self, *, guard: CallGuard | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._guard = guard

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if self._guard is not None:
            self._guard(api_method)
        return super().api_call(api_method, **kwargs)


def make_web_client(
    settings: Settings, token: str | None = None, *, guard: CallGuard | None = None
) -> WebClient:
    """slack-sdk retries only one connection error by default; Slack's 429s and 5xx need handlers.

    The 429 handler sleeps in the calling thread, which is why no Web API call is made before
    a listener acknowledges. Listeners get this same client (see bot/middleware.py), so the
    guard sees every call the app makes.
    """
    return GuardedWebClient(
        guard=guard,
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=6),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
