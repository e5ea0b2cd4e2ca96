"""One week's digests for every team, cut from a fixed number of aggregate queries.

Everything is gathered once for all teams (the number of statements does not grow with them),
then cut per team; every figure reaches a `DigestData` through `engagement.anonymity`, and
pulse figures through the week's results as judged once (`engagement.digest_pulse`). The
trend's closed older weeks come from their roll-ups (`engagement.digest_rollups`), so a run
reads and judges only the newest week from its raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from engagement import anonymity, digest_pulse, digest_rollups
from engagement.anonymity import OpenThread, ThreadCount
from engagement.collector import collector_paused
from engagement.digest_model import DigestData, DriverScore, Suggestion, TeamFlow
from engagement.digest_pulse import WeekResults
from engagement.kudos_model import ValueInfo
from engagement.periods import month_of
from engagement.pulse_bank import Driver
from storage.unit_of_work import UnitOfWork

TREND_WEEKS = 12
TOP_SHOWN = 3
SCORED = tuple(driver.value for driver in Driver if driver is not Driver.ENPS)  # in this order
REMEDY_FOR = {
    Driver.RECOGNITION.value: "recognize",
    Driver.COMMUNICATION.value: "channels",
    Driver.INTERNAL_SERVICE.value: "plan",
    Driver.WORKLOAD.value: "plan",
    Driver.GROWTH.value: "train",
    Driver.WELLBEING.value: "channels",
    Driver.MANAGER.value: "channels",
    Driver.ALIGNMENT.value: "plan",
}


@dataclass(frozen=True)
class WeekDigests:
    """Every team's digest of one week, with what a letter or the report needs beside it."""

    digests: dict[int, DigestData]
    names: dict[int, str]
    managers: dict[int, str]
    values: tuple[ValueInfo, ...]  # retired ones too: last week's kudos may carry one
    k: int


@dataclass
class _Gathered:
    """The week's aggregates, by team; `weeks` are the 12 of the trend, oldest first."""

    weeks: list[date]
    k: int
    names: dict[int, str]
    managers: dict[int, str]
    drivers: dict[str, str] = field(default_factory=dict)  # question key -> driver
    pulse: dict[date, WeekResults] = field(default_factory=dict)
    averages: list[dict[tuple[int, str], float]] = field(default_factory=list)  # by week
    invited: dict[tuple[int, date], int] = field(default_factory=dict)
    comments: dict[int, tuple[str, ...]] = field(default_factory=dict)
    kudos: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    values: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    flows_in: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # (team, kudos)
    flows_out: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    service: dict[tuple[int, date], tuple[int, float]] = field(default_factory=dict)
    service_comments: dict[int, list[str]] = field(default_factory=dict)
    threads: dict[int, list[ThreadCount]] = field(default_factory=dict)
    waiting: dict[int, list[OpenThread]] = field(default_factory=dict)

    @property
    def week(self) -> date:
        return self.weeks[-1]

    def reason(self, team_id: int, week: date) -> str | None:
        return self.pulse[week].reason(team_id)

    def answered(self, team_id: int, week: date) -> int:
        """How many answers were counted (the most any question had): a head count."""
        return self.pulse[week].week.respondents(team_id)


def week_digests(
    uow: UnitOfWork, week_start: date, now: datetime, *, freeze: bool = False
) -> WeekDigests:
    """Every team's digest for the week starting `week_start`, as of `now`. With `freeze` (a
    digest is being sent) what it shows of each week is frozen (`engagement.digest_pulse`).

    Run with the cycle collector paused (`engagement.collector`): its rows are many and
    short-lived, and collections walking them were a quarter of the time."""
    with collector_paused():
        return _week_digests(uow, week_start, now, freeze)


def _week_digests(uow: UnitOfWork, week_start: date, now: datetime, freeze: bool) -> WeekDigests:
    teams = [team for team in uow.teams.all() if team.id is not None]
    gathered = _Gathered(
        weeks=[week_start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)],
        k=uow.settings.get().anonymity_k,
        names={team.id: team.name for team in teams if team.id is not None},
        managers={team.id: team.manager_id for team in teams if team.id is not None},
    )
    _gather_pulse(uow, gathered, now, freeze)
    _gather_kudos(uow, gathered, now)
    _gather_service(uow, gathered)
    _gather_feedback(uow, gathered)
    values = tuple(
        ValueInfo(v.key, v.emoji, v.name_en, v.name_es, tuple(v.aliases))
        for v in uow.settings.values(include_retired=True)
    )
    return WeekDigests(
        digests={team_id: _digest(gathered, team_id) for team_id in gathered.names},
        names=gathered.names,
        managers=gathered.managers,
        values=values,
        k=gathered.k,
    )


def _gather_pulse(uow: UnitOfWork, g: _Gathered, now: datetime, freeze: bool) -> None:
    """Each trend week's results; who was invited; the week's comments."""
    g.drivers = {q.key: q.driver for q in uow.pulse.questions(include_retired=True)}
    g.pulse = digest_pulse.pulse_results(uow, g.weeks, g.k, now, g.drivers, freeze=freeze)
    g.invited = digest_pulse.invited(uow, g.weeks[-2:])
    g.comments = digest_pulse.comments(uow, g.pulse[g.week], g.week)
    g.averages = _averages(g)


