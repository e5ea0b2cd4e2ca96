"""The last line of defence for failures before a listener runs (middleware, Bolt itself).

Logged once with the traceback but without payload texts; the person is told in the answer
when it can carry words (a command's reply, a modal's inline error), else right after; an
event that met an outage gets 503, so Slack delivers it again once the database is back.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient

from bot.outage import answer_before_ack, immediate_answer, kind_of, log_failure, tell_later


def register(app: App) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], context: BoltContext, client: WebClient
    ) -> BoltResponse:
        payload = body if isinstance(body, dict) else {}
        cause = log_failure(error, payload, "request")
        lang = context.get("lang")
        answer = answer_before_ack(payload, cause, lang)
        if kind_of(payload) != "event" and immediate_answer(payload, "") is None:
            _tell_after_answer(app, payload, client, cause, lang)
        return answer


def _tell_after_answer(
    app: App, body: dict[str, Any], client: WebClient, cause: Any, lang: str | None
) -> None:
    """On the listener pool, so Slack's answer does not wait for the apology to be sent."""
    app.listener_runner.listener_executor.submit(tell_later, body, client, cause, lang)
