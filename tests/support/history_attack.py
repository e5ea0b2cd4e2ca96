"""The storage-history attack on pulse answers, as a database reader without the key runs it.

Input: the history as a sequence of transactions (or of backups), each reduced to the rows it
removed and added per table. For every transaction the attacker takes the pending rows it
removed (who answered which question), the ballots it added or removed (linked to the people
whose pending rows went in the transaction that added them), and the answer and rating rows it
added net of those it removed (rewritten copies cancel out). An answer added next to removed
pending rows or removed ballots of its group is attributed to those people; the attacker's
best guess is right with probability (rows of that content) / (candidates).

"Chance" is what the final tables alone give: the same guess among everyone who took part in
the group (week or month, team, question), as the privacy review defined it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

Row = tuple[Any, ...]
Tables = Mapping[str, Iterable[Row]]
Group = tuple[date, int, str]  # (week, or month for ratings; team; question key)
Content = tuple[int | None, str | None]

PENDING, BALLOTS, ANSWERS, RATINGS = (
    "pulse_pending",
    "pulse_ballots",
    "pulse_answers",
    "service_ratings",
)
TABLES = (PENDING, BALLOTS, ANSWERS, RATINGS)


@dataclass(frozen=True)
class Change:
    """One transaction (or the interval between two backups): rows removed and added."""

    removed: Mapping[str, Counter[Row]]
    added: Mapping[str, Counter[Row]]


@dataclass(frozen=True)
class Truth:
    """What one person answered for one group; `contents` holds the row contents that count as
    theirs (a comment of someone in two teams lands on one of them)."""

    user_id: str
    group: Group
    contents: frozenset[Content]


@dataclass
class Verdict:
    attacked: float = 0.0  # expected number of answers the attacker attributes correctly
    chance: float = 0.0  # the same, guessing among the group's participants
    certain: int = 0  # answers attributed with certainty by the attack
    certain_by_chance: int = 0  # ... and from the final tables alone (groups of one)
    answers: int = 0
    per_answer: list[tuple[Truth, float, float]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.attacked / self.answers if self.answers else 0.0

    @property
    def chance_rate(self) -> float:
        return self.chance / self.answers if self.answers else 0.0

    def summary(self, name: str) -> str:
        return (
            f"{name}: {self.attacked:.1f} of {self.answers} answers attributed "
            f"({self.rate:.1%}), chance {self.chance_rate:.1%}; certain {self.certain} "
            f"(chance alone: {self.certain_by_chance})"
        )


def changes_between(states: Sequence[Tables]) -> list[Change]:
    """Consecutive full states (backups, or the database after each WAL commit) as changes."""
    found = []
    for before, after in pairwise(states):
        removed, added = {}, {}
        for table in TABLES:
            old, new = Counter(before.get(table, ())), Counter(after.get(table, ()))
            removed[table], added[table] = old - new, new - old
        found.append(Change(removed, added))
    return found


def month_of(day: date) -> date:
    return day.replace(day=1)


def _rating_key(rating: int, rated: int) -> str:
    return f"svc_{rating}_{rated}"


def _pending_group(week: date, key: str) -> tuple[date, str]:
    return (month_of(week), key) if key.startswith("svc_") else (week, key)


def _answer_groups(change: Change) -> dict[Group, Counter[Content]]:
    """Answer and rating contents this change added, net of those it removed."""
    net: dict[Group, Counter[Content]] = defaultdict(Counter)
    for row, n in change.added.get(ANSWERS, Counter()).items():
        _id, week, key, team, score, comment = row
        net[(week, team, key)][(score, comment)] += n
    for row, n in change.removed.get(ANSWERS, Counter()).items():
        _id, week, key, team, score, comment = row
        net[(week, team, key)][(score, comment)] -= n
    for row, n in change.added.get(RATINGS, Counter()).items():
        _id, month, rating, rated, score, comment = row
        net[(month, rating, _rating_key(rating, rated))][(score, comment)] += n
    for row, n in change.removed.get(RATINGS, Counter()).items():
        _id, month, rating, rated, score, comment = row
        net[(month, rating, _rating_key(rating, rated))][(score, comment)] -= n
    return {g: Counter({c: n for c, n in counts.items() if n > 0}) for g, counts in net.items()}


def attack(
    changes: Sequence[Change], teams_of: Mapping[str, set[int]]
) -> list[tuple[Group, frozenset[str], Counter[Content]]]:
    """Every (group, candidates, contents) the history links: the attacker's findings."""
    ballot_people: dict[Any, frozenset[str]] = {}
    findings = []
    for change in changes:
        gone: dict[tuple[date, str], set[str]] = defaultdict(set)
        for user_id, week, key in change.removed.get(PENDING, Counter()):
            gone[_pending_group(week, key)].add(user_id)
        for ballot in change.added.get(BALLOTS, Counter()):
            ballot_id, week, team, key = ballot[:4]
            who = gone.get(_pending_group(week, key), set())
            ballot_people[ballot_id] = frozenset(u for u in who if team in teams_of.get(u, set()))
        opened: dict[Group, set[str]] = defaultdict(set)
        for ballot in change.removed.get(BALLOTS, Counter()):
            ballot_id, week, team, key = ballot[:4]
            when, _ = _pending_group(week, key)
            opened[(when, team, key)] |= ballot_people.get(ballot_id, frozenset())
        for group, contents in _answer_groups(change).items():
            if not contents:
                continue
            when, team, key = group
            direct = {u for u in gone.get((when, key), set()) if team in teams_of.get(u, set())}
            candidates = frozenset(opened.get(group, set()) | direct)
            if candidates:
                findings.append((group, candidates, contents))
    return findings


def judge(
    findings: Sequence[tuple[Group, frozenset[str], Counter[Content]]],
    truths: Sequence[Truth],
    final: Tables,
    took_part: Mapping[Group, set[str]],
) -> Verdict:
    """The attack's expected correct attributions against chance, answer by answer."""
    finals = _answer_groups(Change({}, {t: Counter(final.get(t, ())) for t in TABLES}))
    by_person: dict[tuple[str, Group], list[tuple[frozenset[str], Counter[Content]]]] = defaultdict(
        list
    )
    for group, candidates, contents in findings:
        for user_id in candidates:
            by_person[(user_id, group)].append((candidates, contents))
    verdict = Verdict()
    for truth in truths:
        attacked = max(
            (
                contents[c] / len(candidates)
                for candidates, contents in by_person.get((truth.user_id, truth.group), [])
                for c in truth.contents
                if contents[c]
            ),
            default=0.0,
        )
        present = finals.get(truth.group, Counter())
        n = len(took_part.get(truth.group, ())) or 1
        chance = max((present[c] / n for c in truth.contents if present[c]), default=0.0)
        verdict.answers += 1
        verdict.attacked += attacked
        verdict.chance += chance
        verdict.certain += attacked == 1.0
        verdict.certain_by_chance += chance == 1.0
        verdict.per_answer.append((truth, attacked, chance))
    return verdict
