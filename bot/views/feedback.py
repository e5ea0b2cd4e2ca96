"""Everything Aplauso shows about feedback: the form, the manager's card, the thread, the list.

Feedback is the open channel: anyone writes to a team's manager, anonymously unless they choose
otherwise, and both sides keep talking in a thread under the first message. Pure functions from
plain data (engagement.feedback_model) to Block Kit, like the kudos views. Three rules hold:

* the writer is named only when the thread is signed (`anonymous` is False), whatever
  `writer_id` holds, so a bug elsewhere cannot unmask someone here;
* what a person wrote (feedback, replies, team names) is escaped before it is shown as mrkdwn;
* every message carries a plain `text` fallback, what notifications and screen readers show.

A feedback text may be 3,000 characters and grows when escaped (`&` is five characters once
escaped), so texts are split over several sections (each within Slack's 3,000) and clipped only
when the whole message would grow too long for Slack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.views.blocks import (
    BUTTON_TEXT_MAX,
    FALLBACK_TEXT_MAX,
    SECTION_TEXT_MAX,
    Block,
    actions,
    button,
    clip,
    context,
    escape_mrkdwn,
    fit_message,
    fit_view,
    header,
    input_block,
    option,
    plain,
    section,
)
from bot.views.kudos import blockquote, escaped_clip, mention
from engagement.feedback_model import (
    TEXT_MAX,
    Author,
    FeedbackKind,
    FeedbackMessageView,
    FeedbackThreadView,
    TeamChoice,
    ThreadStatus,
)

FEEDBACK_MODAL = "feedback_modal"
REPLY_MODAL = "feedback_reply_modal"

TEAM_BLOCK = "fb_team"
KIND_BLOCK = "fb_kind"
TEXT_BLOCK = "fb_text"
OPTIONS_BLOCK = "fb_options"
REPLY_BLOCK = "fb_reply"

TEAM_ACTION = "team"
KIND_ACTION = "kind"
TEXT_ACTION = "text"
OPTIONS_ACTION = "options"
REPLY_ACTION_INPUT = "reply"

ANONYMOUS_OPTION = "anonymous"
DELAY_OPTION = "delay"

MANAGER_REPLY_ACTION = "feedback_reply"
ACKNOWLEDGE_ACTION = "feedback_ack"
RESOLVE_ACTION = "feedback_resolve"
FLAG_ACTION = "feedback_flag"
WRITER_REPLY_ACTION = "feedback_writer_reply"

MODAL_TEXT_MAX = 24
STATIC_SELECT_OPTIONS_MAX = 100
PLACEHOLDER_MAX = 150
REPLY_QUOTE_MAX = 500
# Room for what a person wrote in one message; the rest of Slack's ~12,000 characters of block
# text is left for headlines, buttons and notes.
QUOTE_TOTAL_MAX = 9000
CODE_FENCE = "```"
TEAM_SHOWN_MAX = 80
LIST_TEAM_MAX = 40
LIST_EXCERPT_MAX = 80
LIST_SECTION_MAX = 20
CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30
# A long text is split at a space or line break when one is this close to the end of a section.
SOFT_BREAK_WINDOW = 200

KIND_EMOJI: Mapping[FeedbackKind, str] = {
    FeedbackKind.IDEA: ":bulb:",
    FeedbackKind.CONCERN: ":thinking_face:",
    FeedbackKind.PRAISE: ":clap:",
    FeedbackKind.QUESTION: ":question:",
    FeedbackKind.SERVICE: ":handshake:",
}

Message = tuple[str, list[Block]]


# ---------------------------------------------------------------------------------------------
# Small helpers


def _fallback(text: str) -> str:
    return clip(text, FALLBACK_TEXT_MAX).strip() or t("en", "common.app_name")


def _team(name: str, limit: int = TEAM_SHOWN_MAX) -> str:
    """A team name for mrkdwn: admins type team names, so they are escaped like any text."""
    return escaped_clip(" ".join(name.split()), limit)


def _team_plain(name: str) -> str:
    """A team name for plain_text (headers), where Slack shows text as is and pings nobody."""
    return clip(" ".join(name.split()), TEAM_SHOWN_MAX)


def kind_name(kind: FeedbackKind, lang: str) -> str:
    return t(lang, f"feedback.kind.{kind.value}")


def kind_label(kind: FeedbackKind, lang: str) -> str:
    return f"{KIND_EMOJI.get(kind, ':speech_balloon:')} {kind_name(kind, lang)}"


def status_name(status: ThreadStatus, lang: str) -> str:
    return t(lang, f"feedback.status.{status.value}")


def _signed_writer(anonymous: bool, writer_id: str | None) -> str | None:
    """The writer's mention, only when they chose to sign: anonymity wins over any stray id."""
    if anonymous or not writer_id:
        return None
    return mention(writer_id)


