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

from bot.i18n import t
from bot.middleware import language_of
from bot.parsing import message_location, state_value, trigger_id_of, user_id_of
from bot.surfaces import Surfaces
from bot.views import pulse as views
from engagement.errors import DomainError
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


def _register_buttons(surfaces: Surfaces, services: Services) -> None:
    """The DM's own buttons: a score, skipping the week, stopping the surveys."""

    @surfaces.action(re.compile(rf"^{views.SCORE_ACTION_PREFIX}\d+$"))
    def answered(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        click = views.parse_score_value(str(action.get("value") or ""))
        if click is None:
            return
        try:
            outcome = services.pulse.answer(user_id_of(body), click.week, click.key, click.score)
        except DomainError as error:
            _refused(context, message_location(body), respond, error)
            return
        message = views.pulse_message(outcome.invite, language_of(context))
        _redraw(context.client, message_location(body), message)

    @surfaces.action(views.SKIP_ACTION)
    def skipped(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        respond: Respond,
    ) -> None:
        ack()
        week = views.parse_week(action.get("value"))
        if week is None:
            return
        try:
            services.pulse.skip_week(user_id_of(body), week)
        except DomainError as error:
            _refused(context, message_location(body), respond, error)
            return
        message = views.skipped_message(language_of(context))
        _redraw(context.client, message_location(body), message)

    @surfaces.action(views.STOP_ACTION)
    def stopped(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        ack()
        try:
            services.pulse.opt_out(user_id_of(body))
        except DomainError as error:
            _refused(context, message_location(body), respond, error)
            return
        message = views.stopped_message(language_of(context))
        _redraw(context.client, message_location(body), message)


def _register_comment(surfaces: Surfaces, services: Services) -> None:
    """The "Add a comment" button: a modal that takes the answer and its comment together."""

    @surfaces.action(views.COMMENT_ACTION)
    def comment_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        target = views.parse_question_value(str(action.get("value") or ""))
        question = services.pulse.question(target.key) if target else None
        if target is None or question is None:
            return
        channel, ts = message_location(body)
        modal = views.comment_modal(
            question, language_of(context), target=target, channel=channel, ts=ts
        )
        try:
            context.client.views_open(trigger_id=trigger_id_of(body), view=modal)
        except SlackClientError as error:
            logger.warning("views.open failed: %s", type(error).__name__)

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
