"""Who is thanked, with which value, and in what words: read from a kudos message's text.

Kudos arrive as free text from several surfaces (an @mention of the bot, a slash command, a
message shortcut). Slack writes real mentions as `<@U123>` and user groups as
`<!subteam^S123|@team>`, while an unescaped slash command delivers a plain `@ana`. This module
turns both forms into plain data once, so the kudos rules never deal with Slack markup.

Everything is found in one left-to-right regular-expression scan whose alternatives cannot
backtrack into each other, so a hostile 100 KB message costs linear time and cannot stall a
worker. Pure Python: no Slack client, no SQL, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from engagement.kudos_model import ValueInfo

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

# Words allowed between the receivers at the start ("@ana y @luis", "<@U1> &amp; <@U2>").
_RECEIVER_JOINERS = frozenset({"and", "y", "&", "&amp;"})
# What is left between the last leading receiver and the words: "@ana: thanks", "@ana — thanks".
_LEADING_JUNK = re.compile(r"\A(?:[\s,;:!.]|[-–—](?=\s))+")
# Punctuation that should hug the word before a removed hashtag: "great job #helpful!".
_CLOSING_PUNCTUATION = frozenset(".,!?;:)…")
_TAG_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class ParsedKudosText:
    """What a kudos message says, before anyone checks the people or values exist.

    `user_ids` are Slack ids from real mentions; `names` are plain `@name` words the caller
    still has to resolve (no @); `usergroup_ids` are user groups to expand. Every mention
    anywhere is a receiver, but only the leading run of them is cut from `message`, so
    "thanks for helping <@U2>" still reads well. `hashtags` are all hashtags, without the #,
    in order of appearance, once each.
    """

    user_ids: tuple[str, ...]
    names: tuple[str, ...]
    usergroup_ids: tuple[str, ...]
    hashtags: tuple[str, ...]
    message: str


class _Kind(Enum):
    USER = "user"
    BOT = "bot"
    USERGROUP = "usergroup"
    BROADCAST = "broadcast"
    NAME = "name"
    HASHTAG = "hashtag"


# Tokens that may form the leading run of receivers (the bot and broadcasts are cut anyway).
_LEADING_KINDS = frozenset({_Kind.USER, _Kind.BOT, _Kind.USERGROUP, _Kind.BROADCAST, _Kind.NAME})


@dataclass(frozen=True)
class _Token:
    kind: _Kind
    start: int
    end: int
    value: str


def normalize_tag(text: str) -> str:
    """The comparable form of a hashtag or value name: `#Fácil`, `facil` and `FACIL` are equal.

    People type values without accents, in any case, with hyphens or spaces, so all of that
    is folded away: accents stripped (NFKD, combining marks dropped), case folded, runs of
    spaces and hyphens turned into one underscore, and a leading `#` ignored.
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lstrip("#"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _TAG_SEPARATORS.sub("_", bare.casefold()).strip("_")


class _ValueIndex:
    """Hashtag lookup built once per call, so a message full of hashtags stays cheap.

    Keys win over aliases, and aliases over names, when values overlap; an exact normalized
    match wins over one that only agrees once underscores are dropped (`#tratopersonal`).
    """

    def __init__(self, values: Sequence[ValueInfo]) -> None:
        self._exact: dict[str, ValueInfo] = {}
        self._compact: dict[str, ValueInfo] = {}
        tiers: tuple[Callable[[ValueInfo], Iterable[str]], ...] = (
            lambda value: (value.key,),
            lambda value: value.aliases,
            lambda value: (value.name_en, value.name_es),
        )
        for candidates_of in tiers:
            for value in values:
                for candidate in candidates_of(value):
                    normalized = normalize_tag(candidate)
                    if normalized:
                        self._exact.setdefault(normalized, value)
                        self._compact.setdefault(normalized.replace("_", ""), value)
        self._memo: dict[str, ValueInfo | None] = {}

    def find(self, hashtag: str) -> ValueInfo | None:
        if hashtag not in self._memo:
            normalized = normalize_tag(hashtag)
            found = self._exact.get(normalized) if normalized else None
            if found is None and normalized:
                found = self._compact.get(normalized.replace("_", ""))
            self._memo[hashtag] = found
        return self._memo[hashtag]


def match_value(hashtag: str, values: Sequence[ValueInfo]) -> ValueInfo | None:
    """The value a hashtag names, by key, alias, English or Spanish name; None if none.

    Callers pass only the active values, so a retired value's hashtag is simply unknown.
    """
    return _ValueIndex(values).find(hashtag)


def choose_value(
    hashtags: Sequence[str], values: Sequence[ValueInfo]
) -> tuple[ValueInfo | None, tuple[str, ...]]:
    """The kudos value (the first hashtag that names one) and the hashtags that named nothing.

    A kudos carries one value, so later matching hashtags are ignored rather than reported;
    the unknown ones are returned (once each, as written) so the giver can be told about a
    typo instead of having it silently dropped.
    """
    index = _ValueIndex(values)
    chosen: ValueInfo | None = None
    unknown: list[str] = []
    seen: set[str] = set()
    for hashtag in hashtags:
        value = index.find(hashtag)
        if value is not None:
            if chosen is None:
                chosen = value
            continue
        normalized = normalize_tag(hashtag)
        if normalized and normalized not in seen:
            seen.add(normalized)
            unknown.append(hashtag)
    return chosen, tuple(unknown)


def parse_kudos_text(
    text: str, *, bot_user_id: str | None = None, values: Sequence[ValueInfo] = ()
) -> ParsedKudosText:
    """Split a kudos message into receivers, hashtags and the words to show.

    The message loses: the leading run of receivers (with the spaces, commas and
    "and"/"y"/"&" between them), every mention of the bot, every `<!channel>`/`<!here>`/
    `<!everyone>` (never receivers: nobody thanks a whole channel by accident), and every
    hashtag that names one of `values`. Unknown hashtags stay, as the giver wrote them.
    Whitespace is collapsed within each line; line breaks are kept (blank runs become one).
    Greetings such as "thanks" after the bot mention are left alone on purpose.
    """
    text = unicodedata.normalize("NFC", text)
    tokens = list(_scan(text, bot_user_id))
    index = _ValueIndex(values)
    removed = [
        token
        for token in tokens
        if token.kind in (_Kind.BOT, _Kind.BROADCAST)
        or (token.kind is _Kind.HASHTAG and index.find(token.value) is not None)
    ]
    removed_starts = {token.start for token in removed}
    cut = _end_of_leading_receivers(text, tokens, removed_starts)
    return ParsedKudosText(
        user_ids=_unique(_values_of(tokens, _Kind.USER)),
        names=_unique(_values_of(tokens, _Kind.NAME), key=str.casefold),
        usergroup_ids=_unique(_values_of(tokens, _Kind.USERGROUP)),
        hashtags=_unique(_values_of(tokens, _Kind.HASHTAG), key=normalize_tag),
        message=_compose_message(text, cut, removed),
    )


def _scan(text: str, bot_user_id: str | None) -> Iterator[_Token]:
    """Mentions, user groups, broadcasts and hashtags, in order; URLs and links are skipped."""
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        group = match.lastgroup
        if group == "angle":
            token = _classify_angle(match.group("angle")[1:-1], start, end, bot_user_id)
            if token is not None:
                yield token
        elif group == "name":
            name = match.group("name")
            kind = _Kind.BROADCAST if name.casefold() in _PLAIN_BROADCASTS else _Kind.NAME
            yield _Token(kind, start, end, name)
        elif group == "tag":
            tag = match.group("tag")
            # "ticket #4521" is a number, not a value someone meant to give.
            if any(char.isalpha() for char in tag):
                yield _Token(_Kind.HASHTAG, start, end, tag)


def _classify_angle(inner: str, start: int, end: int, bot_user_id: str | None) -> _Token | None:
    """A `<...>` Slack entity as a token; channel links, URLs and dates are just text."""
    if user := _USER.fullmatch(inner):
        user_id = user.group(1)
        kind = _Kind.BOT if bot_user_id is not None and user_id == bot_user_id else _Kind.USER
        return _Token(kind, start, end, user_id)
    if group := _USERGROUP.fullmatch(inner):
        return _Token(_Kind.USERGROUP, start, end, group.group(1))
    if _BROADCAST.fullmatch(inner):
        return _Token(_Kind.BROADCAST, start, end, inner)
    return None


def _end_of_leading_receivers(text: str, tokens: Sequence[_Token], removed_starts: set[int]) -> int:
    """Where the words begin: after the receivers (and consumed hashtags) the message opens with.

    A joiner word only counts when another receiver follows it, so in "@ana and the team"
    the words "and the team" stay.
    """
    position = cut = 0
    for token in tokens:
        gap = text[position : token.start].replace(",", " ").split()
        if any(word.casefold() not in _RECEIVER_JOINERS for word in gap):
            break
        if token.kind not in _LEADING_KINDS and token.start not in removed_starts:
            break
        position = cut = token.end
    return cut


def _compose_message(text: str, cut: int, removed: Sequence[_Token]) -> str:
    """The text after `cut` without the removed tokens, tidied line by line."""
    pieces: list[str] = []
    position = cut
    for token in removed:
        if token.start < cut:
            continue
        pieces.append(text[position : token.start])
        position = token.end
        if pieces[-1].endswith("(") and text.startswith(")", position):
            pieces[-1] = pieces[-1][:-1]  # "(#helpful)" would leave an empty "()"
            position += 1
        elif position < len(text) and text[position] in _CLOSING_PUNCTUATION:
            _drop_trailing_spaces(pieces)
    pieces.append(text[position:])
    body = "".join(pieces)
    if cut:
        body = _LEADING_JUNK.sub("", body, count=1)
    return _tidy_lines(body)


def _drop_trailing_spaces(pieces: list[str]) -> None:
    while pieces:
        stripped = pieces[-1].rstrip(" \t")
        if stripped:
            pieces[-1] = stripped
            return
        pieces.pop()


def _tidy_lines(body: str) -> str:
    lines: list[str] = []
    for line in body.splitlines():
        tidy = " ".join(line.split())
        if tidy or (lines and lines[-1]):
            lines.append(tidy)
    return "\n".join(lines).strip()


def _values_of(tokens: Iterable[_Token], kind: _Kind) -> Iterator[str]:
    return (token.value for token in tokens if token.kind is kind)


def _unique(items: Iterable[str], key: Callable[[str], str] = str) -> tuple[str, ...]:
    """Items once each, first spelling kept, in order of appearance."""
    seen: set[str] = set()
    result: list[str] = []
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            result.append(item)
    return tuple(result)
