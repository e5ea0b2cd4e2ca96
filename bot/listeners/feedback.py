"""`/feedback`, the feedback modal, and the buttons on both sides of a conversation.

Each handler parses the payload, calls one `FeedbackService` method and renders one view. Who
may see or do what, and every post to the other side of a conversation, is the service's job.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.adapters.replies import Message, reply_message
from bot.adapters.slack_messages import open_modal
from bot.middleware import language_of
from bot.parsing import click_of, state_value, trigger_id_of, user_id_of
from bot.surfaces import Surfaces
from bot.views import feedback as views
from bot.views import feedback_modal as forms
from bot.views.digest import OPEN_FEEDBACK_ACTION
from engagement.errors import DomainError
from engagement.feedback import FeedbackService
from engagement.feedback_model import (
    FeedbackKind,
    FeedbackRequest,
    FeedbackThreadView,
    ThreadStatus,
)
from engagement.services import Services

LIST_WORDS = frozenset({"list", "lista"})
KINDS = {kind.value: kind for kind in FeedbackKind}

CardLoader = Callable[[str, str], FeedbackThreadView]
"""A service call that returns the card to redraw, from (thread id, user id)."""


def _selected(view: dict[str, Any], block: str, action: str) -> str:
    chosen = state_value(view, block, action).get("selected_option")
    return str(chosen.get("value") or "") if isinstance(chosen, dict) else ""


def _feedback_request(body: dict[str, Any], view: dict[str, Any]) -> FeedbackRequest:
    """The submitted form as a request; an odd team value is 0, which the service refuses."""
    team = _selected(view, forms.TEAM_BLOCK, forms.TEAM_ACTION)
    checked = state_value(view, forms.OPTIONS_BLOCK, forms.OPTIONS_ACTION).get("selected_options")
    options = {str(o.get("value")) for o in checked or [] if isinstance(o, dict)}
    return FeedbackRequest(
        writer_id=user_id_of(body),
        team_id=int(team) if team.isdigit() else 0,
        kind=KINDS.get(_selected(view, forms.KIND_BLOCK, forms.KIND_ACTION), FeedbackKind.IDEA),
        text=str(state_value(view, forms.TEXT_BLOCK, forms.TEXT_ACTION).get("value") or ""),
        anonymous=forms.ANONYMOUS_OPTION in options,
        delay=True,  # every feedback waits for the next delivery slot
        source_key=f"view:{view.get('id')}",
    )


def _tell(
    context: BoltContext,
    respond: Respond | None,
    user_id: str,
    channel: str | None,
    message: Message,
) -> None:
    reply_message(respond, context.client, channel, user_id, message)


def _refusal(context: BoltContext, error: DomainError) -> Message:
    return views.feedback_problem(language_of(context), error.key, error.params, None)


def _show_card(
    body: dict[str, Any], context: BoltContext, respond: Respond, load: CardLoader, *, redraw: bool
) -> None:
    """The card after a button: redrawn in place, or shown again below the digest."""
    user_id = user_id_of(body)
    try:
        thread = load(click_of(body).value, user_id)
    except DomainError as error:
        _tell(context, respond, user_id, None, _refusal(context, error))
        return
    text, blocks = views.manager_card(thread, language_of(context))
    if redraw:
        respond(text=text, blocks=blocks, replace_original=True)
    else:
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)


def register(surfaces: Surfaces, services: Services) -> None:
    _register_writing(surfaces, services.feedback)
    _register_replies(surfaces, services.feedback)
    _register_cards(surfaces, services.feedback)


def _register_writing(surfaces: Surfaces, feedback: FeedbackService) -> None:
    """`/feedback` (the form, or `list`), the Home tab's button, and the form's submission."""

    def open_form(context: BoltContext, trigger_id: str, user_id: str, channel: Any) -> None:
        form = feedback.compose(user_id)
        modal = forms.feedback_modal(
            language_of(context),
            form.teams,
            default_team_id=form.default_team_id,
            small_team_warning=form.small_team_warning,
            k=form.k,
            private_metadata=json.dumps({"channel": channel}),
        )
        open_modal(context.client, trigger_id, modal)

    @surfaces.command("/feedback")
    def feedback_command(
        ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        ack()
        user_id, channel = user_id_of(command), command.get("channel_id")
        if str(command.get("text") or "").strip().lower() not in LIST_WORDS:
            open_form(context, trigger_id_of(command), user_id, channel)
            return
        try:
            mine = feedback.conversations(user_id)
        except DomainError as error:
            _tell(context, respond, user_id, channel, _refusal(context, error))
            return
        shown = views.feedback_list(
            language_of(context), as_writer=mine.as_writer, as_manager=mine.as_manager
        )
        _tell(context, respond, user_id, channel, shown)

    @surfaces.action("home_send_feedback")
    def from_home(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        open_form(context, trigger_id_of(body), user_id_of(body), None)

    @surfaces.view(forms.FEEDBACK_MODAL)
    def submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        """The modal closes once the feedback is stored; the posts follow."""
        try:
            feedback.submit(_feedback_request(body, view), accepted=ack)
        except DomainError as error:
            errors = forms.feedback_form_errors(
                language_of(context), error.field, error.key, error.params
            )
            ack(response_action="errors", errors=errors)


def _register_replies(surfaces: Surfaces, feedback: FeedbackService) -> None:
    @surfaces.action(views.MANAGER_REPLY_ACTION)
    @surfaces.action(views.WRITER_REPLY_ACTION)
    def reply_button(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """Either side's Reply button: the service knows which side this person is on."""
        ack()
        user_id = user_id_of(body)
        try:
            draft = feedback.open_reply(click_of(body).value, user_id)
        except DomainError as error:
            _tell(context, None, user_id, None, _refusal(context, error))
            return
        modal = forms.reply_modal(
            language_of(context),
            thread_id=draft.thread_id,
            to_manager=draft.to_manager,
            quoted=draft.quoted,
            anonymous=draft.anonymous,
            history=draft.history,
        )
        open_modal(context.client, trigger_id_of(body), modal)

    @surfaces.view(forms.REPLY_MODAL)
    def reply_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        text = str(
            state_value(view, forms.REPLY_BLOCK, forms.REPLY_ACTION_INPUT).get("value") or ""
        )
        thread_id = str(view.get("private_metadata") or "")
        try:
            feedback.reply(
                thread_id, user_id_of(body), text, f"view:{view.get('id')}", accepted=ack
            )
        except DomainError as error:
            errors = forms.reply_form_errors(language_of(context), error.key, error.params)
            ack(response_action="errors", errors=errors)


def _register_cards(surfaces: Surfaces, feedback: FeedbackService) -> None:
    """The card's buttons (acknowledge, resolve, flag) and the digest's way back to a card."""

    def setting(status: ThreadStatus) -> CardLoader:
        return lambda thread_id, user_id: feedback.set_status(thread_id, user_id, status)

    loaders: dict[str, CardLoader] = {
        **{action_id: setting(status) for action_id, status in views.STATUS_ACTIONS.items()},
        views.FLAG_ACTION: feedback.flag,
        OPEN_FEEDBACK_ACTION: feedback.card_for,
    }

    @surfaces.action(views.ACKNOWLEDGE_ACTION)
    @surfaces.action(views.RESOLVE_ACTION)
    @surfaces.action(views.FLAG_ACTION)
    @surfaces.action(OPEN_FEEDBACK_ACTION)
    def on_card(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
        """A card's own buttons redraw it in place; the digest's "oldest unanswered" button
        shows the card again below the digest, with its buttons."""
        ack()
        action_id = click_of(body).action_id
        redraw = action_id != OPEN_FEEDBACK_ACTION
        _show_card(body, context, respond, loaders[action_id], redraw=redraw)
