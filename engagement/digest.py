"""Managers' weekly digests, and the admins' company report built from the same figures.

Each team's digest goes out once per week: a claim row decides which run sends it, and the
message carries metadata, so a run resuming a claim that a dead run left behind (see
engagement.claim_heartbeat), or retrying a post Slack failed for a passing reason, first asks
Slack whether the digest is already there. A failed digest is retried until the week it was
due in is over. What a digest may show is decided in `engagement.anonymity`; Slack is only
ever called between transactions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial

from engagement.claim_heartbeat import Heartbeat, claims_in
from engagement.clock import Clock, system_clock
from engagement.digest_model import CompanyReport, DigestLetter, TeamParticipation
from engagement.digest_week import WeekDigests, week_digests
from engagement.directory import is_targetable, language_of
from engagement.errors import DomainError
from engagement.kudos_patterns import kudos_patterns
from engagement.local_time import local_now, monday_of
from engagement.ports import DigestMessenger, Transactions
from engagement.privacy import shown_people
from engagement.reports import (
    DeliveryProblem,
    Outcome,
    RunReport,
    Tally,
)
from engagement.sending import Sending, send_claimed
from storage.models import DigestClaim
from storage.models.pulse import ClaimStatus, SendClaimState
from storage.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

RESUMED_NOTE = "resumed a digest claimed by a run that died"
RETRIED_NOTE = "retried digests Slack had failed to take"
REPORT_FLOW_WEEKS = 4
RETRY_WEEKS = 1  # a failed digest is retried until the week it was due in is over

Weeks = dict[date, WeekDigests]


@dataclass(frozen=True)
class _Owed:
    team_id: int
    manager_id: str
    lang: str
    week: date
    attempts: int = 0  # failed attempts so far


def report_week(manager_now: datetime, weekday: int, hour: int) -> date | None:
    """The week whose digest is owed at this local moment: last week, from the digest day on."""
    if (manager_now.weekday(), manager_now.hour) < (weekday, hour):
        return None
    return monday_of(manager_now.date()) - timedelta(weeks=1)


def _letter(week: WeekDigests, item: _Owed) -> DigestLetter | None:
    data = week.digests.get(item.team_id)
    if data is None:  # the team was removed since
        return None
    return DigestLetter(item.team_id, item.manager_id, item.lang, data, week.values)


def _addressed(uow: UnitOfWork, claims: Sequence[DigestClaim]) -> list[_Owed]:
    """Claims taken back, addressed to their team's manager as the team stands now."""
    if not claims:
        return []
    teams = {team.id: team for team in uow.teams.all() if team.id is not None}
    default = uow.settings.get().default_language
    people = uow.people.get_many({team.manager_id for team in teams.values()})
    return [
        _Owed(
            claim.team_id,
            team.manager_id,
            language_of(people.get(team.manager_id), default),
            claim.week_start,
            claim.attempts,
        )
        for claim in claims
        if (team := teams.get(claim.team_id)) is not None
    ]


def _problem(
    kind: str, user_id: str, team_name: str | None, claim: SendClaimState
) -> DeliveryProblem:
    retrying = claim.status == ClaimStatus.RETRY
    reason = claim.error or ""
    return DeliveryProblem(
        kind, user_id, team_name, claim.week_start, reason, claim.attempts, retrying
    )


def delivery_problems(uow: UnitOfWork, since: date) -> tuple[DeliveryProblem, ...]:
    """Pulses and digests of weeks from `since` on that Slack did not take, for admins."""
    teams = {team.id: team for team in uow.teams.all() if team.id is not None}
    pulses = [_problem("pulse", d.user_id, None, d) for d in uow.pulse.claims.failures(since)]
    digests = [
        _problem("digest", team.manager_id, team.name, c)
        for c in uow.digest.claims.failures(since)
        if (team := teams.get(c.team_id)) is not None
    ]
    return (*pulses, *digests)


