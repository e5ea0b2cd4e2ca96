"""Feedback messages: the manager's card, the writer's receipt, the thread, notices, the list.

Pure functions from plain data (engagement.feedback_model) to Block Kit, like the kudos views;
the rules every feedback view keeps are in `feedback_text.py`, the forms in `feedback_modal.py`.
`render_note` is the one entry the courier uses: a note the service wants posted, as a message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.views.blocks import (
    BUTTON_TEXT_MAX,
    SECTION_TEXT_MAX,
    Block,
    actions,
    button,
    clip,
    context,
    escaped_clip,
    fallback_text,
    fit_message,
    header,
    pack_sections,
    plain,
    section,
)
from bot.views.feedback_text import (
    TEAM_SHOWN_MAX,
    Message,
    code_sections,
    kind_label,
    kind_name,
    quote_sections,
    short,
    signed_writer,
    status_name,
    team_mrkdwn,
    team_plain,
)
from engagement.feedback_model import (
    Author,
    DeliveryFailedNotice,
    FeedbackMessageView,
    FeedbackNote,
    FeedbackThreadView,
    ManagerCard,
    RoutedToAdminsNotice,
    StatusNotice,
    ThreadMessage,
    ThreadStatus,
    WriterReceipt,
)

MANAGER_REPLY_ACTION = "feedback_reply"
ACKNOWLEDGE_ACTION = "feedback_ack"
RESOLVE_ACTION = "feedback_resolve"
FLAG_ACTION = "feedback_flag"
WRITER_REPLY_ACTION = "feedback_writer_reply"

STATUS_ACTIONS: Mapping[str, ThreadStatus] = {
    ACKNOWLEDGE_ACTION: ThreadStatus.ACKNOWLEDGED,
    RESOLVE_ACTION: ThreadStatus.RESOLVED,
}
"""The card's status buttons, and the status each one sets."""

LIST_TEAM_MAX = 40
LIST_EXCERPT_MAX = 80
LIST_SECTION_MAX = 20
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30


# ---------------------------------------------------------------------------------------------
# The manager's card


def _flag_button(thread_id: str, lang: str) -> dict[str, Any]:
    element = button(t(lang, "feedback.card.flag"), FLAG_ACTION, value=thread_id, style="danger")
    element["confirm"] = {
        "title": plain(t(lang, "feedback.card.flag_confirm_title"), CONFIRM_TITLE_MAX),
        "text": plain(t(lang, "feedback.card.flag_confirm_text"), CONFIRM_TEXT_MAX),
        "confirm": plain(t(lang, "feedback.card.flag_confirm_yes"), CONFIRM_BUTTON_MAX),
        "deny": plain(t(lang, "feedback.card.flag_confirm_no"), CONFIRM_BUTTON_MAX),
        "style": "danger",
    }
    return element


def _manager_reply_button(thread_id: str, lang: str, key: str) -> dict[str, Any]:
    return button(t(lang, key), MANAGER_REPLY_ACTION, value=thread_id, style="primary")


def manager_buttons(thread: FeedbackThreadView, lang: str) -> Block:
    """Reply always; Acknowledge until read; Resolve until resolved; Flag until flagged."""
    elements = [_manager_reply_button(thread.thread_id, lang, "feedback.card.reply")]
    if thread.status == ThreadStatus.OPEN:
        elements.append(
            button(t(lang, "feedback.card.acknowledge"), ACKNOWLEDGE_ACTION, value=thread.thread_id)
        )
    if thread.status != ThreadStatus.RESOLVED:
        elements.append(
            button(t(lang, "feedback.card.resolve"), RESOLVE_ACTION, value=thread.thread_id)
        )
    if not thread.flagged:
        elements.append(_flag_button(thread.thread_id, lang))
    return actions(*elements)


