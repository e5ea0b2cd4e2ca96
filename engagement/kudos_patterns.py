"""Patterns in who thanks whom that an admin may want to look at: pairs who mostly thank each
other, givers who spend a whole day's allowance in a few minutes, and people who put a kudos
emoji on their own messages (refused, and counted).

Signals, not verdicts: two people who work side by side thank each other often for good
reasons. The report shows them so an admin can look, and nothing is refused because of them.
Plain Python over rows already read: no Slack, no SQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from engagement.privacy_model import FORMER_COLLEAGUE

PAIR_AT_LEAST = 3
"""Kudos each way before a pair is worth showing."""
PAIR_SHARE = 0.6
"""Share of both people's giving that goes to each other for "mostly each other"."""
BURST_WITHIN = timedelta(minutes=15)
"""A day's allowance spent within this long is a burst."""
PATTERN_ROWS_MAX = 10


class Given(Protocol):
    """One receiver of one kudos (storage's GivenEdge has these fields)."""

    @property
    def kudos_id(self) -> int: ...
    @property
    def giver_id(self) -> str: ...
    @property
    def receiver_id(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def units(self) -> int: ...


@dataclass(frozen=True)
class ReciprocalPair:
    first: str
    second: str
    first_to_second: int
    second_to_first: int


@dataclass(frozen=True)
class LimitBurst:
    giver_id: str
    bursts: int


@dataclass(frozen=True)
class SelfReactions:
    """Someone put a kudos emoji on `messages` of their own messages (no kudos came of it)."""

    user_id: str
    messages: int


@dataclass(frozen=True)
class KudosPatterns:
    pairs: tuple[ReciprocalPair, ...] = ()
    bursts: tuple[LimitBurst, ...] = ()
    self_reactions: tuple[SelfReactions, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.pairs or self.bursts or self.self_reactions)

    @property
    def people(self) -> set[str]:
        """Everyone the patterns name."""
        named = {p.first for p in self.pairs} | {p.second for p in self.pairs}
        named |= {b.giver_id for b in self.bursts}
        return named | {r.user_id for r in self.self_reactions}

    def named(self, shown: Mapping[str, str]) -> KudosPatterns:
        """The same patterns with each id as the report names it (`shown`, for people who left:
        `FORMER_COLLEAGUE`); found on real ids first, so two people gone never merge."""
        return KudosPatterns(
            tuple(
                replace(p, first=shown.get(p.first, p.first), second=shown.get(p.second, p.second))
                for p in self.pairs
            ),
            tuple(replace(b, giver_id=shown.get(b.giver_id, b.giver_id)) for b in self.bursts),
            tuple(replace(r, user_id=shown.get(r.user_id, r.user_id)) for r in self.self_reactions),
        )


def kudos_patterns(
    edges: Sequence[Given], *, daily_limit: int, self_reacted: Mapping[str, int] | None = None
) -> KudosPatterns:
    """People who erased their data are one placeholder: never a pattern of theirs.
    `self_reacted`: per person, how many of their own messages got their kudos emoji."""
    edges = [e for e in edges if FORMER_COLLEAGUE not in (e.giver_id, e.receiver_id)]
    return KudosPatterns(
        tuple(reciprocal_pairs(edges)[:PATTERN_ROWS_MAX]),
        tuple(limit_bursts(edges, daily_limit=daily_limit)[:PATTERN_ROWS_MAX]),
        tuple(self_reactions(self_reacted or {})[:PATTERN_ROWS_MAX]),
    )


def self_reactions(counts: Mapping[str, int]) -> list[SelfReactions]:
    """People who reacted to their own messages with a kudos emoji, the most often first."""
    found = [
        SelfReactions(user_id, count)
        for user_id, count in counts.items()
        if count > 0 and user_id != FORMER_COLLEAGUE
    ]
    return sorted(found, key=lambda r: (-r.messages, r.user_id))


def reciprocal_pairs(
    edges: Iterable[Given], *, at_least: int = PAIR_AT_LEAST, share: float = PAIR_SHARE
) -> list[ReciprocalPair]:
    """Pairs who thanked each other at least `at_least` times each way, where those kudos are
    at least `share` of everything both gave; the busiest pairs first."""
    between: Counter[tuple[str, str]] = Counter()
    given: Counter[str] = Counter()
    for edge in edges:
        if edge.giver_id != edge.receiver_id:
            between[(edge.giver_id, edge.receiver_id)] += 1
            given[edge.giver_id] += 1
    pairs = []
    for (a, b), a_to_b in between.items():
        b_to_a = between.get((b, a), 0)
        if a >= b or min(a_to_b, b_to_a) < at_least:
            continue
        if (a_to_b + b_to_a) >= share * (given[a] + given[b]):
            pairs.append(ReciprocalPair(a, b, a_to_b, b_to_a))
    return sorted(pairs, key=lambda p: (-(p.first_to_second + p.second_to_first), p.first))


def limit_bursts(
    edges: Iterable[Given], *, daily_limit: int, within: timedelta = BURST_WITHIN
) -> list[LimitBurst]:
    """Givers who spent a whole day's allowance within `within`, and how many times; bursts
    do not overlap, so one long spree counts once per allowance spent."""
    spent: dict[str, dict[int, tuple[datetime, int]]] = defaultdict(dict)
    for edge in edges:
        spent[edge.giver_id][edge.kudos_id] = (edge.created_at, edge.units)
    found = []
    for giver, kudos in spent.items():
        count = _bursts(sorted(kudos.values()), daily_limit, within)
        if count:
            found.append(LimitBurst(giver, count))
    return sorted(found, key=lambda b: (-b.bursts, b.giver_id))


def _bursts(spending: list[tuple[datetime, int]], limit: int, within: timedelta) -> int:
    count, start, units = 0, 0, 0
    for end, (moment, cost) in enumerate(spending):
        units += cost
        while spending[start][0] < moment - within:
            units -= spending[start][1]
            start += 1
        if limit > 0 and units >= limit:
            count += 1
            start, units = end + 1, 0
    return count
