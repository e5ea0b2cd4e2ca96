"""The one place the Slack Web API client is built, so every call goes through SLACK_API_URL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot.config import Settings
from bot.slack_http import KEPT_ALIVE
from bot.slack_throttle import SharedRateLimitRetryHandler, SlackThrottle, method_of

REQUEST_TIMEOUT_SECONDS = 10
SERVER_ERRORS = (500, 502, 503, 504)

CallGuard = Callable[[str], None]
"""Called with the method name before every Web API call; raises to refuse the call."""


class SlackCallInsideTransaction(RuntimeError):
    """A Web API call was attempted while a database transaction was open on this thread."""


def is_findable_post(request: HttpRequest) -> bool:
    """A chat.postMessage that carries message metadata. After a 5xx or a dropped connection
    Slack may have taken it anyway, so it is not resent blindly here: its sender looks for the
    metadata in the conversation first (bot/adapters/slack_messages.py, post_exactly_once)."""
    return method_of(request) == "chat.postMessage" and b'"metadata"' in (request.data or b"")


class TransientErrorRetryHandler(ConnectionErrorRetryHandler):
    """Retries a dropped connection and a 500, 502, 503 or 504 (slack_sdk's own server-error
    handler knows only 500 and 503; Slack's load balancers answer 502 and 504 in passing),
    except on a post whose sender looks before posting again."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if is_findable_post(request):
            return False
        if response is not None:
            return response.status_code in SERVER_ERRORS
        return super()._can_retry(state=state, request=request, response=response, error=error)


class GuardedWebClient(WebClient):
    """A WebClient that asks its guard first (no Slack call may run inside a transaction),
    then waits for the method's share of Slack's rate limit when it has a throttle."""

    def __init__(
        self,
        *,
        guard: CallGuard | None = None,
        throttle: SlackThrottle | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self._guard = guard
        self._throttle = throttle

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        if self._guard is not None:
            self._guard(api_method)
        if self._throttle is not None:
            self._throttle.acquire(api_method)
        return super().api_call(api_method, **kwargs)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        """The request slack-sdk built, sent over this thread's kept-alive connection
        (bot/slack_http.py); through a proxy, as slack-sdk sends it."""
        if self.proxy is not None:
            return super()._perform_urllib_http_request_internal(url, req)
        answer = KEPT_ALIVE.send(req, ssl_context=self.ssl, timeout=self.timeout)
        # A plain dict, read in one pass: slack-sdk copies the headers key by key, and each
        # key looked up in an HTTPMessage is a scan of all of them (a hundred lower() calls).
        headers = dict(answer.headers.items())
        if answer.headers.get_content_type() == "application/gzip":
            return {"status": answer.status, "headers": headers, "body": answer.body}
        charset = answer.headers.get_content_charset() or "utf-8"
        body = answer.body.decode(charset)
        return {"status": answer.status, "headers": headers, "body": body}


class KeptAliveWebhookClient(WebhookClient):
    """Posts to a response URL over this thread's kept-alive connection to Slack."""

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        if self.proxy is not None:
            through_proxy: WebhookResponse = super()._perform_http_request_internal(url, req)
            return through_proxy
        answer = KEPT_ALIVE.send(req, ssl_context=self.ssl, timeout=self.timeout)
        charset = answer.headers.get_content_charset() or "utf-8"
        return WebhookResponse(
            url=url,
            status_code=answer.status,
            body=answer.body.decode(charset),
            headers=dict(answer.headers.items()),
        )


def make_web_client(
    settings: Settings,
    token: str | None = None,
    *,
    guard: CallGuard | None = None,
    throttle: SlackThrottle | None = None,
) -> WebClient:
    """slack-sdk retries only one connection error by default; Slack's 429s and 5xx need handlers.

    The handlers share one count of attempts per call. The 429 handler sleeps in the calling
    thread, which is why no Web API call is made on the thread that answers Slack: listeners
    run on the pool, and one that has not acknowledged yet is answered empty after 2.5 s
    whatever it waits for (bot/handoff.py). Listeners get
    this same client (see bot/middleware.py), so the guard and the throttle see every call the
    app makes; with a throttle, one 429 holds the method for every thread of the process.
    """
    rate_limits = (
        RateLimitErrorRetryHandler(max_retry_count=6)
        if throttle is None
        else SharedRateLimitRetryHandler(throttle, max_retry_count=6)
    )
    return GuardedWebClient(
        guard=guard,
        throttle=throttle,
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[
            TransientErrorRetryHandler(max_retry_count=2),
            rate_limits,
        ],
    )