def manager_card(thread: FeedbackThreadView, lang: str) -> Message:
    """The first DM a manager gets, and the same card redrawn after each button.

    An anonymous card never names the writer; the notification shows only the team and the
    kind, so what was written stays off lock screens.
    """
    writer = signed_writer(thread.anonymous, thread.writer_id)
    team = team_plain(thread.team_name)
    headline_key = "feedback.card.header_signed" if writer else "feedback.card.header_anonymous"
    details = [t(lang, "feedback.kind_line", kind=kind_label(thread.kind, lang))]
    if writer:
        details.append(t(lang, "feedback.from_line", writer=writer))
    blocks: list[Block] = [header(t(lang, headline_key, team=team)), section("\n".join(details))]
    blocks += quote_sections(thread.first_text)
    notes = [t(lang, "feedback.status_line", status=status_name(thread.status, lang))]
    if thread.flagged:
        notes.append(t(lang, "feedback.flagged"))
    notes.append(t(lang, "feedback.card.hint_signed" if writer else "feedback.card.hint_anonymous"))
    blocks.append(context(" · ".join(notes)))
    blocks.append(manager_buttons(thread, lang))
    text = t(
        lang,
        "feedback.card.text",
        team=team_mrkdwn(thread.team_name),
        kind=kind_name(thread.kind, lang),
    )
    return fallback_text(text), fit_message(blocks)


# ---------------------------------------------------------------------------------------------
# The writer's side


def _writer_reply_button(thread_id: str, label: str) -> Block:
    return actions(button(clip(label, BUTTON_TEXT_MAX), WRITER_REPLY_ACTION, value=thread_id))


def writer_receipt(thread: FeedbackThreadView, lang: str, *, delayed: bool) -> Message:
    """Tells the writer it went out (or when it will), how, and where the answers will land."""
    team = team_mrkdwn(thread.team_name)
    when = "delayed" if delayed else "sent"
    how = "anonymous" if thread.anonymous else "signed"
    headline = t(lang, f"feedback.receipt.{when}_{how}", team=team)
    blocks: list[Block] = [section(headline)]
    blocks += quote_sections(thread.first_text)
    blocks.append(context(t(lang, "feedback.receipt.replies_here")))
    blocks.append(_writer_reply_button(thread.thread_id, t(lang, "feedback.receipt.add_more")))
    text_key = "feedback.receipt.delayed_text" if delayed else "feedback.receipt.text"
    return fallback_text(t(lang, text_key, team=team)), fit_message(blocks)


def _other_side(
    message: FeedbackMessageView, lang: str, for_writer: bool
) -> tuple[tuple[str, str], list[Block]]:
    """The headline and fallback of the other side's words, as the reader sees them."""
    team = team_mrkdwn(message.team_name)
    if for_writer:
        return (
            t(lang, "feedback.thread.manager_replied", team=team),
            t(lang, "feedback.thread.manager_replied_text", team=team),
        ), [_writer_reply_button(message.thread_id, t(lang, "feedback.thread.reply"))]
    writer = signed_writer(message.anonymous, message.writer_id)
    if writer:
        headline = t(lang, "feedback.thread.writer_replied", writer=writer)
        text = t(lang, "feedback.thread.writer_replied_text", writer=writer, team=team)
    else:
        headline = t(lang, "feedback.thread.anonymous_replied")
        text = t(lang, "feedback.thread.anonymous_replied_text", team=team)
    reply = _manager_reply_button(message.thread_id, lang, "feedback.thread.reply")
    return (headline, text), [actions(reply)]


def thread_message(message: FeedbackMessageView, lang: str, *, for_writer: bool) -> Message:
    """One message of the conversation, posted in the thread of whoever reads it.

    The reader's own words come back as "You replied" with no button; the other side's words
    come with a Reply button. The manager sees the writer's name only on signed feedback.
    """
    if (message.author == Author.WRITER) == for_writer:
        team = team_mrkdwn(message.team_name)
        headline = t(lang, "feedback.thread.you_replied")
        text = t(lang, "feedback.thread.you_replied_text", team=team)
        after: list[Block] = []
    else:
        (headline, text), after = _other_side(message, lang, for_writer)
    blocks: list[Block] = [section(headline), *quote_sections(message.text), *after]
    return fallback_text(text), fit_message(blocks)


def status_notice(thread: FeedbackThreadView, lang: str) -> Message:
    """Closes the loop for the writer: their words were read, acted on, or picked up again."""
    key = {
        ThreadStatus.ACKNOWLEDGED: "feedback.notice.acknowledged",
        ThreadStatus.RESOLVED: "feedback.notice.resolved",
    }.get(thread.status, "feedback.notice.reopened")
    line = t(lang, key, team=team_mrkdwn(thread.team_name))
    blocks: list[Block] = [section(line)]
    if thread.status != ThreadStatus.RESOLVED:
        blocks.append(context(t(lang, "feedback.notice.still_open")))
    return fallback_text(line), blocks