def _escaped_chunks(text: str, *, chunk_max: int, total_max: int, newline_cost: int) -> list[str]:
    """`text` escaped and cut into pieces of at most `chunk_max`, `total_max` in all.

    Escaped entities are never cut in half; a cut prefers a space or line break near the end of a
    chunk; an over-long text ends with `…`. `newline_cost` counts what a line break becomes once
    rendered (three for a block quote's `\\n> `).
    """
    pieces = [escape_mrkdwn(char) for char in text.strip()]

    def cost(piece: str) -> int:
        return newline_cost if piece == "\n" else len(piece)

    if sum(cost(piece) for piece in pieces) > total_max:
        kept: list[str] = []
        size = 0
        for piece in pieces:
            if size + cost(piece) > total_max - 1:
                break
            kept.append(piece)
            size += cost(piece)
        pieces = [*kept, "…"]

    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + cost(piece) > chunk_max:
            cut, tail = len(current), 0
            for index in range(len(current) - 1, -1, -1):
                if current[index].isspace():
                    cut = index + 1
                    break
                tail += cost(current[index])
                if tail > SOFT_BREAK_WINDOW:
                    break
            chunks.append("".join(current[:cut]))
            current = current[cut:]
            size = sum(cost(p) for p in current)
        current.append(piece)
        size += cost(piece)
    chunks.append("".join(current))
    return [chunk.strip() for chunk in chunks if chunk.strip()]


def quote_sections(text: str, total_max: int = QUOTE_TOTAL_MAX) -> list[Block]:
    """What a person wrote as block quotes, escaped, each section within Slack's limit."""
    chunks = _escaped_chunks(
        text, chunk_max=SECTION_TEXT_MAX - 2, total_max=total_max, newline_cost=3
    )
    return [section("> " + chunk.replace("\n", "\n> ")) for chunk in chunks]


def code_sections(text: str, total_max: int = QUOTE_TOTAL_MAX) -> list[Block]:
    """What a person wrote handed back in code blocks, to copy and paste again."""
    fences = 2 * len(CODE_FENCE) + 2
    chunks = _escaped_chunks(
        text, chunk_max=SECTION_TEXT_MAX - fences, total_max=total_max, newline_cost=1
    )
    return [section(f"{CODE_FENCE}\n{chunk}\n{CODE_FENCE}") for chunk in chunks]


def _short(text: str, limit: int) -> str:
    """A one-line taste of a text for lists and notifications; escaped."""
    return escaped_clip(" ".join(text.split()), limit)


def _modal(
    lang: str,
    callback_id: str,
    prefix: str,
    blocks: list[Block],
    private_metadata: str,
    *,
    submit: bool = True,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(t(lang, f"{prefix}.title"), MODAL_TEXT_MAX),
        "close": plain(t(lang, f"{prefix}.close"), MODAL_TEXT_MAX),
        "private_metadata": private_metadata,
        "blocks": fit_view(blocks),
    }
    if submit:
        view["submit"] = plain(t(lang, f"{prefix}.submit"), MODAL_TEXT_MAX)
    return view


