"""`/feedback`, the feedback modal, and the buttons on both sides of a conversation."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.config import ConfigError
from bot.context import AppContext
from bot.feedback_courier import SlackFeedbackCourier
from bot.i18n import t
from bot.listeners.replies import reply_privately
from bot.surfaces import Surfaces
from bot.views import feedback as views
from bot.views.blocks import section
from bot.views.digest import OPEN_FEEDBACK_ACTION
from engagement.errors import DomainError
from engagement.feedback import (
    FeedbackRequest,
    add_reply,
    flag,
    is_small_team,
    own_team,
    role_in,
    set_status,
    start_feedback,
    team_choices,
    threads_for_manager,
    threads_for_writer,
    view_of,
)
from engagement.feedback_model import Author, FeedbackKind, ThreadStatus

logger = logging.getLogger(__name__)


def _user(body: dict[str, Any]) -> str:
    return str(body.get("user_id") or (body.get("user") or {}).get("id") or "")


def _state(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    value = ((view.get("state") or {}).get("values") or {}).get(block, {}).get(action) or {}
    return value if isinstance(value, dict) else {}


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    def open_feedback_modal(
        client: WebClient, trigger_id: str, user_id: str, channel: str | None
    ) -> None:
        with ctx.database.unit_of_work() as uow:
            lang = ctx.language_in(uow, user_id)
            mine = own_team(uow, user_id)
            view = views.feedback_modal(
                lang,
                team_choices(uow),
                default_team_id=mine.id if mine else None,
                small_team_warning=is_small_team(uow, mine),
                k=uow.settings.get().anonymity_k,
                private_metadata=json.dumps({"channel": channel}),
            )
        try:
            client.views_open(trigger_id=trigger_id, view=view)
        except SlackClientError as error:
            logger.warning("views.open failed: %s", type(error).__name__)

    def refuse(
        client: WebClient,
        respond: Respond | None,
        user_id: str,
        channel: str | None,
        error: DomainError,
        text: str | None,
    ) -> None:
        lang = ctx.language_for(user_id)
        message, blocks = views.feedback_problem(lang, error.key, error.params, text)
        reply_privately(
            respond=respond,
            client=client,
            channel_id=channel,
            user_id=user_id,
            text=message,
            blocks=blocks,
        )

    @surfaces.command("/feedback")
    def feedback_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        user_id = _user(command)
        channel = command.get("channel_id")
        if str(command.get("text") or "").strip().lower() in ("list", "lista"):
            try:
                sealer = ctx.sealer
            except ConfigError:
                refuse(
                    client,
                    respond,
                    user_id,
                    channel,
                    DomainError("feedback.errors.secret_missing"),
                    None,
                )
                return
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                text, blocks = views.feedback_list(
                    lang,
                    as_writer=threads_for_writer(uow, sealer, user_id),
                    as_manager=threads_for_manager(uow, user_id),
                )
            reply_privately(
                respond=respond,
                client=client,
                channel_id=channel,
                user_id=user_id,
                text=text,
                blocks=blocks,
            )
            return
        open_feedback_modal(client, str(command.get("trigger_id") or ""), user_id, channel)

    @surfaces.action("home_send_feedback")
    def from_home(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        open_feedback_modal(client, str(body.get("trigger_id") or ""), _user(body), None)

    @surfaces.view(views.FEEDBACK_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user_id = _user(body)
        team = (_state(view, views.TEAM_BLOCK, views.TEAM_ACTION).get("selected_option") or {}).get(
            "value"
        )
        kind = (_state(view, views.KIND_BLOCK, views.KIND_ACTION).get("selected_option") or {}).get(
            "value"
        )
        text = str(_state(view, views.TEXT_BLOCK, views.TEXT_ACTION).get("value") or "")
        options = {
            o.get("value")
            for o in _state(view, views.OPTIONS_BLOCK, views.OPTIONS_ACTION).get("selected_options")
            or []
        }
        lang = ctx.language_for(user_id)
        try:
            sealer = ctx.sealer
            request = FeedbackRequest(
                writer_id=user_id,
                team_id=int(team or 0),
                kind=FeedbackKind(kind or FeedbackKind.IDEA.value),
                text=text,
                anonymous=views.ANONYMOUS_OPTION in options,
                delay=views.DELAY_OPTION in options,
                source_key=f"view:{view.get('id')}",
            )
            with ctx.database.unit_of_work() as uow:
                started = start_feedback(uow, sealer, request, ctx.now())
        except ConfigError:
            ack(
                response_action="errors",
                errors={views.TEXT_BLOCK: t(lang, "feedback.errors.secret_missing")},
            )
            return
        except (ValueError, DomainError) as error:
            problem = (
                error
                if isinstance(error, DomainError)
                else DomainError("feedback.errors.unknown_team")
            )
            block = (
                views.TEAM_BLOCK
                if "team" in problem.key or "recipient" in problem.key
                else views.TEXT_BLOCK
            )
            ack(response_action="errors", errors={block: t(lang, problem.key, **problem.params)})
            return
        ack()
        if started.duplicate:
            return
        courier = SlackFeedbackCourier(ctx, client)
        courier.receipt(started.thread, user_id, delayed=not started.deliver_now)
        if started.routed_to_admins:
            note = started.thread.team_name
            courier.to_writer(
                started.thread.thread_id,
                lambda lg: (
                    views.routed_to_admins_note(lg, note),
                    [section(views.routed_to_admins_note(lg, note))],
                ),
            )
        if started.deliver_now:
            courier.deliver(started.thread.thread_id)

    def open_reply(client: WebClient, body: dict[str, Any], thread_id: str) -> None:
        user_id = _user(body)
        try:
            sealer = ctx.sealer
        except ConfigError:
            return
        with ctx.database.unit_of_work() as uow:
            thread = uow.feedback.get(thread_id)
            role = role_in(sealer, thread, user_id) if thread else None
            lang = ctx.language_in(uow, user_id)
            denied = thread is None or role is None
            quoted = uow.feedback.first_text(thread_id) if not denied else ""
            anonymous = thread.anonymous if thread else True
        if denied:
            refuse(client, None, user_id, None, DomainError("feedback.errors.not_yours"), None)
            return
        modal = views.reply_modal(
            lang,
            thread_id=thread_id,
            to_manager=role is Author.WRITER,
            quoted=quoted,
            anonymous=anonymous,
        )
        try:
            client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=modal)
        except SlackClientError as error:
            logger.warning("views.open failed: %s", type(error).__name__)

    @surfaces.action(views.MANAGER_REPLY_ACTION)
    def manager_reply(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        open_reply(client, body, str(action.get("value") or ""))

    @surfaces.action(views.WRITER_REPLY_ACTION)
    def writer_reply(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        open_reply(client, body, str(action.get("value") or ""))

    @surfaces.view(views.REPLY_MODAL)
    def reply_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        user_id = _user(body)
        thread_id = str(view.get("private_metadata") or "")
        text = str(_state(view, views.REPLY_BLOCK, views.REPLY_ACTION_INPUT).get("value") or "")
        lang = ctx.language_for(user_id)
        try:
            with ctx.database.unit_of_work() as uow:
                reply = add_reply(
                    uow, ctx.sealer, thread_id, user_id, text, f"view:{view.get('id')}", ctx.now()
                )
        except ConfigError:
            ack(
                response_action="errors",
                errors={views.REPLY_BLOCK: t(lang, "feedback.errors.secret_missing")},
            )
            return
        except DomainError as error:
            ack(
                response_action="errors",
                errors={views.REPLY_BLOCK: t(lang, error.key, **error.params)},
            )
            return
        ack()
        if reply.duplicate:
            return
        courier = SlackFeedbackCourier(ctx, client)
        courier.relay(reply.message)
        if reply.reopened:
            courier.to_writer(thread_id, lambda lg: views.status_notice(reply.thread, lg))

    def change_status(
        body: dict[str, Any],
        action: dict[str, Any],
        client: WebClient,
        respond: Respond,
        status: ThreadStatus,
    ) -> None:
        user_id = _user(body)
        thread_id = str(action.get("value") or "")
        try:
            with ctx.database.unit_of_work() as uow:
                view, changed = set_status(uow, thread_id, user_id, status, ctx.now())
                lang = ctx.language_in(uow, user_id)
        except DomainError as error:
            refuse(client, respond, user_id, None, error, None)
            return
        text, blocks = views.manager_card(view, lang)
        respond(text=text, blocks=blocks, replace_original=True)
        if changed:
            SlackFeedbackCourier(ctx, client).to_writer(
                thread_id, lambda lg: views.status_notice(view, lg)
            )

    @surfaces.action(views.ACKNOWLEDGE_ACTION)
    def acknowledge(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        change_status(body, action, client, respond, ThreadStatus.ACKNOWLEDGED)

    @surfaces.action(views.RESOLVE_ACTION)
    def resolve(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        change_status(body, action, client, respond, ThreadStatus.RESOLVED)

    @surfaces.action(OPEN_FEEDBACK_ACTION)
    def open_from_digest(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """The digest's "oldest unanswered" button: the card again, with its buttons."""
        ack()
        user_id = _user(body)
        with ctx.database.unit_of_work() as uow:
            thread = uow.feedback.get(str(action.get("value") or ""))
            lang = ctx.language_in(uow, user_id)
            view = view_of(uow, thread) if thread and thread.manager_id == user_id else None
        if view is None:
            refuse(client, respond, user_id, None, DomainError("feedback.errors.not_yours"), None)
            return
        text, blocks = views.manager_card(view, lang)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

    @surfaces.action(views.FLAG_ACTION)
    def flagged(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user_id = _user(body)
        try:
            with ctx.database.unit_of_work() as uow:
                view = flag(uow, str(action.get("value") or ""), user_id)
                lang = ctx.language_in(uow, user_id)
        except DomainError as error:
            refuse(client, respond, user_id, None, error, None)
            return
        text, blocks = views.manager_card(view, lang)
        respond(text=text, blocks=blocks, replace_original=True)
