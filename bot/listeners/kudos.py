"""Kudos from every surface: /kudos, the modal, both shortcuts, reactions, mentions, buttons.

Each handler reads Slack's payload into plain values, calls one `KudosService` method and
renders its answer. The service tells the giver first (through `on_recorded`), then the
receivers and the channel.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.adapters.replies import reply_message, responder
from bot.adapters.slack_messages import open_modal, permalink, update_modal
from bot.listeners.leaderboards import answer_top
from bot.markup import read_kudos_markup
from bot.middleware import language_of
from bot.parsing import (
    click_of,
    message_location,
    private_metadata,
    state_value,
    trigger_id_of,
    user_id_of,
)
from bot.surfaces import Surfaces
from bot.views import kudos as views
from bot.views import kudos_modal as modal
from engagement.errors import DomainError
from engagement.kudos import KudosService
from engagement.kudos_model import GivenKudos, KudosForm, KudosRequest, Reaction, SourceKind
from engagement.leaderboards import LeaderboardService
from engagement.leaderboards_model import is_top_command
from engagement.services import Services

HELP_WORDS = frozenset({"help", "ayuda"})
QUOTE_MAX = 300
METADATA_MAX = 3000


@dataclass(frozen=True)
class ModalDraft:
    """What the modal opens with, and what its submission will need back (`metadata`)."""

    metadata: dict[str, Any]
    receivers: tuple[str, ...] = ()
    quote: str | None = None
    permalink: str | None = None

    def render(self, lang: str, form: KudosForm) -> dict[str, Any]:
        metadata = {**self.metadata, **({"permalink": self.permalink} if self.permalink else {})}
        return modal.kudos_modal(
            lang,
            form.values,
            celebrated=form.celebrated,
            private_metadata=json.dumps(metadata)[:METADATA_MAX],
            initial_receivers=self.receivers,
            quote=self.quote,
            quote_permalink=self.permalink,
        )


def _confirmer(
    context: BoltContext,
    respond: Respond | None,
    channel_id: str | None,
    *,
    quiet_twins: bool,
    thread_ts: str | None = None,
) -> Callable[[GivenKudos], None]:
    """Tells the giver it worked, wherever they are (see `reply_message`); `quiet_twins`: a
    repeat (retry, double reaction) says nothing."""
    lang = language_of(context)

    def confirm(given: GivenKudos) -> None:
        if not (quiet_twins and given.duplicate):
            message = views.giver_confirmation(given, lang)
            reply_message(
                respond, context.client, channel_id, given.giver_id, message, thread_ts=thread_ts
            )

    return confirm


def _give_typed(
    kudos: KudosService,
    context: BoltContext,
    respond: Respond | None,
    channel_id: str | None,
    text: str,
    source_kind: SourceKind,
    source_key: str,
    message_ts: str | None = None,
    thread_ts: str | None = None,
) -> None:
    """The one path for typed kudos (slash command and @mention); a refusal hands the text
    back, as the person typed it (`@rosa.mendez`, not `<@U26ROSA|rosa.mendez>`)."""
    giver_id = str(context.user_id or "")
    typed = read_kudos_markup(text, bot_user_id=context.bot_user_id)
    try:
        kudos.give_from_text(
            giver_id=giver_id,
            text=typed,
            source_kind=source_kind,
            source_key=source_key,
            channel_id=channel_id,
            message_ts=message_ts,
            on_recorded=_confirmer(
                context, respond, channel_id, quiet_twins=False, thread_ts=thread_ts
            ),
        )
    except DomainError as error:
        refusal = views.kudos_problem(language_of(context), error.key, error.params, typed.text)
        reply_message(respond, context.client, channel_id, giver_id, refusal, thread_ts=thread_ts)


def _modal_request(body: dict[str, Any], view: dict[str, Any]) -> KudosRequest:
    metadata = private_metadata(view)
    receivers = state_value(view, modal.RECEIVERS_BLOCK, modal.RECEIVERS_ACTION)
    chosen = state_value(view, modal.VALUE_BLOCK, modal.VALUE_ACTION).get("selected_option")
    message = state_value(view, modal.MESSAGE_BLOCK, modal.MESSAGE_ACTION).get("value")
    celebrate = state_value(view, modal.CELEBRATE_BLOCK, modal.CELEBRATE_ACTION)
    by_message = metadata.get("source") == "message"
    return KudosRequest(
        giver_id=user_id_of(body),
        receiver_ids=tuple(str(u) for u in receivers.get("selected_users") or ()),
        message=str(message or ""),
        source_kind=SourceKind.MESSAGE_SHORTCUT if by_message else SourceKind.MODAL,
        source_key=f"view:{view.get('id')}",
        value_key=str(chosen["value"])
        if isinstance(chosen, dict) and chosen.get("value")
        else None,
        channel_id=metadata.get("channel"),
        message_ts=metadata.get("ts"),
        permalink=metadata.get("permalink"),
        # No checkbox (nowhere to celebrate) is no refusal: nothing then says "not posted".
        celebrate=not celebrate
        or any(
            option.get("value") == modal.CELEBRATE_OPTION_VALUE
            for option in celebrate.get("selected_options") or []
        ),
    )


def _reaction(event: dict[str, Any]) -> Reaction | None:
    item = event.get("item") or {}
    reactor = str(event.get("user") or "")
    channel, ts = item.get("channel"), item.get("ts")
    if item.get("type") != "message" or not (channel and ts and reactor):
        return None
    emoji = str(event.get("reaction") or "").split("::", 1)[0]  # no skin tone
    author = event.get("item_user")
    return Reaction(reactor, emoji, str(channel), str(ts), str(author) if author else None)


def _open_draft(
    kudos: KudosService, context: BoltContext, trigger_id: str, draft: ModalDraft
) -> str | None:
    view = draft.render(language_of(context), kudos.form())
    return open_modal(context.client, trigger_id, view)


def register(surfaces: Surfaces, services: Services) -> None:
    _register_typed(surfaces, services.kudos, services.leaderboards)
    _register_modal(surfaces, services.kudos)
    _register_buttons(surfaces, services.kudos)
    _register_reactions(surfaces, services.kudos)


def _register_typed(
    surfaces: Surfaces, kudos: KudosService, leaderboards: LeaderboardService
) -> None:
    """Kudos typed as text: an @mention of the app, or `/kudos`."""

    @surfaces.command("/kudos")
    def kudos_command(
        ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        """`/kudos` alone opens the modal, `/kudos help` explains, anything else is a kudos.

        Only the modal is acknowledged first; every other answer is ready in milliseconds and
        rides in the acknowledgement (bot/handoff.py), or the response_url when it is late."""
        text = str(command.get("text") or "").strip()
        channel_id = command.get("channel_id")
        if not text:  # the response_url answers the giver here, even where the bot is not
            ack()
            where = {"channel": channel_id, "response_url": command.get("response_url")}
            _open_draft(kudos, context, trigger_id_of(command), ModalDraft(where))
            return
        if is_top_command(text):  # `/kudos top [period] [#value] [team]`: a board
            answer_top(leaderboards, context, command, respond)
            return
        if text.lower() in HELP_WORDS:
            about = kudos.help()
            lang = language_of(context)
            message = views.kudos_help(
                lang, about.values, about.reactions, about.daily_limit, about.celebrated
            )
            reply_message(respond, context.client, channel_id, user_id_of(command), message)
            return
        source_key = f"command:{command.get('trigger_id') or command.get('response_url')}"
        _give_typed(kudos, context, respond, channel_id, text, SourceKind.COMMAND, source_key)

    @surfaces.event("app_mention")
    def mentioned(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        text = str(event.get("text") or "")
        source_key = f"event:{body.get('event_id') or ''}"
        channel_id, ts, thread = event.get("channel"), event.get("ts"), event.get("thread_ts")
        _give_typed(
            kudos, context, None, channel_id, text, SourceKind.MENTION, source_key, ts, thread
        )


def _register_modal(surfaces: Surfaces, kudos: KudosService) -> None:
    @surfaces.global_shortcut("give_kudos")
    def give_kudos_shortcut(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
        ack()
        _open_draft(kudos, context, trigger_id_of(shortcut), ModalDraft({}))

    @surfaces.message_shortcut("kudos_message")
    def kudos_for_message(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
        """Opens at once (a trigger lives three seconds), then adds the message's link."""
        ack()
        message = shortcut.get("message") or {}
        channel_id, ts = message_location(shortcut)
        where = {"channel": channel_id, "ts": ts, "response_url": shortcut.get("response_url")}
        draft = ModalDraft(
            {**where, "source": "message"},
            receivers=(str(message["user"]),) if message.get("user") else (),
            quote=str(message.get("text") or "")[:QUOTE_MAX],
        )
        form = kudos.form()
        lang = language_of(context)
        view_id = open_modal(context.client, trigger_id_of(shortcut), draft.render(lang, form))
        link = permalink(context.client, channel_id, ts)
        if view_id and link:
            linked = ModalDraft(draft.metadata, draft.receivers, draft.quote, permalink=link)
            update_modal(context.client, view_id, linked.render(lang, form))

    @surfaces.view(modal.KUDOS_MODAL_CALLBACK)
    def kudos_modal_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        """Answered from what Aplauso already knows, with no Slack call before the answer
        (inline errors name people); who Slack still has to confirm is checked after, and the
        giver hears either way, through the opener's response_url, an ephemeral or a DM."""
        request = _modal_request(body, view)
        lang = language_of(context)
        try:
            kudos.check(request)
        except DomainError as error:
            reason = views.modal_problem(lang, error.key, error.params)
            ack(response_action="errors", errors=modal.inline_error(error.field, reason))
            return
        ack()
        respond = responder(private_metadata(view).get("response_url"))
        confirm = _confirmer(context, respond, request.channel_id, quiet_twins=False)
        try:
            kudos.give(request, on_recorded=confirm)
        except DomainError as error:
            refusal = views.kudos_problem(lang, error.key, error.params, request.message)
            reply_message(respond, context.client, request.channel_id, request.giver_id, refusal)


