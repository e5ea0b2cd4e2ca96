"""The one place the Slack Web API client is built, so every call goes through SLACK_API_URL."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings

REQUEST_TIMEOUT_SECONDS = 10


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """slack-sdk retries only one connection error by default; Slack's 429s and 5xx need handlers.

    Bolt copies these handlers into the client of every request, so listeners get them too.
    The 429 handler sleeps in the calling thread, which is why no Web API call is made before
    a listener acknowledges.
    """
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=6),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