# ---------------------------------------------------------------------------------------------
# The modals


def _team_options(teams: Sequence[TeamChoice], default_team_id: int | None) -> list[dict[str, Any]]:
    """At most Slack's 100 options, in the given order; the default team is never the one cut."""
    shown = list(teams[:STATIC_SELECT_OPTIONS_MAX])
    default = [team for team in teams if team.team_id == default_team_id]
    if default and default[0] not in shown:
        shown = [*shown[: STATIC_SELECT_OPTIONS_MAX - 1], default[0]]
    return [option(team.name, str(team.team_id)) for team in shown]


def feedback_modal(
    lang: str,
    teams: Sequence[TeamChoice],
    *,
    default_team_id: int | None,
    small_team_warning: bool,
    k: int,
    private_metadata: str = "",
    initial_text: str = "",
) -> dict[str, Any]:
    """The *Send feedback* form: to whom, about what, the words, and how private.

    It opens anonymous by default and says why the channel exists; the delay option blurs the
    timing ("it arrived right after our meeting"), and a small team is warned that anonymity
    thins out when there are few people to guess from.
    """
    blocks: list[Block] = [section(t(lang, "feedback.modal.intro"))]
    options = _team_options(teams, default_team_id)
    if not options:
        blocks.append(context(t(lang, "feedback.modal.no_teams")))
        return _modal(
            lang, FEEDBACK_MODAL, "feedback.modal", blocks, private_metadata, submit=False
        )

    team_select: dict[str, Any] = {
        "type": "static_select",
        "action_id": TEAM_ACTION,
        "placeholder": plain(t(lang, "feedback.modal.team_placeholder"), PLACEHOLDER_MAX),
        "options": options,
    }
    chosen = [option for option in options if option["value"] == str(default_team_id)]
    if default_team_id is not None and chosen:
        team_select["initial_option"] = chosen[0]
    blocks.append(input_block(TEAM_BLOCK, t(lang, "feedback.modal.team_label"), team_select))

    kinds = [option(kind_name(kind, lang), kind.value) for kind in FeedbackKind]
    kind_select: dict[str, Any] = {
        "type": "static_select",
        "action_id": KIND_ACTION,
        "placeholder": plain(t(lang, "feedback.modal.kind_placeholder"), PLACEHOLDER_MAX),
        "options": kinds,
        "initial_option": kinds[0],
    }
    blocks.append(input_block(KIND_BLOCK, t(lang, "feedback.modal.kind_label"), kind_select))

    text_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": TEXT_ACTION,
        "multiline": True,
        "min_length": 1,
        "max_length": TEXT_MAX,
        "placeholder": plain(t(lang, "feedback.modal.text_placeholder"), PLACEHOLDER_MAX),
    }
    if initial_text:
        text_input["initial_value"] = initial_text[:TEXT_MAX]
    blocks.append(
        input_block(
            TEXT_BLOCK,
            t(lang, "feedback.modal.text_label"),
            text_input,
            hint=t(lang, "feedback.modal.text_hint"),
        )
    )

    anonymous = option(t(lang, "feedback.modal.anonymous_option"), ANONYMOUS_OPTION)
    delay = option(t(lang, "feedback.modal.delay_option"), DELAY_OPTION)
    checkboxes: dict[str, Any] = {
        "type": "checkboxes",
        "action_id": OPTIONS_ACTION,
        "options": [anonymous, delay],
        "initial_options": [anonymous],
    }
    blocks.append(
        input_block(
            OPTIONS_BLOCK, t(lang, "feedback.modal.options_label"), checkboxes, optional=True
        )
    )
    if small_team_warning:
        blocks.append(context(t(lang, "feedback.modal.small_team", k=k)))
    return _modal(lang, FEEDBACK_MODAL, "feedback.modal", blocks, private_metadata)


