"""Managers' weekly digests: what each team's week looked like, under the anonymity rules.

Everything is computed for all teams at once from a fixed number of aggregate queries, then
cut per team. A team's week is hidden when fewer than k answered, or when it overlaps another
shown team whose respondent count differs by 1 to k-1 (subtracting the two would expose people).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from engagement.digest_model import (
    DigestData,
    DriverScore,
    Enps,
    FeedbackSummary,
    ServiceRatingSummary,
    Suggestion,
    TeamFlow,
)
from engagement.directory import is_targetable, language_of
from engagement.kudos import active_values
from engagement.local_time import local_now, monday_of
from engagement.pulse import DeliveryFailedError, month_of
from engagement.pulse_bank import ENPS_QUESTION_KEY, Driver
from storage.unit_of_work import Database, UnitOfWork

logger = logging.getLogger(__name__)

TREND_WEEKS = 12
STALE_CLAIM = timedelta(minutes=10)
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


class DigestMessenger(Protocol):
    def send_digest(self, manager_id: str, lang: str, data: DigestData) -> str:
        """Posts the digest (and its chart) in the manager's DM; returns the message ts."""

    def already_sent(self, manager_id: str, team_name: str, week_start: date) -> str | None:
        """The ts of this team-week's digest if Slack already shows it in the manager's DM."""


@dataclass
class DigestReport:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)


def _week_starts(week_start: date) -> list[date]:
    return [week_start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]


def compute_digests(uow: UnitOfWork, week_start: date) -> dict[int, DigestData]:
    """Every team's digest for the week starting `week_start`, from a fixed set of queries."""
    settings = uow.settings.get()
    k = settings.anonymity_k
    teams = {t.id: t for t in uow.teams.all() if t.id is not None}
    names = {team_id: team.name for team_id, team in teams.items()}
    drivers = {q.key: q.driver for q in uow.pulse.questions(include_retired=True)}
    weeks = _week_starts(week_start)
    previous = week_start - timedelta(weeks=1)

    # pulse: per team, week and driver -> (answers, sum); respondents per team-week
    sums: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0, 0])
    respondents: dict[tuple[int, date], int] = defaultdict(int)
    for team_id, week, key, count, total in uow.digest.answer_sums(weeks):
        respondents[(team_id, week)] = max(respondents[(team_id, week)], count)
        driver = drivers.get(key)
        if driver and driver != Driver.ENPS.value:
            entry = sums[(team_id, week, driver)]
            entry[0] += count
            entry[1] += total
    invited = {(t, w): n for t, w, n in uow.digest.invited([week_start, previous])}
    shown = _shown_teams(uow, respondents, week_start, k)
    enps = uow.digest.enps_counts(week_start, ENPS_QUESTION_KEY)
    comments: dict[int, list[str]] = defaultdict(list)
    for team_id, comment in uow.digest.comments(week_start):
        comments[team_id].append(comment)

    # kudos: per team and role, per week of the trend; values; the internal-service map
    starts = [datetime.combine(w, time(0), UTC) for w in weeks]
    per_week: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * TREND_WEEKS)
    for team_id, role, bucket, count in uow.digest.kudos_by_week(starts):
        per_week[(team_id, role)][bucket] = count
    week_begin, week_end = starts[-1], starts[-1] + timedelta(weeks=1)
    values = {v.key: v for v in active_values(uow)}
    received_values: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for team_id, value_key, count in uow.digest.values_received(week_begin, week_end):
        received_values[team_id].append((value_key, count))
    flows_in: dict[int, list[TeamFlow]] = defaultdict(list)
    flows_out: dict[int, list[TeamFlow]] = defaultdict(list)
    for giving, receiving, count in uow.kudos.team_flows(week_begin, week_end):
        if giving in names and receiving in names:
            flows_in[receiving].append(TeamFlow(names[giving], count))
            flows_out[giving].append(TeamFlow(names[receiving], count))

    # internal customers' ratings this month and last, under the same k rule
    month = month_of(week_start)
    last_month = month_of(month - timedelta(days=1))
    service = {(t, m): (n, avg) for t, m, n, avg in uow.digest.service_summary([month, last_month])}
    service_comments: dict[int, list[str]] = defaultdict(list)
    for team_id, comment in uow.digest.service_comments(month):
        service_comments[team_id].append(comment)

    # anonymous feedback
    feedback: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for team_id, status, count, new in uow.digest.feedback_counts(week_start):
        feedback[team_id][status] += count
        feedback[team_id]["new"] += new
    oldest: dict[int, tuple[str, date]] = {}
    for team_id, thread_id, created in uow.digest.oldest_open():
        oldest.setdefault(team_id, (thread_id, created))

    digests: dict[int, DigestData] = {}
    report_day = week_start + timedelta(weeks=1)
    for team_id, name in names.items():
        answered = respondents.get((team_id, week_start), 0)
        hidden = None if team_id in shown else ("threshold" if answered < k else "overlap")
        driver_scores = (
            None
            if hidden
            else _driver_scores(team_id, weeks, sums, lambda t, w: respondents.get((t, w), 0) >= k)
        )
        count, average = service.get((team_id, month), (0, 0.0))
        previous_service = service.get((team_id, last_month))
        thread = oldest.get(team_id)
        counts = feedback[team_id]
        enps_counts = enps.get(team_id)
        digests[team_id] = DigestData(
            team_name=name,
            week_start=week_start,
            invited=invited.get((team_id, week_start), 0),
            answered=answered,
            previous_invited=invited.get((team_id, previous)),
            previous_answered=respondents.get((team_id, previous))
            if (team_id, previous) in invited
            else None,
            k=k,
            drivers=driver_scores,
            hidden_reason=hidden,
            enps=Enps(*enps_counts)
            if enps_counts and not hidden and sum(enps_counts) >= k
            else None,
            comments=tuple(comments.get(team_id, ())) if not hidden else (),
            kudos_received=per_week[(team_id, "receiver")][-1],
            kudos_given=per_week[(team_id, "giver")][-1],
            top_values=tuple(
                (values[key].label("en") if key in values else key, n)
                for key, n in sorted(received_values[team_id], key=lambda v: -v[1])[:3]
            ),
            thanked_by=tuple(sorted(flows_in[team_id], key=lambda f: -f.kudos)[:3]),
            thanked=tuple(sorted(flows_out[team_id], key=lambda f: -f.kudos)[:3]),
            service=(
                ServiceRatingSummary(
                    raters=count,
                    average=average,
                    previous=previous_service[1]
                    if previous_service and previous_service[0] >= k
                    else None,
                    comments=tuple(service_comments.get(team_id, ())[:3]),
                )
                if count >= k
                else None
            ),
            service_raters_short=count if 0 < count < k else None,
            feedback=FeedbackSummary(
                new=counts["new"],
                open=counts["open"] + counts["acknowledged"],
                resolved=counts["resolved"],
                oldest_open_thread=thread[0] if thread else None,
                oldest_open_days=(report_day - thread[1]).days if thread else None,
            ),
            suggestion=_suggestion(driver_scores),
            kudos_per_week=tuple(per_week[(team_id, "receiver")]),
        )
    return digests


