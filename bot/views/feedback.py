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
    Block,
    actions,
    button,
    clip,
    context,
    escaped_clip,
    fit_message,
    header,
    pack_sections,
    plain,
    section,
    slack_message,
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
    ThreadMessage,
    ThreadStatus,
    WriterNews,
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
    writer = signed_writer(thread.anonymous, thread.writer_id, lang)
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
    return slack_message(text, blocks)


# ---------------------------------------------------------------------------------------------
# The writer's side


def _open_button(handle: str, label: str) -> dict[str, Any]:
    return button(clip(label, BUTTON_TEXT_MAX), WRITER_REPLY_ACTION, value=handle)


def _writer_note(lead: str, handle: str, lang: str) -> Message:
    """A note in the writer's DM: one line and a button that opens the conversation in a
    modal. Never the words, the team or the kind: a Slack export holds the DM, and the
    recipient's DM must hold nothing that matches it."""
    blocks: list[Block] = [
        section(lead),
        context(t(lang, "feedback.writer.where")),
        actions(_open_button(handle, t(lang, "feedback.writer.open"))),
    ]
    return slack_message(lead, blocks)


def writer_receipt(receipt: WriterReceipt, lang: str) -> Message:
    """Tells the writer their feedback is stored and leaves at the next delivery slot."""
    how = "anonymous" if receipt.anonymous else "signed"
    lead = t(lang, f"feedback.writer.receipt_{how}")
    if receipt.routed_to_admins:
        lead = f"{lead}\n{t(lang, 'feedback.writer.to_admins')}"
    return _writer_note(lead, receipt.handle, lang)


def writer_news(handle: str, lang: str) -> Message:
    """Something happened in one of the writer's conversations; which and what, only inside."""
    return _writer_note(t(lang, "feedback.writer.news"), handle, lang)


def delivery_failed(handle: str, lang: str) -> Message:
    """Slack refused a post to the recipient: the words wait in the conversation, to copy."""
    return _writer_note(t(lang, "feedback.writer.failed"), handle, lang)


def thread_message(message: FeedbackMessageView, lang: str) -> Message:
    """One message in the recipient's thread: the writer's words with a Reply button, or the
    recipient's own reply back as "You replied". The writer is named only on signed feedback.
    """
    team = team_mrkdwn(message.team_name)
    after: list[Block] = []
    if message.author == Author.MANAGER:
        headline = t(lang, "feedback.thread.you_replied")
        text = t(lang, "feedback.thread.you_replied_text", team=team)
    elif writer := signed_writer(message.anonymous, message.writer_id, lang):
        headline = t(lang, "feedback.thread.writer_replied", writer=writer)
        text = t(lang, "feedback.thread.writer_replied_text", writer=writer, team=team)
    else:
        headline = t(lang, "feedback.thread.anonymous_replied")
        text = t(lang, "feedback.thread.anonymous_replied_text", team=team)
    if message.author == Author.WRITER:
        after = [actions(_manager_reply_button(message.thread_id, lang, "feedback.thread.reply"))]
    blocks: list[Block] = [section(headline), *quote_sections(message.text), *after]
    return slack_message(text, blocks)


def _with_text_back(lead: str, note_key: str, returned_text: str | None, lang: str) -> list[Block]:
    """A lead line, then what the person wrote in code blocks, to copy and send again."""
    blocks: list[Block] = [section(lead)]
    returned = code_sections(returned_text) if returned_text else []
    if returned:
        blocks.append(context(t(lang, note_key)))
        blocks += returned
    return fit_message(blocks)


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
    return slack_message(reason, blocks)


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


def _writer_lines(title: str, threads: Sequence[FeedbackThreadView], lang: str) -> list[Block]:
    """The writer's own conversations: team and status only (no words, no kind), each with a
    button that opens it; `thread_id` is the writer's handle here."""
    blocks: list[Block] = [section(title)]
    for thread in threads[:LIST_SECTION_MAX]:
        line = t(
            lang,
            "feedback.list.writer_line",
            team=team_mrkdwn(thread.team_name, LIST_TEAM_MAX),
            status=status_name(thread.status, lang),
        )
        row = section(line)
        row["accessory"] = _open_button(thread.thread_id, t(lang, "feedback.writer.open"))
        blocks.append(row)
    return blocks


def feedback_list(
    lang: str,
    *,
    as_writer: Sequence[FeedbackThreadView],
    as_manager: Sequence[FeedbackThreadView],
) -> Message:
    """`/feedback list`: the conversations you started, and the feedback your teams received.

    Lines never name a writer, signed or not: the list is a reminder, the thread (or, for the
    writer, the conversation modal) is the place to talk. The writer's part shows no words, so
    it proves little to someone looking over their shoulder. At most 20 lines per part, with a
    count of the rest.
    """
    blocks: list[Block] = [header(t(lang, "feedback.list.title"))]
    for part, threads in (("as_writer", as_writer), ("as_manager", as_manager)):
        title = t(lang, f"feedback.list.{part}_title")
        if not threads:
            blocks.append(section(f"{title}\n{t(lang, f'feedback.list.{part}_empty')}"))
            continue
        if part == "as_writer":
            blocks += _writer_lines(title, threads, lang)
        else:
            lines = [_list_line(thread, lang) for thread in threads[:LIST_SECTION_MAX]]
            blocks += pack_sections(title, lines)
        hidden = len(threads) - LIST_SECTION_MAX
        if hidden > 0:
            blocks.append(context(t(lang, "feedback.list.more", count=hidden)))
    return slack_message(t(lang, "feedback.list.text"), blocks)


# ---------------------------------------------------------------------------------------------
# What the courier posts


def render_note(note: FeedbackNote, lang: str) -> Message:
    """The message for a note the feedback service wants posted, in the reader's language."""
    match note:
        case ManagerCard(thread=thread):
            return manager_card(thread, lang)
        case WriterReceipt():
            return writer_receipt(note, lang)
        case ThreadMessage(message=message):
            return thread_message(message, lang)
        case WriterNews(handle=handle):
            return writer_news(handle, lang)
        case DeliveryFailedNotice(handle=handle):
            return delivery_failed(handle, lang)