def _register_buttons(surfaces: Surfaces, kudos: KudosService) -> None:
    @surfaces.action(views.UNDO_ACTION)
    def undo(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        """The giver's Undo, shortly after giving: the confirmation says it is withdrawn."""
        ack()
        lang = language_of(context)
        value = click_of(body).value
        try:
            kudos.undo(int(value) if value.isdigit() else 0, user_id_of(body))
        except DomainError as error:
            text, blocks = views.undo_refused(lang, error.key)
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        text, blocks = views.undo_done(lang)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)

    @surfaces.action(views.THANKS_BACK_ACTION)
    def thanks_back(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """The receiver's *Say thanks back*: the modal, with the giver as receiver."""
        ack()
        giver = click_of(body).value
        draft = ModalDraft({}, receivers=(giver,) if giver else ())
        _open_draft(kudos, context, trigger_id_of(body), draft)

    @surfaces.action(views.GIVE_KUDOS_ACTION)
    def give_from_home(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        _open_draft(kudos, context, trigger_id_of(body), ModalDraft({}))


def _register_reactions(surfaces: Surfaces, kudos: KudosService) -> None:
    @surfaces.event("reaction_added")
    def reaction_added(event: dict[str, Any], context: BoltContext) -> None:
        reaction = _reaction(event)
        if reaction is None:
            return
        confirm = _confirmer(context, None, reaction.channel_id, quiet_twins=True)
        try:
            kudos.give_for_reaction(reaction, on_recorded=confirm)
        except DomainError as error:  # only the daily limit is worth a word
            refusal = views.kudos_problem(language_of(context), error.key, error.params, None)
            reply_message(None, context.client, reaction.channel_id, reaction.reactor_id, refusal)

    @surfaces.event("reaction_removed")
    def reaction_removed(event: dict[str, Any]) -> None:
        reaction = _reaction(event)
        if reaction is not None:
            kudos.withdraw_reaction(reaction)