def _driver_scores(
    team_id: int,
    weeks: Sequence[date],
    sums: dict[tuple[int, date, str], list[int]],
    visible: Callable[[int, date], bool],
) -> tuple[DriverScore, ...]:
    this_week, last_week = weeks[-1], weeks[-2]

    def average(week: date, driver: str) -> float | None:
        count, total = sums.get((team_id, week, driver), (0, 0))
        if not count or not visible(team_id, week):
            return None
        return round(total / count, 2)

    scores = []
    for driver in Driver:
        if driver is Driver.ENPS:
            continue
        now = average(this_week, driver.value)
        if now is None:
            continue
        scores.append(
            DriverScore(
                driver=driver.value,
                score=now,
                previous=average(last_week, driver.value),
                trend=tuple(average(w, driver.value) for w in weeks),
            )
        )
    return tuple(scores)


def _shown_teams(
    uow: UnitOfWork, respondents: dict[tuple[int, date], int], week: date, k: int
) -> set[int]:
    """Teams at k or more respondents, less any whose overlap with another shown team would let
    someone subtract one group from the other (a difference of 1 to k-1 respondents)."""
    candidates = {t for (t, w), n in respondents.items() if w == week and n >= k}
    members: dict[int, set[str]] = defaultdict(set)
    for team_id, user_id in uow.digest.memberships():
        members[team_id].add(user_id)
    teams_of: dict[str, list[int]] = defaultdict(list)
    for team_id in sorted(candidates):
        for user_id in members[team_id]:
            teams_of[user_id].append(team_id)
    overlapping = sorted(
        {(a, b) for teams in teams_of.values() for a in teams for b in teams if a < b}
    )
    hidden: set[int] = set()
    for a, b in overlapping:  # only pairs that share someone: linear in memberships, not teams²
        if a in hidden or b in hidden:
            continue
        difference = abs(respondents[(a, week)] - respondents[(b, week)])
        if 1 <= difference <= k - 1:
            hidden.add(a if respondents[(a, week)] < respondents[(b, week)] else b)
    return candidates - hidden


def _suggestion(scores: tuple[DriverScore, ...] | None) -> Suggestion | None:
    if not scores:
        return None
    weakest = min(scores, key=lambda s: (s.score, s.driver))
    return Suggestion(weakest.driver, REMEDY_FOR.get(weakest.driver, "channels"))


