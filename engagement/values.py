"""The workspace's service values, and which one a hashtag names.

People type values without accents, in any case, in either language, so every comparison goes
through `normalize_tag`. Pure Python: no Slack, no SQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from engagement.kudos_model import ValueInfo

_TAG_SEPARATORS = re.compile(r"[\s\-]+")


def normalize_tag(text: str) -> str:
    """The comparable form of a hashtag or value name: `#Fácil`, `facil` and `FACIL` are equal.

    Accents are stripped (NFKD, combining marks dropped), case folded, runs of spaces and
    hyphens turned into one underscore, and a leading `#` ignored.
    """
    decomposed = unicodedata.normalize("NFKD", text.strip().lstrip("#"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _TAG_SEPARATORS.sub("_", bare.casefold()).strip("_")


class ValueIndex:
    """Hashtag lookup built once per message, so a message full of hashtags stays cheap.

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
    return ValueIndex(values).find(hashtag)


def choose_value(
    hashtags: Sequence[str], values: Sequence[ValueInfo]
) -> tuple[ValueInfo | None, tuple[str, ...]]:
    """The kudos value (the first hashtag that names one) and the hashtags that named nothing.

    A kudos carries one value, so later matching hashtags are ignored rather than reported;
    the unknown ones are returned (once each, as written) so the giver can be told about a
    typo instead of having it silently dropped.
    """
    index = ValueIndex(values)
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
