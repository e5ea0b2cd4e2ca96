"""Messages people write to Aplauso in its DM.

An answer written in the thread of a feedback note goes to that conversation, as the note's
*Open conversation* button would send it: writers often answer right where the note is. Anything
else gets a short pointer to what Aplauso does, in the thread it was written in. Only DMs reach
this listener: `bot/surfaces.py` checks the event's `channel_type`, which Bolt does not.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.adapters.slack_messages import SlackFailure, find_message
from bot.i18n import t
from bot.middleware import language_of
from bot.parsing import Click, DirectMessage, button_in, direct_message_of
from bot.surfaces import Surfaces
from bot.views import feedback as feedback_views
from engagement.errors import DomainError
from engagement.feedback import FeedbackService
from engagement.services import Services

logger = logging.getLogger(__name__)

NOTE_BUTTONS = frozenset({feedback_views.WRITER_REPLY_ACTION, feedback_views.MANAGER_REPLY_ACTION})


def _post(client: WebClient, written: DirectMessage, text: str) -> None:
    """Best effort, in the thread the person wrote in (or at the top level)."""
    try:
        client.chat_postMessage(channel=written.channel, text=text, thread_ts=written.thread_ts)
    except SlackFailure as error:
        logger.warning("DM answer failed: %s", type(error).__name__)


def _note_button(client: WebClient, written: DirectMessage) -> Click | None:
    """The feedback button of the app's note this message answers in a thread, if any."""
    if written.thread_ts is None:
        return None
    note = find_message(client, written.channel, written.thread_ts)
    return button_in(note, NOTE_BUTTONS) if note and note.get("bot_id") else None


def _relay(feedback: FeedbackService, written: DirectMessage, handle: str, lang: str) -> str:
    """The writer's message joins the conversation (once per Slack message), as the modal's
    reply would; the answer is what to tell them in the thread."""
    try:
        reply = feedback.reply(
            handle,
            written.user_id,
            written.text,
            f"dm:{written.channel}:{written.ts}",
            accepted=lambda: None,
        )
    except DomainError as error:
        return feedback_views.feedback_problem(lang, error.key, error.params, None)[0]
    how = "dm.feedback_anonymously" if reply.message.anonymous else "dm.feedback_signed"
    return t(lang, "dm.feedback_relayed", anonymously=t(lang, how))


def register(surfaces: Surfaces, services: Services) -> None:
    @surfaces.event("message.im")
    def direct_message(event: dict[str, Any], context: BoltContext) -> None:
        written = direct_message_of(event)
        if written is None:
            return  # edits, deletions, joins and bots (ourselves included) need no answer
        lang = language_of(context)
        button = _note_button(context.client, written)
        if button is None:
            answer = t(lang, "dm.pointer")
        elif button.action_id == feedback_views.WRITER_REPLY_ACTION:
            answer = _relay(services.feedback, written, button.value, lang)
        else:  # a recipient's words must go through Reply, which shows who reads them
            answer = t(lang, "dm.feedback_use_button")
        _post(context.client, written, answer)
