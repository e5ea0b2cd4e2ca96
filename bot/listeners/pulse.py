"""Pulse buttons: an answer, skipping the week, stopping the surveys; the DM updates in place."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.context import AppContext
from bot.i18n import t
from bot.surfaces import Surfaces
from bot.views.blocks import section
from bot.views.pulse import (
    COMMENT_ACTION,
    COMMENT_MODAL,
    COMMENT_SCORE_ACTION,
    COMMENT_SCORE_BLOCK,
    COMMENT_TEXT_ACTION,
    COMMENT_TEXT_BLOCK,
    SCORE_ACTION_PREFIX,
    SKIP_ACTION,
    STOP_ACTION,
    closed_message,
    comment_modal,
    parse_score_value,
    pulse_message,
)
from engagement.errors import DomainError
from engagement.pulse import describe_question, opt_out, record_answer, skip_week

logger = logging.getLogger(__name__)


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return channel, container.get("message_ts") or (body.get("message") or {}).get("ts")


def _update(
    client: WebClient, body: dict[str, Any], text: str, blocks: list[dict[str, Any]]
) -> None:
    channel, ts = _where(body)
    if not (channel and ts):
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackClientError as error:
        logger.warning("chat.update failed: %s", type(error).__name__)


def _week(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    @surfaces.action(re.compile(rf"^{SCORE_ACTION_PREFIX}\d+$"))
    def answered(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user_id = str((body.get("user") or {}).get("id") or "")
        parsed = parse_score_value(str(action.get("value") or ""))
        week = _week(parsed[0]) if parsed else None
        if parsed is None or week is None:
            return
        _, key, score = parsed
        try:
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                outcome = record_answer(uow, user_id, week, key, score, ctx.now(), lang=lang)
        except DomainError as error:
            lang = ctx.language_for(user_id)
            if error.key == "pulse.errors.closed":
                _update(client, body, *closed_message(lang))
            respond(
                text=t(lang, error.key, **error.params),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        _update(client, body, *pulse_message(outcome.invite, lang))

    @surfaces.action(COMMENT_ACTION)
    def comment_clicked(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        user_id = str((body.get("user") or {}).get("id") or "")
        try:
            data = json.loads(str(action.get("value") or ""))
            week, key = str(data["w"]), str(data["q"])
        except (ValueError, KeyError, TypeError):
            return
        channel, ts = _where(body)
        with ctx.database.unit_of_work() as uow:
            lang = ctx.language_in(uow, user_id)
            info = describe_question(uow, key)
            if info is None:
                return
        metadata = json.dumps({"w": week, "q": key, "c": channel, "ts": ts})
        try:
            client.views_open(
                trigger_id=str(body.get("trigger_id") or ""),
                view=comment_modal(info, lang, private_metadata=metadata),
            )
        except SlackClientError as error:
            logger.warning("views.open failed: %s", type(error).__name__)

    @surfaces.view(COMMENT_MODAL)
    def comment_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        user_id = str((body.get("user") or {}).get("id") or "")
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
            week, key = date.fromisoformat(str(meta["w"])), str(meta["q"])
            values = (view.get("state") or {}).get("values") or {}
            score = int(
                values[COMMENT_SCORE_BLOCK][COMMENT_SCORE_ACTION]["selected_option"]["value"]
            )
            comment = (
                (values.get(COMMENT_TEXT_BLOCK) or {}).get(COMMENT_TEXT_ACTION, {}).get("value")
            )
        except (ValueError, KeyError, TypeError):
            ack()
            return
        try:
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                outcome = record_answer(
                    uow, user_id, week, key, score, ctx.now(), lang=lang, comment=comment
                )
        except DomainError as error:
            lang = ctx.language_for(user_id)
            block = COMMENT_TEXT_BLOCK if "comment" in error.key else COMMENT_SCORE_BLOCK
            ack(response_action="errors", errors={block: t(lang, error.key, **error.params)})
            return
        if not outcome.recorded:
            ack(
                response_action="errors",
                errors={COMMENT_SCORE_BLOCK: t(lang, "pulse.errors.already_answered")},
            )
            return
        ack()
        if meta.get("c") and meta.get("ts"):
            text, blocks = pulse_message(outcome.invite, lang)
            try:
                client.chat_update(channel=meta["c"], ts=meta["ts"], text=text, blocks=blocks)
            except SlackClientError as error:
                logger.warning("chat.update failed: %s", type(error).__name__)

    @surfaces.action(SKIP_ACTION)
    def skipped(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        user_id = str((body.get("user") or {}).get("id") or "")
        week = _week(str(action.get("value") or ""))
        if week is None:
            return
        try:
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                skip_week(uow, user_id, week, ctx.now(), lang=lang)
        except DomainError:
            _update(client, body, *closed_message(ctx.language_for(user_id)))
            return
        text = t(lang, "pulse.skipped_all")
        _update(client, body, text, [section(text)])

    @surfaces.action(STOP_ACTION)
    def stopped(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user_id = str((body.get("user") or {}).get("id") or "")
        with ctx.database.unit_of_work() as uow:
            lang = ctx.language_in(uow, user_id)
            opt_out(uow, user_id, ctx.now())
        text = t(lang, "pulse.stopped")
        _update(client, body, text, [section(text)])
