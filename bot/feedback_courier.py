"""Carries feedback between the writer's DM and the manager's DM, each in its own thread."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.context import AppContext
from bot.views import feedback as views
from engagement.errors import DomainError
from engagement.feedback import (
    mark_delivered,
    remember_writer_thread,
    reroute_team,
    view_of,
    writer_route,
)
from engagement.feedback_model import FeedbackMessageView, FeedbackThreadView

logger = logging.getLogger(__name__)

Renderer = Callable[[str], tuple[str, list[dict[str, Any]]]]
"""Renders a message in the language it is given."""


def post(
    client: WebClient,
    channel: str,
    text: str,
    blocks: list[dict[str, Any]],
    thread_ts: str | None = None,
) -> tuple[str, str] | None:
    try:
        response = client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
        )
    except SlackClientError as error:
        logger.warning("chat.postMessage failed: %s", type(error).__name__)
        return None
    return str(response.get("channel") or ""), str(response.get("ts") or "")


class SlackFeedbackCourier:
    def __init__(self, ctx: AppContext, client: WebClient) -> None:
        self.ctx = ctx
        self.client = client

    def deliver(self, thread_id: str) -> None:
        """Posts the card in the recipient's DM; if Slack refuses, the writer hears so, text kept."""
        with self.ctx.database.unit_of_work() as uow:
            thread = uow.feedback.get(thread_id)
            if thread is None or thread.delivered:
                return
            view = view_of(uow, thread)
            lang = self.ctx.language_in(uow, thread.manager_id)
        posted = post(self.client, thread.manager_id, *views.manager_card(view, lang))
        if posted is None:
            self.tell_writer_delivery_failed(thread_id, view)
            return
        with self.ctx.database.unit_of_work() as uow:
            mark_delivered(uow, thread_id, *posted)

    def receipt(self, thread: FeedbackThreadView, writer_id: str, *, delayed: bool) -> None:
        lang = self.ctx.language_for(writer_id)
        posted = post(self.client, writer_id, *views.writer_receipt(thread, lang, delayed=delayed))
        if posted is not None:
            with self.ctx.database.unit_of_work() as uow:
                remember_writer_thread(uow, self.ctx.sealer, thread.thread_id, *posted)

    def tell_writer_delivery_failed(self, thread_id: str, view: FeedbackThreadView) -> None:
        with self.ctx.database.unit_of_work() as uow:
            thread = uow.feedback.get(thread_id)
            route = writer_route(self.ctx.sealer, thread) if thread else None
        if route is None:
            return
        lang = self.ctx.language_for(route.user_id)
        post(self.client, route.user_id, *views.delivery_failed(lang, view.first_text), route.ts)

    def to_writer(self, thread_id: str, blocks_for: Renderer) -> None:
        """Posts in the writer's DM thread; `blocks_for(lang)` renders in their language."""
        with self.ctx.database.unit_of_work() as uow:
            thread = uow.feedback.get(thread_id)
            route = writer_route(self.ctx.sealer, thread) if thread else None
        if route is None:
            return  # the token was forgotten: the conversation is over
        lang = self.ctx.language_for(route.user_id)
        post(self.client, route.channel_id or route.user_id, *blocks_for(lang), route.ts)

    def to_manager(self, thread_id: str, blocks_for: Renderer) -> None:
        with self.ctx.database.unit_of_work() as uow:
            thread = uow.feedback.get(thread_id)
            team = uow.teams.get(thread.team_id) if thread else None
            if thread is None or team is None:
                return
            with contextlib.suppress(DomainError):  # nobody to hand over to: keep the manager
                reroute_team(uow, team)  # a manager who left hands the conversation on
            thread = uow.feedback.get(thread_id)
            assert thread is not None
            lang = self.ctx.language_in(uow, thread.manager_id)
            channel, ts = thread.manager_channel or thread.manager_id, thread.manager_ts
        post(self.client, channel, *blocks_for(lang), ts)

    def relay(self, message: FeedbackMessageView) -> None:
        """A reply goes to the other side, and a copy into the author's own thread."""
        self.to_writer(
            message.thread_id, lambda lang: views.thread_message(message, lang, for_writer=True)
        )
        self.to_manager(
            message.thread_id, lambda lang: views.thread_message(message, lang, for_writer=False)
        )