class DigestService:
    def __init__(
        self,
        store: Transactions,
        messenger: DigestMessenger,
        clock: Clock,
        *,
        wall: Clock = system_clock,
    ) -> None:
        self._store, self._messenger, self._clock = store, messenger, clock
        self._beat, self._in_flight = claims_in(store, lambda uow: uow.digest.claims)
        self._wall = wall  # real time for heartbeats; `now` may be pinned by `jobs run --at`

    def send_due(self, now: datetime) -> RunReport:
        """Every digest owed at `now` (claim, compute, post, mark), then retries that fell due,
        then claims whose run died; the run ends when no other run's claim is left hanging.
        A week's digests are computed once per run, with the first claim."""
        tally = Tally()
        weeks: Weeks = {}
        with Heartbeat(self._beat, self._wall) as run:
            owed, retries = self._plan(now, run)
            for item in owed:
                letter = self._claim(item, now, run, weeks)
                if letter is None:
                    tally.count(Outcome.SKIPPED)
                else:
                    self._deliver(letter, now, tally, resend=False, attempts=0)
            self._resend(retries, now, tally, weeks, RETRIED_NOTE)
            self._take_over(now, run, tally, weeks)
            run.watch_others(self._in_flight, partial(self._take_over, now, run, tally, weeks))
        return tally.report()

    def letters(self, week_start: date) -> list[DigestLetter]:
        """Every team's digest of a week as its manager would read it now, sent or not."""
        with self._store.unit_of_work() as uow:
            week = week_digests(uow, week_start, self._clock())
            default = uow.settings.get().default_language
            people = uow.people.get_many(set(week.managers.values()))
        found = []
        for team_id, manager_id in week.managers.items():
            lang = language_of(people.get(manager_id), default)
            letter = _letter(week, _Owed(team_id, manager_id, lang, week_start))
            if letter is not None:
                found.append(letter)
        return found

    def company_report(self, user_id: str, now: datetime | None = None) -> CompanyReport:
        """For admins: last week's participation per team and four weeks of kudos between
        teams. Counts only; scores stay in the managers' digests."""
        moment = now or self._clock()
        week_start = monday_of(moment.date()) - timedelta(weeks=1)
        since = datetime.combine(week_start, time(0), UTC) - timedelta(weeks=REPORT_FLOW_WEEKS - 1)
        with self._store.unit_of_work() as uow:
            if not uow.admins.is_admin(user_id):
                raise DomainError("admin.errors.not_admin")
            week = week_digests(uow, week_start, moment)
            flows = uow.kudos.team_flows(since)
            patterns = kudos_patterns(
                uow.kudos.given_since(since),
                daily_limit=uow.settings.get().kudos_daily_limit,
                self_reacted=uow.kudos.self_reactions_since(since),
            )
            patterns = patterns.named(shown_people(uow, patterns.people))  # who left: unnamed
            deliveries = delivery_problems(uow, week_start)  # inside: a read after the block
            # would begin a transaction nobody ends (on SQLite, the write lock, for good)
        names = week.names
        return CompanyReport(
            participation=tuple(
                TeamParticipation(d.team_name, d.answered, d.invited, d.hidden_reason)
                for d in sorted(week.digests.values(), key=lambda d: d.team_name)
            ),
            flows=tuple(
                (names[a], names[b], n)
                for a, b, n in sorted(flows, key=lambda f: -f[2])
                if a in names and b in names
            ),
            k=week.k,
            deliveries=deliveries,
            patterns=patterns,
        )

    def _plan(self, now: datetime, run: Heartbeat) -> tuple[list[_Owed], list[_Owed]]:
        """(digests owed now and not yet claimed, failed ones due again), in one read; the
        retries are claimed here too, so two runs never both retry one."""
        with self._store.unit_of_work() as uow:
            settings = uow.settings.get()
            teams = {team.id: team for team in uow.teams.all() if team.id is not None}
            people = uow.people.get_many({team.manager_id for team in teams.values()})
            owed = []
            for team_id, team in teams.items():
                manager = people.get(team.manager_id)
                if manager is None or not is_targetable(manager):
                    continue
                local = local_now(manager, now)
                due = report_week(local, settings.digest_weekday, settings.digest_hour)
                if due is not None:
                    lang = language_of(manager, settings.default_language)
                    owed.append(_Owed(team_id, manager.user_id, lang, due))
            weeks = {o.week for o in owed}
            claimed = {week: uow.digest.claimed_weeks(week) for week in weeks}
            # answers still sealed in the ballot box: the digest waits until they are counted
            counting = {(g.team_id, g.week_start) for g in uow.pulse.waiting_groups(list(weeks))}
            open_from = monday_of(now.date()) - timedelta(weeks=RETRY_WEEKS)
            uow.digest.claims.give_up(open_from)
            due_again = uow.digest.claims.take_due_retries(
                now, open_from, run.owner, run.alive_at()
            )
            retries = _addressed(uow, due_again)
        owed = [o for o in owed if (o.team_id, o.week) not in counting]
        return [o for o in owed if o.team_id not in claimed[o.week]], retries

    def _claim(
        self, item: _Owed, now: datetime, run: Heartbeat, weeks: Weeks
    ) -> DigestLetter | None:
        """The letter to send, or None when another run claimed this team-week first."""
        with self._store.unit_of_work() as uow:
            alive = run.alive_at()
            if not uow.digest.claim(item.team_id, item.week, now, owner=run.owner, alive_at=alive):
                return None
            if item.week not in weeks:
                weeks[item.week] = week_digests(uow, item.week, now, freeze=True)
        return _letter(weeks[item.week], item)

    def _take_over(self, now: datetime, run: Heartbeat, tally: Tally, weeks: Weeks) -> None:
        with self._store.unit_of_work() as uow:
            taken = uow.digest.claims.take_abandoned(run.silent_since(), run.owner, run.alive_at())
            items = _addressed(uow, taken)
        self._resend(items, now, tally, weeks, RESUMED_NOTE)

    def _resend(
        self, items: Sequence[_Owed], now: datetime, tally: Tally, weeks: Weeks, note: str
    ) -> None:
        for item in items:
            tally.note(note)
            if item.week not in weeks:
                with self._store.unit_of_work() as uow:
                    weeks[item.week] = week_digests(uow, item.week, now, freeze=True)
            letter = _letter(weeks[item.week], item)
            if letter is not None:
                self._deliver(letter, now, tally, resend=True, attempts=item.attempts)

    def _deliver(
        self, letter: DigestLetter, now: datetime, tally: Tally, *, resend: bool, attempts: int
    ) -> None:
        """Posts the digest (unless a resumed one is already there, chart and all), then
        marks the claim: sent, due again after a passing failure, or failed for good."""
        messenger = self._messenger
        digest = Sending(
            partial(messenger.already_sent, letter),
            partial(messenger.send_digest, letter),
            "digest",
        )
        attempt, ts = send_claimed(digest, now, tally, resend=resend, attempts=attempts)
        with self._store.unit_of_work() as uow:
            uow.digest.mark(letter.team_id, letter.data.week_start, attempt, ts)
