"""What a result may show without exposing anyone: the one module every result path asks.

Pure rules, no database: the digest service gathers counts and sums, then asks here what of them
a manager (the digest) or an admin (the company report) may read. Whom it protects from: every
manager reading digests, alone or together with others, comparing teams, parent teams and
sub-teams, and weeks of the trend. By kind of result:

* pulse answers (driver scores, their 12-week trend, eNPS, comments): a week is judged against
  who was in each team when its pulse went out (the frozen membership), never against teams
  as they stand today. A group (team and question) is shown only when k or more answered,
  its count is final, and no combination of the figures of every group shown for that
  question (teams that share people, parents and their sub-teams) can weigh 1 to k-1
  people, for any way the answers could have fallen within the counts
  (`engagement.isolation`). Teams are taken most answers first; a group that would break
  this is hidden (`overlap`). What a digest has shown of a week stays as shown, and later
  digests and trend points only add to it, judged together with it.
* comments: each appears once, never in two digests: in the smallest shown group whose
  possible authors, under this very rule, are k or more people; or, where no such choice
  exists, in one of its writer's shown groups picked in secret, so that a reader can tell no
  more than "one of the k or more people who answered in this team".
* internal customers' service ratings: one per person and rated team, so raters are counted
  once; shown from k raters, comments once each; below k, only how many rated so far.
* figures carry one decimal, as the text shows them: no chart or arrow is finer.
* anonymous feedback counts: only threads their reader has received. Feedback can be held back
  for a random while so its arrival cannot be matched with a moment; a digest announcing it
  early would undo that, and a thread addressed to someone else (the admins, a former manager)
  is not this reader's to count.
* kudos counts, values and flows between teams, and participation counts: kudos are signed acts
  their receivers see, and a head count of who answered says nothing of what anyone answered,
  so these are shown as counted, at any size.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from engagement.digest_model import Enps, FeedbackSummary, ServiceRatingSummary
from engagement.isolation import Atoms, Group, bits, exposes_someone, too_many

THRESHOLD = "threshold"
OVERLAP = "overlap"
COUNTING = "counting"  # answers still waiting in the ballot box: shown once they are counted
OTHER = "other"  # more answers than the frozen membership allows: not judged, not shown
HIDDEN_REASONS = (THRESHOLD, OVERLAP, COUNTING, OTHER)
SHOWN_DECIMALS = 1
ROUTING_ROUNDS = 50

Shown = frozenset[tuple[int, str]]
"""The groups of a week whose figures are shown: (team, question) pairs."""
Key = TypeVar("Key")


@dataclass(frozen=True)
class PulseWeek:
    """What one week's answers are judged by: who was in each team when the week's pulse went
    out, how many scored each question in each team, and which of those counts are final
    (None: all of them; a count still waiting for answers or ballots is never shown)."""

    members: Mapping[int, frozenset[str]]
    counts: Mapping[tuple[int, str], int]  # (team, question) -> answers with a score
    final: frozenset[tuple[int, str]] | None = None

    def teams(self) -> set[int]:
        return {*self.members, *(team for team, _ in self.counts)}

    def questions(self) -> set[str]:
        return {question for _, question in self.counts}

    def answers_of(self, team: int) -> Mapping[str, int]:
        """The team's counts by question."""
        return self._by_team.get(team, {})

    def respondents(self, team: int) -> int:
        """The team's head count for the week: the most answers any question had."""
        return max(self.answers_of(team).values(), default=0)

    def neighbours(self, team: int) -> frozenset[int]:
        """The other teams `team` shares someone with."""
        return self._neighbours.get(team, frozenset())

    @functools.cached_property
    def _by_team(self) -> dict[int, dict[str, int]]:
        found: dict[int, dict[str, int]] = defaultdict(dict)
        for (team, question), n in self.counts.items():
            found[team][question] = n
        return dict(found)

    @functools.cached_property
    def _teams_of(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        for team, people in self.members.items():
            for person in people:
                found[person].append(team)
        return dict(found)

    @functools.cached_property
    def _neighbours(self) -> dict[int, frozenset[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        for teams in self._teams_of.values():
            if len(teams) > 1:
                for team in teams:
                    found[team].update(teams)
        return {team: frozenset(others - {team}) for team, others in found.items()}

    def group(self, team: int, question: str) -> Group:
        return Group(self.members.get(team, frozenset()), self.counts.get((team, question), 0))

    def is_final(self, team: int, question: str) -> bool:
        return self.final is None or (team, question) in self.final


class Comment(NamedTuple):
    question: str
    teams: frozenset[int]  # the teams whose answers carry this text
    text: str


def shown_groups(week: PulseWeek, k: int, already: Iterable[tuple[int, str]] = ()) -> Shown:
    """The groups whose figures may be shown: those shown before (`already`: they stay, and
    were judged final) and, teams taken most answers first, each final group with k answers
    that leaves the groups shown for its question unable to single out fewer than k people.

    Over time a week's shown groups only grow, and each addition is judged together with
    everything shown before, so all a reader ever sees of a week was judged as one whole.
    """
    shown = set(already)
    order = sorted(
        week.teams(), key=lambda t: (-week.respondents(t), -len(week.members.get(t, ())), t)
    )
    for question in sorted(week.questions()):
        showing = _Showing(week, (t for t, q in shown if q == question))
        for team in order:
            if team in showing or not week.is_final(team, question):
                continue
            if week.counts.get((team, question), 0) >= k and _still_safe(
                week, showing.linked(team), team, question, k
            ):
                showing.add(team)
                shown.add((team, question))
    return frozenset(shown)


class _Showing:
    """The teams shown so far for one question, kept in clusters of teams linked through
    people they share (`isolation.clusters`), so the cluster a team would join is its
    neighbours' clusters put together, not a walk through every linked team's people for
    each team tried: in a workspace of a hundred big teams, one cluster holds them all."""

    def __init__(self, week: PulseWeek, teams: Iterable[int]) -> None:
        self._week = week
        self._cluster: dict[int, set[int]] = {}  # each shown team's cluster, shared by all in it
        for team in teams:
            self.add(team)

    def __contains__(self, team: int) -> bool:
        return team in self._cluster

    def _joined(self, team: int) -> list[set[int]]:
        """The distinct clusters of the shown teams `team` shares someone with."""
        found: dict[int, set[int]] = {}
        for other in self._week.neighbours(team):
            cluster = self._cluster.get(other)
            if cluster is not None:
                found[id(cluster)] = cluster
        return list(found.values())

    def linked(self, team: int) -> set[int]:
        """`team` and the shown teams linked to it through people they share."""
        found = {team}
        for cluster in self._joined(team):
            found |= cluster
        return found

    def add(self, team: int) -> None:
        joined = sorted(self._joined(team), key=len, reverse=True)
        merged = joined[0] if joined else set()
        for cluster in joined[1:]:  # the smaller into the largest
            merged |= cluster
            for other in cluster:
                self._cluster[other] = merged
        merged.add(team)
        self._cluster[team] = merged


def _still_safe(week: PulseWeek, linked: set[int], team: int, question: str, k: int) -> bool:
    if len(linked) == 1:  # stands alone
        return len(week.members.get(team, ())) >= week.counts.get((team, question), 0)
    if too_many(len(linked)):  # as exposes_someone would say, without gathering them
        return False
    return not exposes_someone({t: week.group(t, question) for t in linked}, k)


def week_visibility(week: PulseWeek, k: int, shown: Shown) -> dict[int, str | None]:
    """Each team's reason to show nothing of the week (None: something is shown): fewer than
    k answers, an overlap with other shown teams, answers still being counted, or more
    answers than its frozen membership holds."""
    reasons: dict[int, str | None] = {}
    for team in week.teams():
        mine = [q for q, n in week.answers_of(team).items() if n >= k]
        if any((team, q) in shown for q in mine):
            reasons[team] = None
        elif week.respondents(team) < k:
            reasons[team] = THRESHOLD
        elif week.respondents(team) > len(week.members.get(team, ())):
            reasons[team] = OTHER
        elif any(week.is_final(team, q) for q in mine):
            reasons[team] = OVERLAP
        else:
            reasons[team] = COUNTING
    return reasons


def showing(shown: Shown, question: str) -> set[int]:
    """The teams whose figures for `question` are shown."""
    return {team for team, q in shown if q == question}


def route_comments(
    week: PulseWeek, shown: Shown, k: int, comments: Iterable[Comment], salt: str = ""
) -> dict[int, tuple[str, ...]]:
    """Which team's digest shows each comment: one at most, whatever its number of teams.

    The same text in several teams is one person's (or several people's identical) words:
    shown once. Where a comment may go depends only on who is in which team and on the counts
    (`comment_places`); where there is a choice, `salt` (kept secret with the week's frozen
    results) makes it, so its place tells a reader no more than "one of these k or more".
    """
    texts: dict[str, dict[str, set[int]]] = defaultdict(dict)
    for comment in comments:
        texts[comment.question].setdefault(comment.text, set()).update(comment.teams)
    placed: dict[int, list[str]] = defaultdict(list)
    for question in sorted(texts):
        shown_teams = showing(shown, question)
        if not shown_teams:
            continue
        places = comment_places({t: week.group(t, question) for t in shown_teams}, k)
        for text, teams in sorted(texts[question].items()):
            where = frozenset(teams & shown_teams)
            # filed under one team only (the ballot box picks one of its writer's teams at
            # random): any of that team's people may have written it, so it is shown there
            options = places.get(where) or (tuple(where) if len(where) == 1 else ())
            if options:
                digest = hashlib.blake2b(f"{salt}\x00{question}\x00{text}".encode()).digest()
                placed[options[int.from_bytes(digest[:8], "big") % len(options)]].append(text)
    return {team: tuple(found) for team, found in placed.items()}


def comment_places(groups: Mapping[int, Group], k: int) -> dict[frozenset[int], tuple[int, ...]]:
    """For each set of shown groups a person can be in, where their comments may be shown.

    One place, the smallest group, when every group's possible authors are then k or more
    people (a group short of them takes in shared people from a neighbour that can spare
    them, or passes its comments up to a bigger group). When no such choice exists, each
    comment of people in several groups goes to one of them picked in secret, so that every
    group's possible authors are all who answered in it.
    """
    return _places(tuple(sorted(groups.items())), k)


@functools.lru_cache(maxsize=1024)
def _places(items: tuple[tuple[int, Group], ...], k: int) -> dict[frozenset[int], tuple[int, ...]]:
    routing = _Routing(dict(items), k)
    if routing.settle():
        return {frozenset(routing.order[a]): (t,) for a, t in routing.home.items() if t is not None}
    return {frozenset(teams): tuple(teams) for teams in routing.order.values()}


class _Routing:
    """One home per atom (people in the same shown groups), smallest group first."""

    def __init__(self, groups: Mapping[int, Group], k: int) -> None:
        self.atoms, self.k = Atoms(groups), k
        size = {team: len(group.members) for team, group in groups.items()}
        self.order = {
            atom: sorted((self.atoms.teams[i] for i in bits(atom)), key=lambda t: (size[t], t))
            for atom in self.atoms.cap
        }
        self.home: dict[int, int | None] = {}
        self._homed: dict[int | None, set[int]] = defaultdict(set)  # home -> its atoms
        for atom, teams in self.order.items():
            self.move(atom, teams[0])
        self.closed: set[int] = set()

    def move(self, atom: int, team: int | None) -> None:
        if atom in self.home:
            self._homed[self.home[atom]].discard(atom)
        self.home[atom] = team
        self._homed[team].add(atom)

    def authors(self, team: int) -> frozenset[int]:
        return frozenset(self._homed.get(team, ()))

    def safe(self, atoms: frozenset[int]) -> bool:
        return not atoms or self.atoms.lower(atoms) >= self.k

    def settle(self) -> bool:
        """Moves homes until every group's authors are k or more; False if some atom's
        comments would have nowhere to go."""
        for _ in range(ROUTING_ROUNDS):
            unsafe = [t for t in self.atoms.teams if not self.safe(self.authors(t))]
            if not unsafe:
                return all(home is not None for home in self.home.values())
            if not self._pull(unsafe[0]):
                self.closed.add(unsafe[0])
                for atom in self.authors(unsafe[0]):
                    self.move(
                        atom, next((t for t in self.order[atom] if t not in self.closed), None)
                    )
        return False

    def _pull(self, team: int) -> bool:
        """Moves one shared atom into `team` from a group that stays safe without it."""
        if team in self.closed:
            return False
        for atom in sorted(self.order, key=lambda a: (-len(self.order[a]), a)):
            current = self.home[atom]
            if team not in self.order[atom] or current == team:
                continue
            if self.safe(self.authors(team) | {atom}) and (
                current is None or self.safe(self.authors(current) - {atom})
            ):
                self.move(atom, team)
                return True
        return False


def driver_average(questions: Iterable[tuple[int, int]], k: int) -> float | None:
    """A driver's average over its questions (answers, sum of scores) that k or more answered,
    to the one decimal the digest shows; None when no question reached k."""
    return driver_averages(((None, answers, total) for answers, total in questions), k).get(None)


def driver_averages(questions: Iterable[tuple[Key, int, int]], k: int) -> dict[Key, float]:
    """`driver_average` for many drivers at once: questions as (key, answers, sum of scores),
    say (team, driver); a key none of whose questions reached k has no average."""
    totals: dict[Key, list[int]] = {}
    for key, answers, total in questions:
        if answers >= k:
            found = totals.setdefault(key, [0, 0])
            found[0] += answers
            found[1] += total
    return {key: round(total / n, SHOWN_DECIMALS) for key, (n, total) in totals.items() if n}


def weakest(scores: Mapping[str, float]) -> str | None:
    """The driver to call the lowest: only when two or more are shown and one is below all
    the others at the precision shown; None when "lowest" would mean nothing."""
    if len(scores) < 2:
        return None
    ranked = sorted(scores.items(), key=lambda item: (item[1], item[0]))
    (driver, low), (_, next_low) = ranked[0], ranked[1]
    return driver if round(next_low - low, SHOWN_DECIMALS) > 0 else None


def enps(counts: tuple[int, int, int] | None, k: int, *, shown: bool) -> Enps | None:
    """Promoters, passives and detractors, only where the eNPS question's figures are shown
    (a shown week with k or more eNPS answers)."""
    if counts is None or not shown or sum(counts) < k:
        return None
    return Enps(*counts)


def service_rating(
    month: tuple[int, float] | None,
    last_month: tuple[int, float] | None,
    texts: Sequence[str],
    k: int,
) -> tuple[ServiceRatingSummary | None, int | None]:
    """(ratings shown, raters so far when short of k). `month` and `last_month` are
    (raters, average); last month's average is compared with only when it had k raters too.
    Each comment is shown once, however many rows carry it."""
    raters, average = month or (0, 0.0)
    if raters < k:
        return None, raters or None
    previous = last_month[1] if last_month is not None and last_month[0] >= k else None
    if previous is not None:
        previous = round(previous, SHOWN_DECIMALS)
    comments = tuple(dict.fromkeys(text for text in texts if text.strip()))
    return ServiceRatingSummary(raters, round(average, SHOWN_DECIMALS), previous, comments), None


def members_by_team(pairs: Iterable[tuple[int, str]]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for team, person in pairs:
        found[team].add(person)
    return {team: frozenset(people) for team, people in found.items()}


class ThreadCount(NamedTuple):
    recipient: str  # who the threads were addressed to
    status: str  # open | acknowledged | resolved
    delivered: bool
    threads: int
    new: int  # of them, written since the week began


class OpenThread(NamedTuple):
    recipient: str
    thread_id: str
    created_on: date
    delivered: bool


def feedback_summary(
    reader: str, counts: Iterable[ThreadCount], waiting: Iterable[OpenThread], day: date
) -> FeedbackSummary:
    """The feedback `reader` has received, counted; the oldest one still waiting for an answer
    (`waiting` oldest first) is told in days as of `day`."""
    totals: dict[str, int] = defaultdict(int)
    for row in counts:
        if row.delivered and row.recipient == reader:
            totals[row.status] += row.threads
            totals["new"] += row.new
    oldest = next((t for t in waiting if t.delivered and t.recipient == reader), None)
    return FeedbackSummary(
        new=totals["new"],
        open=totals["open"] + totals["acknowledged"],
        resolved=totals["resolved"],
        oldest_open_thread=oldest.thread_id if oldest else None,
        oldest_open_days=(day - oldest.created_on).days if oldest else None,
    )
