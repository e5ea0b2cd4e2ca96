"""Slack's message markup read into plain spans: who a kudos text mentions, and its hashtags.

Slack writes real mentions as `<@U123|name>`, user groups as `<!subteam^S123|@team>`, channel
links as `<#C123|name>` and channel-wide pings as `<!channel>`; a name the person typed without
picking it from the composer's suggestions still arrives as a plain `@ana`.
This module turns both forms into a `KudosText` (the text plus marked spans), so the domain
reads receivers and words without ever knowing Slack's syntax.

Everything is found in one left-to-right regular-expression scan whose alternatives cannot
backtrack into each other, so a hostile 100 KB message costs linear time and cannot stall a
worker. Pure Python: no Slack client, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from engagement.kudos_model import KudosText, Mark, Marked

# A plain `@name` or `#tag` only counts when it starts a word: `ana@example.com`,
# `x.com/@ana`, `page/#top` or `&#39;` are not mentions or hashtags.
_STARTS_A_WORD = r"(?<![\w@#/&=?.%+~\-])"

_TOKEN = re.compile(
    rf"""
      (?P<angle><[^<>]*>)
    | (?P<url>(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>]*
             |(?<![\w.\-])www\.[^\s<>]*)
    | {_STARTS_A_WORD}@(?P<name>\w+(?:[.\-]\w+)*)
    | {_STARTS_A_WORD}\#(?P<tag>\w+(?:-\w+)*)
    """,
    re.VERBOSE,
)
_USER = re.compile(r"@([UW][A-Z0-9]+)(?:\|[^<>]*)?")
_USERGROUP = re.compile(r"!subteam\^([A-Z0-9]+)(?:\|[^<>]*)?")
_BROADCAST = re.compile(r"!(?:channel|here|everyone)(?:\|[^<>]*)?")
_CHANNEL = re.compile(r"#[CG][A-Z0-9]+")
_PLAIN_BROADCASTS = frozenset({"channel", "here", "everyone"})


def read_kudos_markup(text: str, *, bot_user_id: str | None = None) -> KudosText:
    """The text (NFC-normalized) with its mentions, user groups, broadcasts and hashtags marked.

    The bot's own mention and every `<!channel>`/`<!here>`/`<!everyone>` (or plain `@here`)
    are marked as asides: never receivers (nobody thanks a whole channel by accident).
    A channel link `<#C123|helpful>` is the hashtag `#helpful`: with `should_escape` on, Slack
    turns a typed `#helpful` into one whenever a channel has that name. URLs and dates are
    left as words.
    """
    normalized = unicodedata.normalize("NFC", text)
    shown: dict[int, str] = {}
    marks = list(_scan(normalized, bot_user_id, shown))
    if "&" not in normalized and not shown:
        return KudosText(normalized, tuple(marks))  # nothing reads differently: kept fast
    return _readable(normalized, marks, shown)


_SLACK_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    for escaped, plain in _SLACK_ESCAPES:
        text = text.replace(escaped, plain)
    return text


def _readable(text: str, marks: list[Marked], shown: dict[int, str]) -> KudosText:
    """The text as the person typed it, with the marks moved to match.

    Slack sends `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`, and what the person picked in the
    composer as entities: `<@U123|rosa.mendez>` reads `@rosa.mendez`, `<!subteam^S1|@it-team>`
    reads `@it-team` and `<#C1|helpful>` reads `#helpful` (`shown`, by where they start).
    Entities are found first, on the escaped text, so a typed `&lt;@U123&gt;` can never become
    a mention. Views escape once when they post, so a typed `R&D` reads `R&D`, not `R&amp;D`.
    """
    pieces: list[str] = []
    moved: list[Marked] = []
    position = length = 0
    for mark in marks:
        gap = _unescape(text[position : mark.start])
        entity = shown.get(mark.start, text[mark.start : mark.end])
        pieces += [gap, entity]
        begins = length + len(gap)
        length = begins + len(entity)
        moved.append(Marked(mark.kind, begins, length, mark.value))
        position = mark.end
    pieces.append(_unescape(text[position:]))
    return KudosText("".join(pieces), tuple(moved))


def _scan(text: str, bot_user_id: str | None, shown: dict[int, str]) -> Iterator[Marked]:
    """The marks, in order; an entity that reads differently from how Slack wrote it (a picked
    name) puts what it reads as into `shown`."""
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        if group == "name":
            name = match.group("name")
            kind = Mark.ASIDE if name.casefold() in _PLAIN_BROADCASTS else Mark.NAME
            yield Marked(kind, match.start(), match.end(), name)
        elif group == "tag":
            tag = match.group("tag")
            # "ticket #4521" is a number, not a value someone meant to give.
            if any(char.isalpha() for char in tag):
                yield Marked(Mark.HASHTAG, match.start(), match.end(), tag)
        elif group == "angle":
            start, end = match.span()
            found = _classify_angle(match.group("angle")[1:-1], bot_user_id)
            if found is not None:
                kind, value, reads_as = found
                if reads_as is not None:
                    shown[start] = reads_as
                yield Marked(kind, start, end, value)


def _classify_angle(inner: str, bot_user_id: str | None) -> tuple[Mark, str, str | None] | None:
    """A `<...>` Slack entity as (mark, value, what it reads as if not as written); None for
    links, dates and private channels (Slack gives no name), which stay words."""
    target, _, label = inner.partition("|")
    label = _unescape(label)
    if user := _USER.fullmatch(inner):
        user_id = user.group(1)
        kind = Mark.ASIDE if bot_user_id is not None and user_id == bot_user_id else Mark.PERSON
        return kind, user_id, f"@{label.lstrip('@')}" if label else None
    if group := _USERGROUP.fullmatch(inner):
        return Mark.GROUP, group[1], f"@{label.lstrip('@')}" if label else None
    if _BROADCAST.fullmatch(inner):
        return Mark.ASIDE, inner, None
    if label and _CHANNEL.fullmatch(target):
        return Mark.HASHTAG, label, f"#{label}"
    return None


# ---------------------------------------------------------------------------------------------
# Showing what a person wrote, as Slack would show it, without letting it notify a crowd

_SHOWN_ENTITY = re.compile(
    r"<(?P<target>@[UW][A-Z0-9]+|\#[CG][A-Z0-9]+|!subteam\^[A-Z0-9]+|!(?:channel|here|everyone))"
    r"(?:\|(?P<label>[^<>]*))?>"
)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shown_pieces(text: str, *, group_word: str) -> list[str]:
    """What a person wrote, as mrkdwn pieces that each render whole (one character, or one
    entity): people (`<@U1>`, `<@U1|ana>`) and channel links (`<#C1>`) stay live, so Slack
    shows names instead of ids; `<!here>`, `<!channel>`, `<!everyone>` and user groups
    (`<!subteam^S1|@it-team>`) become plain `@here` / `@it-team` (`@` + `group_word` when
    Slack gave no handle), so a repost pings nobody; everything else is escaped.

    A person or channel link is written back without its label: Slack shows their current
    name, and a label can carry nothing then. Pieces are never cut by a clip.
    """
    pieces: list[str] = []
    position = 0
    for match in _SHOWN_ENTITY.finditer(text):
        pieces += [_escape(char) for char in text[position : match.start()]]
        pieces.append(_shown_entity(match.group("target"), match.group("label"), group_word))
        position = match.end()
    pieces += [_escape(char) for char in text[position:]]
    return pieces


def _shown_entity(target: str, label: str | None, group_word: str) -> str:
    if target[0] in "@#":
        return f"<{target}>"
    if target.startswith("!subteam^"):
        handle = _unescape(label or "").strip().lstrip("@") or group_word
        return _escape(f"@{handle}")
    return f"@{target[1:]}"


def shown_text(text: str, *, group_word: str) -> str:
    """`shown_pieces` joined: the text safe to post, mentions of people rendered."""
    return "".join(shown_pieces(text, group_word=group_word))