def localize(data: DigestData, uow: UnitOfWork, lang: str) -> DigestData:
    """Value labels in the reader's language (the rest of the digest is data, not words)."""
    by_label = {v.label("en"): v for v in active_values(uow)}
    return replace(
        data,
        top_values=tuple(
            (by_label[label].label(lang) if label in by_label else label, n)
            for label, n in data.top_values
        ),
    )


def report_week(manager_now: datetime, weekday: int, hour: int) -> date | None:
    """The week whose digest is owed at this local moment: last week, from the digest day on."""
    if (manager_now.weekday(), manager_now.hour) < (weekday, hour):
        return None
    return monday_of(manager_now.date()) - timedelta(weeks=1)


def send_digests(database: Database, messenger: DigestMessenger, now: datetime) -> DigestReport:
    report = DigestReport()
    with database.unit_of_work() as uow:
        settings = uow.settings.get()
        owed: list[tuple[int, str, str, date]] = []
        for team in uow.teams.all():
            manager = uow.people.get(team.manager_id)
            if team.id is None or manager is None or not is_targetable(manager):
                continue
            week = report_week(
                local_now(manager, now), settings.digest_weekday, settings.digest_hour
            )
            if week is not None:
                owed.append(
                    (
                        team.id,
                        manager.user_id,
                        language_of(manager, settings.default_language),
                        week,
                    )
                )
        already = {week: uow.digest.claimed_weeks(week) for week in {w for *_, w in owed}}
    snapshots: dict[date, dict[int, DigestData]] = {}
    for team_id, manager_id, lang, week in owed:
        if team_id in already[week]:
            continue
        with database.unit_of_work() as uow:
            if not uow.digest.claim(team_id, week, now):
                report.skipped += 1
                continue
        _send_one(
            database, messenger, team_id, manager_id, lang, week, snapshots, report, resend=False
        )
    with database.unit_of_work() as uow:
        stale = uow.digest.reclaim_stale(now - STALE_CLAIM, now)
        managers = {t.id: t.manager_id for t in uow.teams.all()}
        default_language = uow.settings.get().default_language
        langs = {m: language_of(uow.people.get(m), default_language) for m in managers.values()}
    for team_id, week in stale:
        stale_manager = managers.get(team_id)
        if stale_manager is None:
            continue
        report.notes.append("resumed a digest claimed before a crash")
        _send_one(
            database,
            messenger,
            team_id,
            stale_manager,
            langs[stale_manager],
            week,
            snapshots,
            report,
            resend=True,
        )
    return report


def _send_one(
    database: Database,
    messenger: DigestMessenger,
    team_id: int,
    manager_id: str,
    lang: str,
    week: date,
    snapshots: dict[date, dict[int, DigestData]],
    report: DigestReport,
    *,
    resend: bool,
) -> None:
    with database.unit_of_work() as uow:
        if week not in snapshots:
            snapshots[week] = compute_digests(uow, week)
        data = localize(snapshots[week][team_id], uow, lang)
    try:
        ts: str | None = (
            messenger.already_sent(manager_id, data.team_name, week) if resend else None
        )
        if ts is None:
            ts = messenger.send_digest(manager_id, lang, data)
            report.sent += 1
    except DeliveryFailedError as error:
        logger.warning("digest not delivered: %s", error.reason)
        with database.unit_of_work() as uow:
            uow.digest.mark(team_id, week, "failed", None)
        report.failed += 1
        return
    with database.unit_of_work() as uow:
        uow.digest.mark(team_id, week, "sent", ts)


@dataclass(frozen=True)
class CompanyReport:
    participation: tuple[tuple[str, int, int], ...]  # (team, answered, invited) last week
    flows: tuple[tuple[str, str, int], ...]  # (from team, to team, kudos) over four weeks
    k: int


def company_report(uow: UnitOfWork, now: datetime) -> CompanyReport:
    """For admins: participation per team and the team-by-team map of internal-service kudos.
    Counts only; scores stay in the managers' digests, under the k rule."""
    week = monday_of(now.date()) - timedelta(weeks=1)
    digests = compute_digests(uow, week)
    names = {t.id: t.name for t in uow.teams.all()}
    since = datetime.combine(week - timedelta(weeks=3), time(0), UTC)
    return CompanyReport(
        participation=tuple(
            (d.team_name, d.answered, d.invited)
            for d in sorted(digests.values(), key=lambda d: d.team_name)
        ),
        flows=tuple(
            (names[a], names[b], n)
            for a, b, n in sorted(uow.kudos.team_flows(since), key=lambda f: -f[2])
            if a in names and b in names
        ),
        k=uow.settings.get().anonymity_k,
    )
