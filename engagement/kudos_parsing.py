"""Who is thanked, with which value, and in what words: read from a typed kudos.

`bot/markup.py` has already marked the spans that mean someone (mentions, plain @names, user
groups), the asides (the bot, channel-wide pings) and the hashtags; this module decides which
of them are receivers, which hashtag is the value, and what is left to show as the message.
Pure Python: no Slack syntax, no SQL, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from engagement.kudos_model import KudosText, Mark, Marked, ValueInfo
from engagement.values import choose_value, match_value, normalize_tag

REMEMBERED_HASHTAGS = 4096
# Words allowed between the receivers at the start ("@ana y @luis", "@ana &amp; @luis").
_RECEIVER_JOINERS = frozenset({"and", "y", "&", "&amp;"})
# What is left between the last leading receiver and the words: "@ana: thanks", "@ana — thanks".
_LEADING_JUNK = re.compile(r"\A(?:[\s,;:!.]|[-–—](?=\s))+")
# Punctuation that should hug the word before a removed hashtag: "great job #helpful!".
_CLOSING_PUNCTUATION = frozenset(".,!?;:)…")
# Marks that may form the leading run of receivers (asides are cut anyway).
_LEADING_KINDS = frozenset({Mark.PERSON, Mark.NAME, Mark.GROUP, Mark.ASIDE})


@dataclass(frozen=True)
class Addressees:
    """Whom a typed kudos names, once each in order of appearance.

    `user_ids` are people Slack already identified; `names` are plain `@name` words still to be
    looked up (no @); `usergroup_ids` are user groups to expand.
    """

    user_ids: tuple[str, ...]
    names: tuple[str, ...]
    usergroup_ids: tuple[str, ...]


@dataclass(frozen=True)
class ParsedKudosText:
    """What a kudos message says, before anyone checks the people or values exist.

    Every mention anywhere is a receiver, but only the leading run of them is cut from
    `message`, so "thanks for helping @luis" still reads well. `hashtags` are all hashtags,
    without the #, in order of appearance, once each.
    """

    user_ids: tuple[str, ...]
    names: tuple[str, ...]
    usergroup_ids: tuple[str, ...]
    hashtags: tuple[str, ...]
    message: str


def addressees_of(typed: KudosText) -> Addressees:
    """The receivers alone: known before the values are, so they can be looked up first."""
    return Addressees(
        user_ids=_unique(_values_of(typed.marks, Mark.PERSON)),
        names=_unique(_values_of(typed.marks, Mark.NAME), key=str.casefold),
        usergroup_ids=_unique(_values_of(typed.marks, Mark.GROUP)),
    )


def read_kudos_text(typed: KudosText, values: Sequence[ValueInfo] = ()) -> ParsedKudosText:
    """Split a typed kudos into receivers, hashtags and the words to show.

    The message loses: the leading run of receivers (with the spaces, commas and
    "and"/"y"/"&" between them), every aside, and every hashtag that names one of `values`.
    Unknown hashtags stay, as the giver wrote them. Whitespace is collapsed within each line;
    line breaks are kept (blank runs become one). Greetings such as "thanks" after the bot
    mention are left alone on purpose.
    """
    offered = tuple(values)
    removed = [
        marked
        for marked in typed.marks
        if marked.kind is Mark.ASIDE
        or (marked.kind is Mark.HASHTAG and _named_value(offered, marked.value) is not None)
    ]
    removed_starts = {marked.start for marked in removed}
    cut = _end_of_leading_receivers(typed.text, typed.marks, removed_starts)
    addressees = addressees_of(typed)
    return ParsedKudosText(
        user_ids=addressees.user_ids,
        names=addressees.names,
        usergroup_ids=addressees.usergroup_ids,
        hashtags=_unique(_values_of(typed.marks, Mark.HASHTAG), key=normalize_tag),
        message=_compose_message(typed.text, cut, removed),
    )


@lru_cache(maxsize=REMEMBERED_HASHTAGS)
def _named_value(values: tuple[ValueInfo, ...], hashtag: str) -> ValueInfo | None:
    """The value a hashtag names, remembered: an index costs some forty normalisations to
    build, and the same few hashtags come back all day. Bounded, whatever people type."""
    return match_value(hashtag, values)


@lru_cache(maxsize=REMEMBERED_HASHTAGS)
def chosen_value(
    hashtags: tuple[str, ...], values: tuple[ValueInfo, ...]
) -> tuple[ValueInfo | None, tuple[str, ...]]:
    """`choose_value`, remembered for the same hashtags and values (bounded, as above)."""
    return choose_value(hashtags, values)


def typed_words(
    typed: KudosText, values: Sequence[ValueInfo]
) -> tuple[str, ValueInfo | None, str | None]:
    """(message, value, a hashtag that named no value) as a typed kudos reads: the same for a
    new kudos and for an edited @mention that is read again."""
    parsed = read_kudos_text(typed, values)
    value, unknown = chosen_value(parsed.hashtags, tuple(values))
    return parsed.message, value, (unknown[0] if unknown and value is None else None)


def _end_of_leading_receivers(text: str, marks: Sequence[Marked], removed_starts: set[int]) -> int:
    """Where the words begin: after the receivers (and consumed hashtags) the message opens with.

    A joiner word only counts when another receiver follows it, so in "@ana and the team"
    the words "and the team" stay.
    """
    position = cut = 0
    for marked in marks:
        gap = text[position : marked.start].replace(",", " ").split()
        if any(word.casefold() not in _RECEIVER_JOINERS for word in gap):
            break
        if marked.kind not in _LEADING_KINDS and marked.start not in removed_starts:
            break
        position = cut = marked.end
    return cut


def _compose_message(text: str, cut: int, removed: Sequence[Marked]) -> str:
    """The text after `cut` without the removed spans, tidied line by line."""
    pieces: list[str] = []
    position = cut
    for marked in removed:
        if marked.start < cut:
            continue
        pieces.append(text[position : marked.start])
        position = marked.end
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


def _values_of(marks: Iterable[Marked], kind: Mark) -> Iterator[str]:
    return (marked.value for marked in marks if marked.kind is kind)


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