def reply_modal(
    lang: str,
    *,
    thread_id: str,
    to_manager: bool,
    quoted: str,
    anonymous: bool = True,
) -> dict[str, Any]:
    """The *Reply* form for either side of a thread, quoting what is being answered.

    `to_manager` is True when the writer answers the manager. `anonymous` says whether the
    thread is anonymous; it only changes the privacy note, and defaults to the safe reading
    for the writer ("the manager will not see your name") — pass False for signed feedback so
    the note stays true.
    """
    side = "to_manager" if to_manager else "to_writer"
    privacy = "anonymous" if anonymous else "signed"
    blocks: list[Block] = []
    if quoted.strip():
        blocks.append(
            section(
                f"{t(lang, 'feedback.reply.quote_intro')}\n"
                f"{blockquote(quoted.strip(), REPLY_QUOTE_MAX)}"
            )
        )
    reply_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": REPLY_ACTION_INPUT,
        "multiline": True,
        "min_length": 1,
        "max_length": TEXT_MAX,
        "placeholder": plain(t(lang, "feedback.reply.placeholder"), PLACEHOLDER_MAX),
    }
    blocks.append(input_block(REPLY_BLOCK, t(lang, "feedback.reply.label"), reply_input))
    blocks.append(context(t(lang, f"feedback.reply.{side}_{privacy}")))
    return _modal(lang, REPLY_MODAL, "feedback.reply", blocks, thread_id)


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


def manager_buttons(thread: FeedbackThreadView, lang: str) -> Block:
    """Reply always; Acknowledge until read; Resolve until resolved; Flag until flagged."""
    elements = [
        button(
            t(lang, "feedback.card.reply"),
            MANAGER_REPLY_ACTION,
            value=thread.thread_id,
            style="primary",
        )
    ]
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
    writer = _signed_writer(thread.anonymous, thread.writer_id)
    team = _team_plain(thread.team_name)
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
        lang, "feedback.card.text", team=_team(thread.team_name), kind=kind_name(thread.kind, lang)
    )
    return _fallback(text), fit_message(blocks)


# ---------------------------------------------------------------------------------------------
# The writer's side


def _writer_reply_button(thread_id: str, label: str) -> Block:
    return actions(button(clip(label, BUTTON_TEXT_MAX), WRITER_REPLY_ACTION, value=thread_id))


def writer_receipt(thread: FeedbackThreadView, lang: str, *, delayed: bool) -> Message:
    """Tells the writer it went out (or when it will), how, and where the answers will land."""
    team = _team(thread.team_name)
    when = "delayed" if delayed else "sent"
    how = "anonymous" if thread.anonymous else "signed"
    headline = t(lang, f"feedback.receipt.{when}_{how}", team=team)
    blocks: list[Block] = [section(headline)]
    blocks += quote_sections(thread.first_text)
    blocks.append(context(t(lang, "feedback.receipt.replies_here")))
    blocks.append(_writer_reply_button(thread.thread_id, t(lang, "feedback.receipt.add_more")))
    text_key = "feedback.receipt.delayed_text" if delayed else "feedback.receipt.text"
    return _fallback(t(lang, text_key, team=team)), fit_message(blocks)


def thread_message(message: FeedbackMessageView, lang: str, *, for_writer: bool) -> Message:
    """One message of the conversation, posted in the thread of whoever reads it.

    The reader's own words come back as "You replied" with no button; the other side's words
    come with a Reply button. The manager sees the writer's name only on signed feedback.
    """
    team = _team(message.team_name)
    own = (message.author == Author.WRITER) == for_writer
    button_block: Block | None = None
    if own:
        headline = t(lang, "feedback.thread.you_replied")
        text = t(lang, "feedback.thread.you_replied_text", team=team)
    elif for_writer:
        headline = t(lang, "feedback.thread.manager_replied", team=team)
        text = t(lang, "feedback.thread.manager_replied_text", team=team)
        button_block = _writer_reply_button(message.thread_id, t(lang, "feedback.thread.reply"))
    else:
        writer = _signed_writer(message.anonymous, message.writer_id)
        if writer:
            headline = t(lang, "feedback.thread.writer_replied", writer=writer)
            text = t(lang, "feedback.thread.writer_replied_text", writer=writer, team=team)
        else:
            headline = t(lang, "feedback.thread.anonymous_replied")
            text = t(lang, "feedback.thread.anonymous_replied_text", team=team)
        button_block = actions(
            button(
                t(lang, "feedback.thread.reply"),
                MANAGER_REPLY_ACTION,
                value=message.thread_id,
                style="primary",
            )
        )
    blocks: list[Block] = [section(headline), *quote_sections(message.text)]
    if button_block:
        blocks.append(button_block)
    return _fallback(text), fit_message(blocks)


