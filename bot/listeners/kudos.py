"""Kudos from every surface: /kudos, the modal, both shortcuts, reactions, mentions, buttons.

Each listener parses Slack's payload, calls `engagement.kudos.give_kudos`, and renders the
answer; Slack calls that do not decide the answer happen after acknowledging.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.context import AppContext
from bot.kudos_delivery import deliver_kudos, remove_celebration
from bot.listeners.replies import reply_privately
from bot.surfaces import Surfaces
from bot.views import kudos as views
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.kudos import (
    active_values,
    give_kudos,
    reaction_source_key,
    undo_kudos,
    withdraw_reaction,
)
from engagement.kudos_model import MESSAGE_MAX, GivenKudos, KudosRequest, SourceKind
from engagement.kudos_parsing import choose_value, parse_kudos_text
from engagement.recipients import resolve_recipients
from storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)


def _user_id(body: dict[str, Any]) -> str:
    return str(body.get("user_id") or (body.get("user") or {}).get("id") or "")


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        loaded = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


class KudosListeners:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ---- shared steps -------------------------------------------------------------------

    def open_modal(
        self,
        client: WebClient,
        trigger_id: str,
        user_id: str,
        *,
        metadata: dict[str, Any] | None = None,
        receivers: tuple[str, ...] = (),
        message: str = "",
        quote: str | None = None,
        permalink: str | None = None,
    ) -> str | None:
        with self.ctx.database.unit_of_work() as uow:
            lang = self.ctx.language_in(uow, user_id)
            values = active_values(uow)
        view = views.kudos_modal(
            lang,
            values,
            private_metadata=json.dumps(metadata or {})[:3000],
            initial_receivers=receivers,
            initial_message=message[:MESSAGE_MAX],
            quote=quote,
            quote_permalink=permalink,
        )
        try:
            response = client.views_open(trigger_id=trigger_id, view=view)
        except SlackClientError as error:
            logger.warning("views.open failed: %s", type(error).__name__)
            return None
        return str((response.get("view") or {}).get("id") or "") or None

    def give(
        self, uow: UnitOfWork, request: KudosRequest, counted_units: int | None = None
    ) -> GivenKudos:
        return give_kudos(
            uow,
            request,
            self.ctx.directory.fetch_profile,
            self.ctx.now(),
            kudos_channel=self.ctx.settings.kudos_channel,
            counted_units=counted_units,
        )

    def confirm(
        self,
        client: WebClient,
        given: GivenKudos,
        *,
        respond: Respond | None,
        channel_id: str | None,
        note: str | None = None,
    ) -> None:
        lang = self.ctx.language_for(given.giver_id)
        text, blocks = views.giver_confirmation(given, lang)
        if note:
            blocks = [*blocks, {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]}]
        reply_privately(
            respond=respond,
            client=client,
            channel_id=channel_id,
            user_id=given.giver_id,
            text=text,
            blocks=blocks,
        )

    def refuse(
        self,
        client: WebClient,
        user_id: str,
        error: DomainError,
        *,
        respond: Respond | None,
        channel_id: str | None,
        returned_text: str | None,
    ) -> None:
        lang = self.ctx.language_for(user_id)
        text, blocks = views.kudos_problem(lang, error.key, error.params, returned_text)
        reply_privately(
            respond=respond,
            client=client,
            channel_id=channel_id,
            user_id=user_id,
            text=text,
            blocks=blocks,
        )

    def kudos_from_text(
        self,
        client: WebClient,
        *,
        giver_id: str,
        text: str,
        source_kind: SourceKind,
        source_key: str,
        channel_id: str | None,
        bot_user_id: str | None,
        respond: Respond | None,
        permalink: str | None = None,
        message_ts: str | None = None,
    ) -> None:
        """The one path for typed kudos (slash command and @mention)."""
        note: str | None = None
        try:
            with self.ctx.database.unit_of_work() as uow:
                values = active_values(uow)
                parsed = parse_kudos_text(text, bot_user_id=bot_user_id, values=values)
                value, unknown = choose_value(parsed.hashtags, values)
                groups = [self._usergroup_members(client, gid) for gid in parsed.usergroup_ids]
                recipients = resolve_recipients(
                    uow,
                    user_ids=parsed.user_ids,
                    names=parsed.names,
                    usergroup_members=groups,
                    refresh_directory=self.ctx.directory.all_profiles,
                    now=self.ctx.now(),
                )
                request = KudosRequest(
                    giver_id=giver_id,
                    receiver_ids=recipients.user_ids,
                    message=parsed.message,
                    source_kind=source_kind,
                    source_key=source_key,
                    value_key=value.key if value else None,
                    channel_id=channel_id,
                    message_ts=message_ts,
                    permalink=permalink,
                )
                given = self.give(uow, request, recipients.counted_units)
                if unknown and value is None:
                    note = views.unknown_hashtag_note(
                        self.ctx.language_in(uow, giver_id), unknown[0], values
                    )
        except DomainError as error:
            self.refuse(
                client, giver_id, error, respond=respond, channel_id=channel_id, returned_text=text
            )
            return
        except DirectoryUnavailable:
            self.refuse(
                client,
                giver_id,
                DomainError("errors.slack_unavailable"),
                respond=respond,
                channel_id=channel_id,
                returned_text=text,
            )
            return
        self.confirm(client, given, respond=respond, channel_id=channel_id, note=note)
        deliver_kudos(self.ctx, client, given)

    def _usergroup_members(self, client: WebClient, usergroup_id: str) -> list[str]:
        members = self.ctx.directory.usergroup_member_ids(usergroup_id)
        if members is None:
            raise DomainError("kudos.errors.unknown_usergroup", usergroup=usergroup_id)
        return members

    def message_author(self, client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
        """reaction_added carries no text and may lack the author: ask Slack for the message."""
        try:
            history = client.conversations_history(
                channel=channel, latest=ts, inclusive=True, limit=1
            )
            for message in history.get("messages") or []:
                if message.get("ts") == ts:
                    return dict(message)
            replies = client.conversations_replies(channel=channel, ts=ts, limit=200)
            for message in replies.get("messages") or []:
                if message.get("ts") == ts:
                    return dict(message)
        except SlackClientError as error:
            logger.warning("could not fetch a reacted message: %s", type(error).__name__)
        return None

    def permalink(self, client: WebClient, channel: str | None, ts: str | None) -> str | None:
        if not (channel and ts):
            return None
        try:
            return str(client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink"))
        except SlackClientError:
            return None


def _state_value(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    state = ((view.get("state") or {}).get("values") or {}).get(block) or {}
    value = state.get(action) or {}
    return value if isinstance(value, dict) else {}


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    desk = KudosListeners(ctx)

    @surfaces.command("/kudos")
    def kudos_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
    ) -> None:
        ack()
        user_id = _user_id(command)
        text = str(command.get("text") or "").strip()
        channel_id = command.get("channel_id")
        if not text:
            desk.open_modal(
                client,
                str(command.get("trigger_id") or ""),
                user_id,
                metadata={"channel": channel_id},
            )
            return
        if text.lower() in ("help", "ayuda"):
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                settings = uow.settings.get()
                text_out, blocks = views.kudos_help(
                    lang, active_values(uow), settings.kudos_reactions, settings.kudos_daily_limit
                )
            reply_privately(
                respond=respond,
                client=client,
                channel_id=channel_id,
                user_id=user_id,
                text=text_out,
                blocks=blocks,
            )
            return
        desk.kudos_from_text(
            client,
            giver_id=user_id,
            text=text,
            source_kind=SourceKind.COMMAND,
            source_key=f"command:{command.get('trigger_id') or command.get('response_url')}",
            channel_id=channel_id,
            bot_user_id=context.bot_user_id,
            respond=respond,
        )

    @surfaces.global_shortcut("give_kudos")
    def give_kudos_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        desk.open_modal(client, str(shortcut.get("trigger_id") or ""), _user_id(shortcut))

    @surfaces.message_shortcut("kudos_message")
    def kudos_for_message(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        ts = message.get("ts")
        author = message.get("user")
        metadata = {"channel": channel_id, "ts": ts, "source": "message"}
        quote = str(message.get("text") or "")[:300]
        view_id = desk.open_modal(
            client,
            str(shortcut.get("trigger_id") or ""),
            _user_id(shortcut),
            metadata=metadata,
            receivers=(author,) if author else (),
            quote=quote,
        )
        permalink = desk.permalink(client, channel_id, ts)
        if view_id and permalink:
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, _user_id(shortcut))
                values = active_values(uow)
            view = views.kudos_modal(
                lang,
                values,
                private_metadata=json.dumps({**metadata, "permalink": permalink})[:3000],
                initial_receivers=(author,) if author else (),
                quote=quote,
                quote_permalink=permalink,
            )
            try:
                client.views_update(view_id=view_id, view=view)
            except SlackClientError as error:
                logger.warning("views.update failed: %s", type(error).__name__)

    @surfaces.view(views.KUDOS_MODAL_CALLBACK)
    def kudos_modal_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        user_id = _user_id(body)
        metadata = _metadata(view)
        receivers = _state_value(view, views.RECEIVERS_BLOCK, views.RECEIVERS_ACTION)
        value = _state_value(view, views.VALUE_BLOCK, views.VALUE_ACTION)
        message = _state_value(view, views.MESSAGE_BLOCK, views.MESSAGE_ACTION).get("value") or ""
        celebrate = _state_value(view, views.CELEBRATE_BLOCK, views.CELEBRATE_ACTION)
        chosen = (value.get("selected_option") or {}).get("value")
        request = KudosRequest(
            giver_id=user_id,
            receiver_ids=tuple(receivers.get("selected_users") or ()),
            message=str(message),
            source_kind=(
                SourceKind.MESSAGE_SHORTCUT
                if metadata.get("source") == "message"
                else SourceKind.MODAL
            ),
            source_key=f"view:{view.get('id')}",
            value_key=str(chosen) if chosen else None,
            channel_id=metadata.get("channel"),
            message_ts=metadata.get("ts"),
            permalink=metadata.get("permalink"),
            celebrate=any(
                o.get("value") == views.CELEBRATE_OPTION_VALUE
                for o in celebrate.get("selected_options") or []
            ),
        )
        try:
            with ctx.database.unit_of_work() as uow:
                given = desk.give(uow, request)
        except DomainError as error:
            lang = ctx.language_for(user_id)
            on_receivers = error.key in (
                "kudos.errors.no_receivers",
                "kudos.errors.only_self",
                "kudos.errors.not_a_person",
                "kudos.errors.too_many_receivers",
            )
            block = views.RECEIVERS_BLOCK if on_receivers else views.MESSAGE_BLOCK
            ack(
                response_action="errors",
                errors={block: views.kudos_problem(lang, error.key, error.params, None)[0][:150]},
            )
            return
        except DirectoryUnavailable:
            lang = ctx.language_for(user_id)
            ack(
                response_action="errors",
                errors={
                    views.MESSAGE_BLOCK: views.kudos_problem(
                        lang, "errors.slack_unavailable", {}, None
                    )[0][:150]
                },
            )
            return
        ack()
        desk.confirm(client, given, respond=None, channel_id=metadata.get("channel"))
        deliver_kudos(ctx, client, given)

    @surfaces.action(views.UNDO_ACTION)
    def undo(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        user_id = _user_id(body)
        lang = ctx.language_for(user_id)
        try:
            with ctx.database.unit_of_work() as uow:
                taken_back = undo_kudos(uow, int(action.get("value") or 0), user_id, ctx.now())
                kudos = uow.kudos.get(taken_back.kudos_id)
                celebration = (
                    (kudos.celebration_channel, kudos.celebration_ts) if kudos else (None, None)
                )
        except (DomainError, ValueError) as error:
            text, blocks = (
                views.undo_not_yours(lang)
                if isinstance(error, ValueError) or error.key == "kudos.errors.not_your_kudos"
                else views.undo_too_late(lang)
            )
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        text, blocks = views.undo_done(lang)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)
        remove_celebration(client, *celebration)

    @surfaces.action(views.THANKS_BACK_ACTION)
    def thanks_back(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        desk.open_modal(
            client,
            str(body.get("trigger_id") or ""),
            _user_id(body),
            receivers=(str(action.get("value")),) if action.get("value") else (),
        )

    @surfaces.action(views.GIVE_KUDOS_ACTION)
    def give_from_home(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        desk.open_modal(client, str(body.get("trigger_id") or ""), _user_id(body))

    @surfaces.event("reaction_added")
    def reaction_added(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        item = event.get("item") or {}
        reactor = str(event.get("user") or "")
        reaction = str(event.get("reaction") or "").split("::", 1)[0]
        channel, ts = item.get("channel"), item.get("ts")
        if item.get("type") != "message" or not (channel and ts and reactor):
            return
        with ctx.database.unit_of_work() as uow:
            if reaction not in uow.settings.get().kudos_reactions:
                return
            if not uow.events.claim(str(body.get("event_id") or ""), "reaction_added", ctx.now()):
                return
        message = desk.message_author(client, channel, ts) or {}
        author = event.get("item_user") or message.get("user")
        if not author or author == reactor:
            return
        quoted = str(message.get("text") or "").strip() or f":{reaction}:"
        request = KudosRequest(
            giver_id=reactor,
            receiver_ids=(str(author),),
            message=quoted[:MESSAGE_MAX],
            source_kind=SourceKind.REACTION,
            source_key=reaction_source_key(channel, ts, reactor),
            channel_id=channel,
            message_ts=ts,
            permalink=desk.permalink(client, channel, ts),
        )
        try:
            with ctx.database.unit_of_work() as uow:
                given = desk.give(uow, request)
        except DomainError as error:
            if error.key == "kudos.errors.daily_limit":
                desk.refuse(
                    client, reactor, error, respond=None, channel_id=channel, returned_text=None
                )
            return
        except DirectoryUnavailable:
            return
        if not given.duplicate:
            desk.confirm(client, given, respond=None, channel_id=channel)
        deliver_kudos(ctx, client, given)

    @surfaces.event("reaction_removed")
    def reaction_removed(event: dict[str, Any], client: WebClient) -> None:
        item = event.get("item") or {}
        reactor = str(event.get("user") or "")
        channel, ts = item.get("channel"), item.get("ts")
        if not (channel and ts and reactor):
            return
        with ctx.database.unit_of_work() as uow:
            if (
                str(event.get("reaction") or "").split("::", 1)[0]
                not in uow.settings.get().kudos_reactions
            ):
                return
            withdrawn = withdraw_reaction(
                uow, reaction_source_key(channel, ts, reactor), reactor, ctx.now()
            )
            celebration = (
                (withdrawn.celebration_channel, withdrawn.celebration_ts)
                if withdrawn
                else (None, None)
            )
        remove_celebration(client, *celebration)

    @surfaces.event("app_mention")
    def mentioned(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        event_id = str(body.get("event_id") or "")
        with ctx.database.unit_of_work() as uow:
            if not uow.events.claim(event_id, "app_mention", ctx.now()):
                return
        channel = event.get("channel")
        desk.kudos_from_text(
            client,
            giver_id=str(event.get("user") or ""),
            text=str(event.get("text") or ""),
            source_kind=SourceKind.MENTION,
            source_key=f"event:{event_id}",
            channel_id=channel,
            bot_user_id=context.bot_user_id,
            respond=None,
            message_ts=event.get("ts"),
            permalink=desk.permalink(client, channel, event.get("ts")),
        )
