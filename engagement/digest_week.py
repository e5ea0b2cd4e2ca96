"""One week's digests for every team, cut from a fixed number of aggregate queries.

Everything is gathered once for all teams (the number of statements does not grow with them),
then cut per team; every figure reaches a `DigestData` through `engagement.anonymity`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from engagement import anonymity
from engagement.anonymity import OpenThread, ThreadCount
from engagement.digest_model import DigestData, DriverScore, Suggestion, TeamFlow
from engagement.kudos_model import ValueInfo
from engagement.periods import month_of
from engagement.pulse_bank import ENPS_QUESTION_KEY, Driver
from storage.unit_of_work import UnitOfWork

TREND_WEEKS = 12
TOP_SHOWN = 3
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
    respondents: dict[tuple[int, date], int] = field(default_factory=dict)
    sums: dict[tuple[int, date, str], list[tuple[int, int]]] = field(default_factory=dict)
    visibility: dict[date, dict[int, str | None]] = field(default_factory=dict)
    invited: dict[tuple[int, date], int] = field(default_factory=dict)
    enps: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)
    kudos: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    values: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    flows_in: dict[int, list[TeamFlow]] = field(default_factory=dict)
    flows_out: dict[int, list[TeamFlow]] = field(default_factory=dict)
    service: dict[tuple[int, date], tuple[int, float]] = field(default_factory=dict)
    service_comments: dict[int, list[str]] = field(default_factory=dict)
    threads: dict[int, list[ThreadCount]] = field(default_factory=dict)
    waiting: dict[int, list[OpenThread]] = field(default_factory=dict)

    @property
    def week(self) -> date:
        return self.weeks[-1]

    def reason(self, team_id: int, week: date) -> str | None:
        return self.visibility[week].get(team_id, anonymity.THRESHOLD)


def week_digests(uow: UnitOfWork, week_start: date) -> WeekDigests:
    """Every team's digest for the week starting `week_start`."""
    teams = [team for team in uow.teams.all() if team.id is not None]
    gathered = _Gathered(
        weeks=[week_start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)],
        k=uow.settings.get().anonymity_k,
        names={team.id: team.name for team in teams if team.id is not None},
        managers={team.id: team.manager_id for team in teams if team.id is not None},
    )
    _gather_pulse(uow, gathered)
    _gather_kudos(uow, gathered)
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


def _gather_pulse(uow: UnitOfWork, g: _Gathered) -> None:
    """Answers per team, week and driver; who may be shown each week of the trend."""
    drivers = {q.key: q.driver for q in uow.pulse.questions(include_retired=True)}
    respondents: dict[tuple[int, date], int] = defaultdict(int)
    sums: dict[tuple[int, date, str], list[tuple[int, int]]] = defaultdict(list)
    for team_id, week, key, count, total in uow.digest.answer_sums(g.weeks):
        respondents[(team_id, week)] = max(respondents[(team_id, week)], count)
        driver = drivers.get(key)
        if driver and driver != Driver.ENPS.value:
            sums[(team_id, week, driver)].append((count, total))
    members: dict[int, set[str]] = defaultdict(set)
    for team_id, user_id in uow.digest.memberships():
        members[team_id].add(user_id)
    for week in g.weeks:
        answered = {team: n for (team, w), n in respondents.items() if w == week}
        g.visibility[week] = anonymity.week_visibility(answered, members, g.k)
    g.respondents, g.sums = dict(respondents), dict(sums)
    g.invited = {(t, w): n for t, w, n in uow.digest.invited(g.weeks[-2:])}
    enps = uow.digest.enps_counts(g.week, ENPS_QUESTION_KEY)
    g.enps = {t: (c.promoters, c.passives, c.detractors) for t, c in enps.items()}
    for team_id, comment in uow.digest.comments(g.week):
        g.comments.setdefault(team_id, []).append(comment)


def _gather_kudos(uow: UnitOfWork, g: _Gathered) -> None:
    """Kudos per team and role over the trend; values received and flows between teams."""
    starts = [datetime.combine(w, time(0), UTC) for w in g.weeks]
    for team_id, role, bucket, count in uow.digest.kudos_by_week(starts):
        g.kudos.setdefault((team_id, role), [0] * TREND_WEEKS)[bucket] = count
    begin, end = starts[-1], starts[-1] + timedelta(weeks=1)
    for team_id, value_key, count in uow.digest.values_received(begin, end):
        g.values.setdefault(team_id, []).append((value_key, count))
    for giving, thanked, count in uow.kudos.team_flows(begin, end):
        if giving in g.names and thanked in g.names:
            g.flows_in.setdefault(thanked, []).append(TeamFlow(g.names[giving], count))
            g.flows_out.setdefault(giving, []).append(TeamFlow(g.names[thanked], count))


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
        g.service_comments.get(team_id, [])[:TOP_SHOWN],
        g.k,
    )
    received = g.kudos.get((team_id, "receiver"), [0] * TREND_WEEKS)
    return DigestData(
        team_name=g.names[team_id],
        week_start=week,
        invited=g.invited.get((team_id, week), 0),
        answered=g.respondents.get((team_id, week), 0),
        previous_invited=g.invited.get((team_id, previous)),
        previous_answered=g.respondents.get((team_id, previous), 0)
        if (team_id, previous) in g.invited
        else None,
        k=g.k,
        drivers=scores,
        hidden_reason=reason,
        enps=anonymity.enps(g.enps.get(team_id), g.k, week_shown=shown),
        comments=anonymity.comments(g.comments.get(team_id, []), week_shown=shown),
        kudos_received=received[-1],
        kudos_given=g.kudos.get((team_id, "giver"), [0] * TREND_WEEKS)[-1],
        top_values=tuple(sorted(g.values.get(team_id, []), key=lambda v: -v[1])[:TOP_SHOWN]),
        thanked_by=_most(g.flows_in.get(team_id, [])),
        thanked=_most(g.flows_out.get(team_id, [])),
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


def _most(flows: list[TeamFlow]) -> tuple[TeamFlow, ...]:
    return tuple(sorted(flows, key=lambda f: -f.kudos)[:TOP_SHOWN])


def _driver_scores(g: _Gathered, team_id: int) -> tuple[DriverScore, ...]:
    def average(week: date, driver: str) -> float | None:
        if g.reason(team_id, week) is not None:
            return None
        return anonymity.driver_average(g.sums.get((team_id, week, driver), []), g.k)

    scores = []
    for driver in Driver:
        if driver is Driver.ENPS:
            continue
        now = average(g.week, driver.value)
        if now is not None:
            trend = tuple(average(week, driver.value) for week in g.weeks)
            scores.append(DriverScore(driver.value, now, trend[-2], trend))
    return tuple(scores)


def _suggestion(scores: tuple[DriverScore, ...] | None) -> Suggestion | None:
    if not scores:
        return None
    weakest = min(scores, key=lambda s: (s.score, s.driver))
    return Suggestion(weakest.driver, REMEDY_FOR.get(weakest.driver, "channels"))