def status_notice(thread: FeedbackThreadView, lang: str) -> Message:
    """Closes the loop for the writer: their words were read, acted on, or picked up again."""
    key = {
        ThreadStatus.ACKNOWLEDGED: "feedback.notice.acknowledged",
        ThreadStatus.RESOLVED: "feedback.notice.resolved",
    }.get(thread.status, "feedback.notice.reopened")
    line = t(lang, key, team=_team(thread.team_name))
    blocks: list[Block] = [section(line)]
    if thread.status != ThreadStatus.RESOLVED:
        blocks.append(context(t(lang, "feedback.notice.still_open")))
    return _fallback(line), blocks


def delivery_failed(lang: str, text: str) -> Message:
    """Slack refused the DM to the manager: say so plainly and give every word back."""
    body = t(lang, "feedback.failed.body")
    blocks: list[Block] = [section(body)]
    returned = code_sections(text)
    if returned:
        blocks.append(context(t(lang, "feedback.failed.returned")))
        blocks += returned
    return _fallback(t(lang, "feedback.failed.text")), fit_message(blocks)


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
    blocks: list[Block] = [section(reason)]
    returned = code_sections(returned_text) if returned_text else []
    if returned:
        blocks.append(context(t(lang, "feedback.problem.returned")))
        blocks += returned
    return _fallback(reason), fit_message(blocks)


# ---------------------------------------------------------------------------------------------
# The list and notes


def _list_line(thread: FeedbackThreadView, lang: str) -> str:
    return t(
        lang,
        "feedback.list.line",
        kind=kind_label(thread.kind, lang),
        team=_team(thread.team_name, LIST_TEAM_MAX),
        status=status_name(thread.status, lang),
        excerpt=_short(thread.first_text, LIST_EXCERPT_MAX),
    )


def _list_sections(
    title: str, empty: str, threads: Sequence[FeedbackThreadView], lang: str
) -> list[Block]:
    """A titled list packed into as few sections as Slack's 3,000 characters allow."""
    if not threads:
        return [section(f"{title}\n{empty}")]
    lines = [_list_line(thread, lang) for thread in threads[:LIST_SECTION_MAX]]
    blocks: list[Block] = []
    current = title
    for text in lines:
        if len(current) + 1 + len(text) > SECTION_TEXT_MAX:
            blocks.append(section(current))
            current = text
        else:
            current = f"{current}\n{text}"
    blocks.append(section(current))
    return blocks


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
        blocks += _list_sections(
            t(lang, f"feedback.list.{part}_title"),
            t(lang, f"feedback.list.{part}_empty"),
            threads,
            lang,
        )
        hidden = len(threads) - LIST_SECTION_MAX
        if hidden > 0:
            blocks.append(context(t(lang, "feedback.list.more", count=hidden)))
    return _fallback(t(lang, "feedback.list.text")), fit_message(blocks)


def routed_to_admins_note(lang: str, team: str) -> str:
    """One mrkdwn line: the team has no active manager, so Aplauso's admins get the feedback."""
    return clip(t(lang, "feedback.admins.routed", team=_team(team)), SECTION_TEXT_MAX)
