"""Can a set of reported groups, taken together, single out fewer than k people?

The reader of several digests knows who is in each group and sees, per group, a count and a
sum (an average times its count, an eNPS tally). Any combination `sum of c_T * group_T` is
something they can compute; it is a leak when the people it weighs are 1 to k-1. Only counts
per group are stored, never who answered, so this module reasons about every set of answerers
the counts allow, and says "unsafe" whenever it cannot rule a leak out.

People with the same groups (an *atom*) always carry the same weight, so a combination is a
weight per atom; the atoms it weighs are its *support*. Every support is a union of minimal
ones (cocircuits), and a support weighing 1 to k-1 people contains a minimal one that does
too, so only those are checked. An atom that surely holds k or more answerers ("heavy")
protects every combination that weighs it, so only combinations weighing none of them need
looking at: a space of a few dimensions, even in large companies.

Pure Python, exact arithmetic.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce

PRIME = (1 << 127) - 1
"""Arithmetic is modulo this prime: exact, since it exceeds every minor of a 0/1 matrix with
GROUPS_MAX columns (Hadamard's bound), so ranks and dependencies are those over the rationals."""
FREE_MAX = 5
"""Combinations weighing no heavy atom that span more dimensions than this are not looked
at one by one: judged unsafe (the group being added is hidden instead)."""
GROUPS_MAX = 40


@dataclass(frozen=True)
class Group:
    """One reported group for one question: who could have answered, and how many did."""

    members: frozenset[str]
    respondents: int


def bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


class Atoms:
    """The groups' people, grouped by the set of groups they are in (a bit mask), with bounds
    on how many of them answered that hold for every answer pattern the counts allow."""

    def __init__(self, groups: Mapping[int, Group]) -> None:
        self.teams = sorted(groups)
        self.n = [groups[team].respondents for team in self.teams]
        signature: dict[str, int] = {}
        for index, team in enumerate(self.teams):
            for person in groups[team].members:
                signature[person] = signature.get(person, 0) | (1 << index)
        self.cap: dict[int, int] = {}
        for mask in signature.values():
            self.cap[mask] = self.cap.get(mask, 0) + 1
        members: list[list[int]] = [[] for _ in self.teams]
        for atom in self.cap:  # each atom under the groups of its bits, not every group tried
            for i in bits(atom):
                members[i].append(atom)
        self.of_team = [frozenset(atoms) for atoms in members]
        self._lower: dict[frozenset[int], int] = {}
        self._ub: dict[frozenset[int], int] = {}

    def _ub0(self, atoms: frozenset[int]) -> int:
        if not atoms:
            return 0
        if atoms in self._ub:
            return self._ub[atoms]
        bound = sum(self.cap[a] for a in atoms)
        for i in bits(reduce(lambda x, y: x & y, atoms)):
            bound = min(bound, self.n[i])
        self._ub[atoms] = bound
        return bound

    def lower(self, atoms: frozenset[int]) -> int:
        """At least this many answerers among `atoms`: each group that overlaps them answered
        n times, at most `_ub0` of them outside; disjoint overlaps add up."""
        if atoms in self._lower:
            return self._lower[atoms]
        found = []
        for i in bits(reduce(lambda x, y: x | y, atoms, 0)):  # the groups overlapping them
            own = self.of_team[i]
            inside = own & atoms
            if inside:
                found.append((self.n[i] - self._ub0(own - atoms), inside))
        total, taken = 0, frozenset[int]()
        for bound, inside in sorted(found, key=lambda f: -f[0]):
            if bound > 0 and not inside & taken:
                total, taken = total + bound, taken | inside
        self._lower[atoms] = total
        return total

    def upper(self, atoms: frozenset[int]) -> int:
        """At most this many answerers among `atoms` (0 when the counts force them to none)."""
        bound = self._ub0(atoms)
        if atoms:
            for i in bits(reduce(lambda x, y: x & y, atoms)):
                bound = min(bound, self.n[i] - self.lower(self.of_team[i] - atoms))
        return bound

    def exposes(self, atoms: frozenset[int], k: int) -> bool:
        """Whether a combination weighing exactly `atoms` may weigh 1 to k-1 answerers."""
        return bool(atoms) and self.upper(atoms) >= 1 and self.lower(atoms) <= k - 1

    def own(self, i: int) -> frozenset[int]:
        """The atom of people in group i and in no other group (empty when there are none)."""
        return frozenset({1 << i} & self.cap.keys())


def too_many(groups: int) -> bool:
    """More groups linked together than are looked at one by one: judged unsafe."""
    return groups > GROUPS_MAX


def exposes_someone(groups: Mapping[int, Group], k: int) -> bool:
    """Whether showing all `groups` together can single out 1 to k-1 people, for some answer
    pattern their counts allow. Conservative: True when unsure."""
    return _exposes(tuple(sorted(groups.items())), k)


@functools.lru_cache(maxsize=4096)
def _exposes(items: tuple[tuple[int, Group], ...], k: int) -> bool:
    groups = dict(items)
    if not groups:
        return False
    if too_many(len(groups)):
        return True
    atoms = Atoms(groups)
    if any(
        n > sum(atoms.cap[a] for a in own) for n, own in zip(atoms.n, atoms.of_team, strict=True)
    ):
        return True  # more answers than members: the membership is not the one answered in
    forms = free_forms(atoms, k)
    if forms is None:
        return True
    keys = list(forms)
    if not keys:
        return False
    width = len(keys[0])
    return any(
        atoms.exposes(frozenset(a for j in weighed for a in forms[keys[j]]), k)
        for weighed in cocircuits(keys, width)
    )


def free_forms(atoms: Atoms, k: int) -> dict[tuple[int, ...], list[int]] | None:
    """The combinations that weigh no set of atoms surely holding k or more answerers, as the
    weight each gives each atom: atoms grouped by their weight form (parallel forms are
    weighed together). None when they span more than FREE_MAX dimensions.

    Found by narrowing: atoms surely holding k answerers first, then any set of atoms that
    every remaining combination weighs together and that surely holds k between them."""
    width = len(atoms.teams)
    vector = {a: [a >> i & 1 for i in range(width)] for a in atoms.cap}
    protected = [vector[a] for a in atoms.cap if atoms.lower(frozenset({a})) >= k]
    while True:
        free = null_space(protected, width)
        weights = {
            a: tuple(sum(v[i] for i in range(width) if a >> i & 1) % PRIME for v in free)
            for a in atoms.cap
        }
        classes: dict[tuple[int, ...], list[int]] = {}
        for atom, weight in weights.items():
            if any(weight):
                classes.setdefault(_primitive(weight), []).append(atom)
        heavy = [m for m in classes.values() if atoms.lower(frozenset(m)) >= k]
        if not heavy:
            break
        protected += [vector[m[0]] for m in heavy]
    keep = pivot_columns(list(classes))  # the span of the forms, in its own axes
    if len(keep) > FREE_MAX:
        return None
    forms: dict[tuple[int, ...], list[int]] = {}
    for form, members in classes.items():
        forms.setdefault(_primitive(tuple(form[i] for i in keep)), []).extend(members)
    return forms


def null_space(rows: Sequence[Sequence[int]], width: int) -> list[tuple[int, ...]]:
    """A basis of the vectors orthogonal to every row."""
    return list(_null_space(tuple(tuple(row) for row in rows), width))


@functools.lru_cache(maxsize=4096)
def _null_space(rows: tuple[tuple[int, ...], ...], width: int) -> tuple[tuple[int, ...], ...]:
    reduced, pivots = _echelon(rows)
    basis = []
    for free in (i for i in range(width) if i not in pivots):
        vector = [0] * width
        vector[free] = 1
        for pivot, done in zip(pivots, reduced, strict=True):
            vector[pivot] = -done[free] % PRIME
        basis.append(tuple(vector))
    return tuple(basis)


def pivot_columns(rows: Sequence[Sequence[int]]) -> list[int]:
    """Columns on which the rows' span projects one to one: keeping only them keeps every
    linear dependency between the rows."""
    return sorted(_echelon(rows)[1])


def _echelon(rows: Sequence[Sequence[int]]) -> tuple[list[list[int]], list[int]]:
    """The rows' reduced row echelon form, and its pivot columns."""
    reduced: list[list[int]] = []
    pivots: list[int] = []
    for row in rows:
        v = [x % PRIME for x in row]
        for pivot, done in zip(pivots, reduced, strict=True):
            if v[pivot]:
                factor = v[pivot]
                v = [(x - factor * y) % PRIME for x, y in zip(v, done, strict=True)]
        lead = next((i for i, x in enumerate(v) if x), None)
        if lead is None:
            continue
        inverse = pow(v[lead], PRIME - 2, PRIME)
        v = [x * inverse % PRIME for x in v]
        for index, done in enumerate(reduced):
            if done[lead]:
                factor = done[lead]
                reduced[index] = [(x - factor * y) % PRIME for x, y in zip(done, v, strict=True)]
        reduced.append(v)
        pivots.append(lead)
    return reduced, pivots


def _primitive(vector: tuple[int, ...]) -> tuple[int, ...]:
    """The vector scaled so that its first non-zero entry is 1: parallel vectors become equal."""
    lead = next((x for x in vector if x), 0)
    if not lead:
        return vector
    inverse = pow(lead, PRIME - 2, PRIME)
    return tuple(x * inverse % PRIME for x in vector)


def normal(vectors: Sequence[tuple[int, ...]], width: int) -> tuple[int, ...]:
    """The vector orthogonal to `width - 1` vectors (all zero when they are dependent)."""
    found = _null_space(tuple(vectors), width)
    return found[0] if len(found) == 1 else (0,) * width


def cocircuits(forms: Sequence[tuple[int, ...]], width: int) -> Iterator[frozenset[int]]:
    """The minimal sets of `forms` a combination can weigh alone: those off a hyperplane
    spanned by `width - 1` of them (each hyperplane once, whatever spans it)."""
    hyperplanes: list[frozenset[int]] = []
    for chosen in itertools.combinations(range(len(forms)), width - 1):
        if any(h.issuperset(chosen) for h in hyperplanes):
            continue
        direction = normal([forms[j] for j in chosen], width)
        if not any(direction):
            continue
        on = frozenset(
            j
            for j, form in enumerate(forms)
            if not sum(a * b for a, b in zip(form, direction, strict=True)) % PRIME
        )
        hyperplanes.append(on)
        yield frozenset(range(len(forms))) - on


def clusters(groups: Mapping[int, Group], start: int) -> set[int]:
    """The groups linked to `start` through people they share: the only ones whose figures can
    be combined with its own to say something about one person."""
    teams_of: dict[str, list[int]] = {}
    for team, group in groups.items():
        for person in group.members:
            teams_of.setdefault(person, []).append(team)
    found, todo = {start}, [start]
    while todo:
        team = todo.pop()
        for person in groups[team].members:
            for other in teams_of[person]:
                if other not in found:
                    found.add(other)
                    todo.append(other)
    return found
