"""The pulse side of a week's digests: counted answers per week, and what of them may be shown.

A week is judged against who was in each team when its pulse went out
(`engagement.team_weeks`). Only final counts are ever shown: a group (team and question) whose
answers may still grow (someone may still answer, ballots wait to be counted) is not. The
groups a sent digest shows are frozen with their figures; later digests of the week, trend
points and reports show those same figures and may only add groups that became final,
judged together with everything frozen before (`anonymity.shown_groups`), until every count
of the week is final: the week is then sealed, and never added to again. So nothing a reader
sees of a week, over any number of digests, was ever judged apart from the rest: not an
answer counted late, not `aplauso team set`, not a team removed later, not a new k.
Until a digest is sent, nothing is written.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from engagement import anonymity, digest_rollups
from engagement.anonymity import THRESHOLD, Comment, PulseWeek, Shown
from engagement.periods import closes_at
from engagement.pulse_bank import ENPS_QUESTION_KEY
from storage.repositories.rollups import RolledFigure
from storage.repositories.team_weeks import Figure, FigureRow, FrozenWeek
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WeekResults:
    """One week's counts, the groups shown, each team's reason to show nothing, the k it is
    shown with, and the secret that places comments where the rule leaves a choice."""

    week: PulseWeek
    shown: Shown
    reasons: dict[int, str | None]
    k: int
    salt: str
    figures: dict[int, list[FigureRow]] = field(default_factory=dict)  # by team

    def reason(self, team: int) -> str | None:
        return self.reasons.get(team, THRESHOLD)

    def shown_figures(self, team: int) -> list[FigureRow]:
        return [
            f
            for f in self.figures.get(team, [])
            if (team, f.question_key) in self.shown and f.answers >= self.k
        ]

    def every_shown_figure(self) -> Iterator[FigureRow]:
        """`shown_figures` of every team."""
        for team in self.figures:
            yield from self.shown_figures(team)

    def enps(self, team: int) -> tuple[int, int, int] | None:
        found = [f for f in self.shown_figures(team) if f.question_key == ENPS_QUESTION_KEY]
        return (found[0].promoters, found[0].passives, found[0].detractors) if found else None


def pulse_results(
    uow: UnitOfWork,
    weeks: Sequence[date],
    k: int,
    now: datetime,
    drivers: Mapping[str, str],
    *,
    freeze: bool,
) -> dict[date, WeekResults]:
    """Each week's results. With `freeze` (a digest is being sent) each week is locked first,
    so two runs never add groups apart, and the groups shown are then frozen.

    A closed week older than the newest is read from its roll-up when one matches what its
    judgement depends on (`_basis`); otherwise it is judged live like the newest, and a
    closed one is rolled up for the next run (`engagement.digest_rollups`). Of a rolled-up
    week older than the one before the newest only what a trend shows is read: the shown
    groups of questions whose driver (`drivers`: question key -> driver) the newest week
    asked about. A driver the newest week did not ask has no score, hence no trend."""
    if freeze:  # in date order, so two runs lock in the same order
        frozen = {
            w: uow.digest.lock_week(w, FrozenWeek(k, secrets.token_hex(16)), now) for w in weeks
        }
    else:
        frozen = uow.digest.frozen_weeks(weeks)
    kept: dict[date, dict[tuple[int, str], Figure]] = defaultdict(dict)
    for figure in uow.digest.frozen_figures(list(frozen)) if frozen else []:
        kept[figure.week_start][(figure.team_id, figure.question_key)] = figure
    waiting = {(g.week_start, g.team_id, g.question_key) for g in uow.pulse.waiting_groups(weeks)}
    over = digest_rollups.settled(now)
    idle = {w for w in weeks if w < weeks[-1] and over >= closes_at(w)} - {w for w, _, _ in waiting}
    ready = digest_rollups.Ready(uow, weeks, idle)

    def basis(week: date, record: FrozenWeek | None, shown: Iterable[Figure]) -> str:
        return digest_rollups.pulse_basis(k, record, shown, ready.members_token(week))

    matching = ready.matching(
        {
            w: basis(w, frozen.get(w), kept[w].values())
            for w in idle
            if not freeze or (w in frozen and frozen[w].sealed)  # nothing left to freeze
        }
    )
    live_weeks = [w for w in weeks if w not in matching]
    rolling = [w for w in live_weeks if w in idle]
    if rolling:
        ready.lock()  # the data a roll-up is written from is read after this
    live: dict[date, dict[tuple[int, str], Figure]] = defaultdict(dict)
    for figure in uow.digest.figures(live_weeks, ENPS_QUESTION_KEY):
        live[figure.week_start][(figure.team_id, figure.question_key)] = figure
    asked = {drivers.get(q) for _, q in [*live[weeks[-1]], *kept[weeks[-1]]]}
    rolled = ready.rolled(
        whole=[w for w in weeks[-2:] if w in matching],
        trend=[w for w in weeks[:-2] if w in matching],
        questions=sorted(q for q, driver in drivers.items() if driver in asked),
    )
    members = ready.members(live_weeks)
    results = {week: _from_rollup(rows, k, frozen.get(week)) for week, rows in rolled.items()}
    for week in live_weeks:
        figures = {**live[week], **kept[week]}
        counts = {group: f.answers for group, f in figures.items()}
        final = _final(uow, week, now, counts, {(t, q) for w, t, q in waiting if w == week})
        pulse = PulseWeek(members[week], counts, final)
        record = frozen.get(week)
        if record is not None and record.sealed:  # judged whole once: never added to again
            shown = frozenset(kept[week])
        else:
            shown = anonymity.shown_groups(pulse, k, kept[week])
        added = [figures[g] for g in shown - kept[week].keys()] if freeze else []
        if freeze:
            uow.digest.freeze_figures(added)
            if final is None:
                uow.digest.seal_week(week)
        by_team: dict[int, list[FigureRow]] = defaultdict(list)
        for (team, _), figure in figures.items():
            by_team[team].append(figure)
        results[week] = WeekResults(
            pulse,
            shown,
            anonymity.week_visibility(pulse, k, shown),
            max(k, record.k) if record else k,
            record.salt if record else "",
            by_team,
        )
        if week in rolling:
            if freeze and record is not None:  # as the week now stands: frozen, sealed
                record = record._replace(sealed=record.sealed or final is None)
            rows = _rollup_rows(week, results[week])
            ready.roll_up(week, basis(week, record, [*kept[week].values(), *added]), rows, now)
    return {week: results[week] for week in weeks}


def _rollup_rows(week: date, results: WeekResults) -> list[RolledFigure]:
    """What a closed week's results keep: every group's count and its team's reason, and
    sums only for the groups the digest shows (`WeekResults.shown_figures`)."""
    rows = []
    for team, figures in results.figures.items():
        shown = {f.question_key for f in results.shown_figures(team)}
        reason = results.reasons.get(team, THRESHOLD)
        for f in figures:
            kept = f.question_key in shown
            sums = (f.score_sum, f.promoters, f.passives, f.detractors) if kept else (0, 0, 0, 0)
            rows.append(RolledFigure(week, team, f.question_key, f.answers, kept, reason, *sums))
    return rows


def _from_rollup(rows: Sequence[RolledFigure], k: int, record: FrozenWeek | None) -> WeekResults:
    """A rolled-up week's results: its counts, what is shown, the reasons; no membership
    (nothing is judged again: the basis matched)."""
    by_team: dict[int, list[FigureRow]] = defaultdict(list)
    counts: dict[tuple[int, str], int] = {}
    shown: set[tuple[int, str]] = set()
    reasons: dict[int, str | None] = {}
    for r in rows:
        by_team[r.team_id].append(r)  # a rolled group reads as a figure: no copy
        group = (r.team_id, r.question_key)
        counts[group] = r.answers
        if r.shown:
            shown.add(group)
        reasons[r.team_id] = r.reason
    return WeekResults(
        PulseWeek({}, counts),
        frozenset(shown),
        reasons,
        max(k, record.k) if record else k,
        record.salt if record else "",
        by_team,
    )


def _final(
    uow: UnitOfWork,
    week: date,
    now: datetime,
    counts: dict[tuple[int, str], int],
    waiting: set[tuple[int, str]],
) -> frozenset[tuple[int, str]] | None:
    """The groups whose counts can no longer change (None: all of them). After the week has
    closed, every group not waiting in the ballot box; before, only groups whose every member
    has been sent the pulse and has answered or skipped the question."""
    if now >= closes_at(week):
        return None if not waiting else frozenset(g for g in counts if g not in waiting)
    open_groups, unsent_teams = uow.digest.open_groups(week)
    return frozenset(
        (team, q)
        for team, q in counts
        if (team, q) not in waiting and (team, q) not in open_groups and team not in unsent_teams
    )


def invited(uow: UnitOfWork, weeks: Sequence[date]) -> dict[tuple[int, date], int]:
    """People sent the pulse, per team as filed that week (as teams stand now before that)."""
    filed = {(t, w): n for t, w, n in uow.digest.invited_as_filed(weeks)}
    frozen = uow.digest.weeks_with_members(weeks)
    older = [week for week in weeks if week not in frozen]
    for team, week, n in uow.digest.invited(older) if older else []:
        filed[(team, week)] = n
    return filed


def comments(uow: UnitOfWork, results: WeekResults, week: date) -> dict[int, tuple[str, ...]]:
    """The week's comments, each in at most one digest (`anonymity.route_comments`)."""
    teams: dict[tuple[str, str], set[int]] = defaultdict(set)
    for row in uow.digest.comments_by_question(week):
        teams[(row.question_key, row.comment)].add(row.team_id)
    found = [Comment(q, frozenset(t), text) for (q, text), t in teams.items()]
    shown = frozenset(g for g in results.shown if results.week.counts.get(g, 0) >= results.k)
    return anonymity.route_comments(results.week, shown, results.k, found, results.salt)