def _gather_kudos(uow: UnitOfWork, g: _Gathered, now: datetime) -> None:
    """Kudos per team and role over the trend; values received and flows between teams."""
    g.kudos = digest_rollups.kudos_by_week(uow, g.weeks, now)
    starts = [digest_rollups.week_begins(g.week)]
    begin, end = starts[-1], starts[-1] + timedelta(weeks=1)
    for team_id, value_key, count in uow.digest.values_received(begin, end):
        g.values.setdefault(team_id, []).append((value_key, count))
    for giving, thanked, count in uow.kudos.team_flows(begin, end):
        if giving in g.names and thanked in g.names:
            g.flows_in.setdefault(thanked, []).append((giving, count))
            g.flows_out.setdefault(giving, []).append((thanked, count))


def _gather_service(uow: UnitOfWork, g: _Gathered) -> None:
    """Internal customers' ratings this month and last; this month's comments."""
    month = month_of(g.week)
    months = [month, month_of(month - timedelta(days=1))]
    g.service = {(t, m): (n, avg) for t, m, n, avg in uow.digest.service_summary(months)}
    for team_id, comment in uow.digest.service_comments(month):
        g.service_comments.setdefault(team_id, []).append(comment)


def _gather_feedback(uow: UnitOfWork, g: _Gathered) -> None:
    for team_id, recipient, status, delivered, threads, new in uow.digest.feedback_by_recipient(
        g.week
    ):
        count = ThreadCount(recipient, status, delivered, threads, new)
        g.threads.setdefault(team_id, []).append(count)
    for team_id, recipient, thread_id, created_on, delivered in uow.digest.waiting_by_recipient():
        waiting = OpenThread(recipient, thread_id, created_on, delivered)
        g.waiting.setdefault(team_id, []).append(waiting)


def _digest(g: _Gathered, team_id: int) -> DigestData:
    week, previous = g.week, g.weeks[-2]
    reason = g.reason(team_id, week)
    shown = reason is None
    scores = _driver_scores(g, team_id) if shown else None
    month = month_of(week)
    service, short = anonymity.service_rating(
        g.service.get((team_id, month)),
        g.service.get((team_id, month_of(month - timedelta(days=1)))),
        g.service_comments.get(team_id, []),
        g.k,
    )
    received = g.kudos.get((team_id, "receiver"), [0] * TREND_WEEKS)
    return DigestData(
        team_name=g.names[team_id],
        week_start=week,
        invited=g.invited.get((team_id, week), 0),
        answered=g.answered(team_id, week),
        previous_invited=g.invited.get((team_id, previous)),
        previous_answered=g.answered(team_id, previous)
        if (team_id, previous) in g.invited
        else None,
        k=g.k,
        drivers=scores,
        hidden_reason=reason,
        enps=anonymity.enps(g.pulse[week].enps(team_id), g.k, shown=shown),
        comments=g.comments.get(team_id, ()) if shown else (),
        kudos_received=received[-1],
        kudos_given=g.kudos.get((team_id, "giver"), [0] * TREND_WEEKS)[-1],
        top_values=tuple(sorted(g.values.get(team_id, []), key=lambda v: -v[1])[:TOP_SHOWN]),
        thanked_by=_most(g, g.flows_in.get(team_id, [])),
        thanked=_most(g, g.flows_out.get(team_id, [])),
        service=service,
        service_raters_short=short,
        feedback=anonymity.feedback_summary(
            g.managers[team_id],
            g.threads.get(team_id, []),
            g.waiting.get(team_id, []),
            week + timedelta(weeks=1),
        ),
        suggestion=_suggestion(scores),
        kudos_per_week=tuple(received),
    )


def _most(g: _Gathered, flows: list[tuple[int, int]]) -> tuple[TeamFlow, ...]:
    """The other teams with most kudos (the first found among equals), named: only the ones
    shown are made flows."""
    top = sorted(flows, key=lambda f: -f[1])[:TOP_SHOWN]
    return tuple(TeamFlow(g.names[team], kudos) for team, kudos in top)


def _driver_scores(g: _Gathered, team_id: int) -> tuple[DriverScore, ...]:
    scores = []
    for driver in SCORED:
        now = g.averages[-1].get((team_id, driver))
        if now is not None:
            trend = tuple(week.get((team_id, driver)) for week in g.averages)
            scores.append(DriverScore(driver, now, trend[-2], trend))
    return tuple(scores)


def _averages(g: _Gathered) -> list[dict[tuple[int, str], float]]:
    """Each trend week's driver averages by (team, driver): every team's in one pass over
    the week's shown figures, instead of a pass per team."""
    found = []
    for week in g.weeks:
        results = g.pulse[week]
        questions = (
            ((f.team_id, driver), f.answers, f.score_sum)
            for f in results.every_shown_figure()
            if (driver := g.drivers.get(f.question_key)) is not None
        )
        found.append(anonymity.driver_averages(questions, results.k))
    return found


def _suggestion(scores: tuple[DriverScore, ...] | None) -> Suggestion | None:
    """One thing to try, for the lowest driver; "lowest" only when it means something."""
    if not scores:
        return None
    lowest = anonymity.weakest({s.driver: s.score for s in scores})
    driver = lowest or min(scores, key=lambda s: (s.score, s.driver)).driver
    return Suggestion(driver, REMEDY_FOR.get(driver, "channels"), lowest=lowest is not None)
