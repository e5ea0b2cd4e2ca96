"""What feedback views share: names of kinds and statuses, team names, and quoted texts.

Three rules hold for every feedback view (`feedback.py` for messages, `feedback_modal.py` for
the forms):

* the writer is named only when the thread is signed (`anonymous` is False), whatever
  `writer_id` holds, so a bug elsewhere cannot unmask someone here;
* what a person wrote (feedback, replies, team names) is escaped before it is shown as mrkdwn;
* every message carries a plain `text` fallback, what notifications and screen readers show.

A feedback text may be 3,000 characters and grows when escaped (`&` is five characters once
escaped), so texts are split over several sections (each within Slack's 3,000) and clipped only
when the whole message would grow too long for Slack.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import t
from bot.views.blocks import (
    SECTION_TEXT_MAX,
    Block,
    clip,
    escape_mrkdwn,
    escaped_clip,
    mention,
    pieces_within,
    section,
)
from engagement.feedback_model import FeedbackKind, ThreadStatus
from engagement.privacy_model import FORMER_COLLEAGUE

# Room for what a person wrote in one message; the rest of Slack's ~12,000 characters of block
# text is left for headlines, buttons and notes.
QUOTE_TOTAL_MAX = 9000
CODE_FENCE = "```"
TEAM_SHOWN_MAX = 80
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


def team_mrkdwn(name: str, limit: int = TEAM_SHOWN_MAX) -> str:
    """A team name for mrkdwn: admins type team names, so they are escaped like any text."""
    return escaped_clip(" ".join(name.split()), limit)


def team_plain(name: str) -> str:
    """A team name for plain_text (headers), where Slack shows text as is and pings nobody."""
    return clip(" ".join(name.split()), TEAM_SHOWN_MAX)


def kind_name(kind: FeedbackKind, lang: str) -> str:
    return t(lang, f"feedback.kind.{kind.value}")


def kind_label(kind: FeedbackKind, lang: str) -> str:
    return f"{KIND_EMOJI.get(kind, ':speech_balloon:')} {kind_name(kind, lang)}"


def status_name(status: ThreadStatus, lang: str) -> str:
    return t(lang, f"feedback.status.{status.value}")


def signed_writer(anonymous: bool, writer_id: str | None, lang: str) -> str | None:
    """The writer's mention, only when they chose to sign: anonymity wins over any stray id.
    A writer who erased their data reads as a former colleague."""
    if anonymous or not writer_id:
        return None
    return t(lang, "privacy.former") if writer_id == FORMER_COLLEAGUE else mention(writer_id)


def short(text: str, limit: int) -> str:
    """A one-line taste of a text for lists and notifications; escaped."""
    return escaped_clip(" ".join(text.split()), limit)


def _escaped_chunks(text: str, *, chunk_max: int, total_max: int, newline_cost: int) -> list[str]:
    """`text` escaped and cut into pieces of at most `chunk_max`, `total_max` in all.

    Escaped entities are never cut in half; a cut prefers a space or line break near the end of a
    chunk; an over-long text ends with `…`. `newline_cost` counts what a line break becomes once
    rendered (three for a block quote's `\\n> `).
    """
    pieces = [escape_mrkdwn(char) for char in text.strip()]

    def cost(piece: str) -> int:
        return newline_cost if piece == "\n" else len(piece)

    pieces = pieces_within(pieces, total_max, cost)
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
