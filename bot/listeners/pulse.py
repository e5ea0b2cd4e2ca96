"""Pulse buttons: an answer, a comment, skipping the week, stopping the surveys.

The DM is redrawn in place after each click, once the service's transaction has closed.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.adapters.slack_messages import open_modal
from bot.i18n import t
from bot.middleware import language_of
from bot.parsing import Click, click_of, message_location, state_value, trigger_id_of, user_id_of
from bot.surfaces import Surfaces
from bot.views import pulse as views
from engagement.errors import DomainError
from engagement.pulse import PulseService
from engagement.pulse_model import WeekClosed
from engagement.services import Services

logger = logging.getLogger(__name__)

Where = tuple[str | None, str | None]


def _redraw(client: WebClient, where: Where, message: views.Message) -> None:
    channel, ts = where
    if not (channel and ts):
        return
    text, blocks = message
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackClientError as error:
        logger.warning("chat.update failed: %s", type(error).__name__)


def _refused(context: BoltContext, where: Where, respond: Respond, error: DomainError) -> None:
    """Says why, privately; a click on a closed week also closes the DM."""
    lang = language_of(context)
    if isinstance(error, WeekClosed):
        _redraw(context.client, where, views.closed_message(lang))
    text = t(lang, error.key, **error.params)
    respond(text=text, response_type="ephemeral", replace_original=False)


def _comment_form(view: dict[str, Any]) -> tuple[views.CommentTarget, int, str | None] | None:
    """What the modal is about, the chosen score and the comment; None when it is not ours."""
    target = views.parse_comment_metadata(str(view.get("private_metadata") or ""))
    chosen = state_value(view, views.COMMENT_SCORE_BLOCK, views.COMMENT_SCORE_ACTION)
    score = str((chosen.get("selected_option") or {}).get("value") or "")
    if target is None or not score.isdigit():
        return None
    comment = state_value(view, views.COMMENT_TEXT_BLOCK, views.COMMENT_TEXT_ACTION).get("value")
    return target, int(score), comment


def register(surfaces: Surfaces, services: Services) -> None:
    _register_buttons(surfaces, services)
    _register_comment(surfaces, services)


def _press(pulse: PulseService, user_id: str, click: Click, lang: str) -> views.Message | None:
    """The service call a DM button stands for, and the DM as it reads afterwards; None for a
    value that is not ours."""
    if click.action_id == views.STOP_ACTION:
        pulse.opt_out(user_id)
        return views.stopped_message(lang)
    if click.action_id == views.SKIP_ACTION:
        week = views.parse_week(click.value)
        if week is None:
            return None
        pulse.skip_week(user_id, week)
        return views.skipped_message(lang)
    score = views.parse_score_value(click.value)
    if score is None:
        return None
    outcome = pulse.answer(user_id, score.week, score.key, score.score)
    return views.pulse_message(outcome.invite, lang)


def _register_buttons(surfaces: Surfaces, services: Services) -> None:
    """The DM's own buttons: a score, skipping the week, stopping the surveys."""

    @surfaces.action(re.compile(rf"^{views.SCORE_ACTION_PREFIX}\d+$"))
    @surfaces.action(views.SKIP_ACTION)
    @surfaces.action(views.STOP_ACTION)
    def on_dm_button(
        ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond
    ) -> None:
        ack()
        where = message_location(body)
        try:
            message = _press(services.pulse, user_id_of(body), click_of(body), language_of(context))
        except DomainError as error:
            _refused(context, where, respond, error)
            return
        if message is not None:
            _redraw(context.client, where, message)


def _register_comment(surfaces: Surfaces, services: Services) -> None:
    """The "Add a comment" button: a modal that takes the answer and its comment together."""

    @surfaces.action(views.COMMENT_ACTION)
    def comment_clicked(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        target = views.parse_question_value(click_of(body).value)
        question = services.pulse.question(target.key) if target else None
        if target is None or question is None:
            return
        channel, ts = message_location(body)
        modal = views.comment_modal(
            question, language_of(context), target=target, channel=channel, ts=ts
        )
        open_modal(context.client, trigger_id_of(body), modal)

    @surfaces.view(views.COMMENT_MODAL)
    def comment_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        form = _comment_form(view)
        if form is None:
            ack()
            return
        (target, score, comment), lang = form, language_of(context)
        week, key = target.question
        try:
            outcome = services.pulse.comment(user_id_of(body), week, key, score, comment)
        except DomainError as error:
            message = t(lang, error.key, **error.params)
            ack(response_action="errors", errors=views.comment_errors(error.field, message))
            return
        ack()
        where = (target.channel, target.ts)
        _redraw(context.client, where, views.pulse_message(outcome.invite, lang))
