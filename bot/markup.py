"""Slack's message markup read into plain spans: who a kudos text mentions, and its hashtags.

Slack writes real mentions as `<@U123|name>`, user groups as `<!subteam^S123|@team>` and
channel-wide pings as `<!channel>`, while an unescaped slash command delivers a plain `@ana`.
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
_PLAIN_BROADCASTS = frozenset({"channel", "here", "everyone"})


def read_kudos_markup(text: str, *, bot_user_id: str | None = None) -> KudosText:
    """The text (NFC-normalized) with its mentions, user groups, broadcasts and hashtags marked.

    The bot's own mention and every `<!channel>`/`<!here>`/`<!everyone>` (or plain `@here`)
    are marked as asides: never receivers (nobody thanks a whole channel by accident).
    Channel links, URLs and dates are left as words.
    """
    normalized = unicodedata.normalize("NFC", text)
    return KudosText(normalized, tuple(_scan(normalized, bot_user_id)))


def _scan(text: str, bot_user_id: str | None) -> Iterator[Marked]:
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        group = match.lastgroup
        if group == "angle":
            marked = _classify_angle(match.group("angle")[1:-1], start, end, bot_user_id)
            if marked is not None:
                yield marked
        elif group == "name":
            name = match.group("name")
            kind = Mark.ASIDE if name.casefold() in _PLAIN_BROADCASTS else Mark.NAME
            yield Marked(kind, start, end, name)
        elif group == "tag":
            tag = match.group("tag")
            # "ticket #4521" is a number, not a value someone meant to give.
            if any(char.isalpha() for char in tag):
                yield Marked(Mark.HASHTAG, start, end, tag)


def _classify_angle(inner: str, start: int, end: int, bot_user_id: str | None) -> Marked | None:
    """A `<...>` Slack entity as a mark; channel links, URLs and dates are just text."""
    if user := _USER.fullmatch(inner):
        user_id = user.group(1)
        kind = Mark.ASIDE if bot_user_id is not None and user_id == bot_user_id else Mark.PERSON
        return Marked(kind, start, end, user_id)
    if group := _USERGROUP.fullmatch(inner):
        return Marked(Mark.GROUP, start, end, group.group(1))
    if _BROADCAST.fullmatch(inner):
        return Marked(Mark.ASIDE, start, end, inner)
    return None