def _with_text_back(lead: str, note_key: str, returned_text: str | None, lang: str) -> list[Block]:
    """A lead line, then what the person wrote in code blocks, to copy and send again."""
    blocks: list[Block] = [section(lead)]
    returned = code_sections(returned_text) if returned_text else []
    if returned:
        blocks.append(context(t(lang, note_key)))
        blocks += returned
    return fit_message(blocks)


def delivery_failed(lang: str, text: str) -> Message:
    """Slack refused the DM to the manager: say so plainly and give every word back."""
    blocks = _with_text_back(
        t(lang, "feedback.failed.body"), "feedback.failed.returned", text, lang
    )
    return fallback_text(t(lang, "feedback.failed.text")), blocks


def _problem_params(params: Mapping[str, object]) -> dict[str, object]:
    """Numbers as they are; any text escaped, as no feedback error takes a mention."""
    return {
        key: escaped_clip(value, TEAM_SHOWN_MAX) if isinstance(value, str) else value
        for key, value in params.items()
    }


def feedback_problem(
    lang: str, reason_key: str, params: Mapping[str, object], returned_text: str | None
) -> Message:
    """Why feedback was refused, in words the writer can act on, and their text handed back.

    Someone who found the courage to write should never lose the words to a limit.
    """
    reason = t(lang, reason_key, **_problem_params(params))
    blocks = _with_text_back(reason, "feedback.problem.returned", returned_text, lang)
    return fallback_text(reason), blocks


def routed_to_admins_note(lang: str, team: str) -> str:
    """One mrkdwn line: the team has no active manager, so Aplauso's admins get the feedback."""
    return clip(t(lang, "feedback.admins.routed", team=team_mrkdwn(team)), SECTION_TEXT_MAX)


# ---------------------------------------------------------------------------------------------
# The list


def _list_line(thread: FeedbackThreadView, lang: str) -> str:
    return t(
        lang,
        "feedback.list.line",
        kind=kind_label(thread.kind, lang),
        team=team_mrkdwn(thread.team_name, LIST_TEAM_MAX),
        status=status_name(thread.status, lang),
        excerpt=short(thread.first_text, LIST_EXCERPT_MAX),
    )


def feedback_list(
    lang: str,
    *,
    as_writer: Sequence[FeedbackThreadView],
    as_manager: Sequence[FeedbackThreadView],
) -> Message:
    """`/feedback list`: the conversations you started, and the feedback your teams received.

    Lines never name a writer, signed or not: the list is a reminder, the thread is the place
    to talk. At most 20 lines per part, with a count of the rest.
    """
    blocks: list[Block] = [header(t(lang, "feedback.list.title"))]
    for part, threads in (("as_writer", as_writer), ("as_manager", as_manager)):
        title = t(lang, f"feedback.list.{part}_title")
        if not threads:
            blocks.append(section(f"{title}\n{t(lang, f'feedback.list.{part}_empty')}"))
            continue
        lines = [_list_line(thread, lang) for thread in threads[:LIST_SECTION_MAX]]
        blocks += pack_sections(title, lines)
        hidden = len(threads) - LIST_SECTION_MAX
        if hidden > 0:
            blocks.append(context(t(lang, "feedback.list.more", count=hidden)))
    return fallback_text(t(lang, "feedback.list.text")), fit_message(blocks)


# ---------------------------------------------------------------------------------------------
# What the courier posts


def render_note(note: FeedbackNote, lang: str) -> Message:
    """The message for a note the feedback service wants posted, in the reader's language."""
    match note:
        case ManagerCard(thread=thread):
            return manager_card(thread, lang)
        case WriterReceipt(thread=thread, delayed=delayed):
            return writer_receipt(thread, lang, delayed=delayed)
        case ThreadMessage(message=message, for_writer=for_writer):
            return thread_message(message, lang, for_writer=for_writer)
        case StatusNotice(thread=thread):
            return status_notice(thread, lang)
        case DeliveryFailedNotice(text=text):
            return delivery_failed(lang, text)
        case RoutedToAdminsNotice(team_name=team_name):
            line = routed_to_admins_note(lang, team_name)
            return fallback_text(line), [section(line)]
