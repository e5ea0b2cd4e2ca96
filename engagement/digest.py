"""Managers' weekly digests, and the admins' company report built from the same figures.

Each team's digest goes out once per week: a claim row decides which run sends it, and the
message carries metadata, so a run resuming a claim that a dead run left behind first asks Slack
whether the digest is already there. What a digest may show is decided in
`engagement.anonymity`; Slack is only ever called between transactions.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from engagement.clock import Clock
from engagement.digest_model import CompanyReport, DigestLetter, TeamParticipation
from engagement.digest_week import WeekDigests, week_digests
from engagement.directory import is_targetable, language_of
from engagement.errors import DomainError
from engagement.local_time import local_now, monday_of
from engagement.ports import DigestMessenger, Transactions
from engagement.reports import DeliveryFailedError, Outcome, RunReport, Tally

logger = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=10)
RESUMED_NOTE = "resumed a digest claimed before a crash"
REPORT_FLOW_WEEKS = 4


@dataclass(frozen=True)
class _Owed:
    team_id: int
    manager_id: str
    lang: str
    week: date


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


class DigestService:
    def __init__(self, store: Transactions, messenger: DigestMessenger, clock: Clock) -> None:
        self._store = store
        self._messenger = messenger
        self._clock = clock

    def send_due(self, now: datetime) -> RunReport:
        """Every digest owed at `now` (claim, compute, post, mark), then any claim a dead run
        left behind. A week's digests are computed once per run, with the first claim."""
        owed, resumed = self._plan(now)
        tally = Tally()
        weeks: dict[date, WeekDigests] = {}
        for item in owed:
            letter = self._claim(item, now, weeks)
            if letter is None:
                tally.count(Outcome.SKIPPED)
            else:
                self._deliver(letter, tally, resend=False)
        for item in resumed:
            tally.note(RESUMED_NOTE)
            if item.week not in weeks:
                with self._store.unit_of_work() as uow:
                    weeks[item.week] = week_digests(uow, item.week)
            letter = _letter(weeks[item.week], item)
            if letter is not None:
                self._deliver(letter, tally, resend=True)
        return tally.report()

    def letters(self, week_start: date) -> list[DigestLetter]:
        """Every team's digest of a week as its manager would read it, sent or not."""
        with self._store.unit_of_work() as uow:
            week = week_digests(uow, week_start)
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
            week = week_digests(uow, week_start)
            flows = uow.kudos.team_flows(since)
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
        )

    def _plan(self, now: datetime) -> tuple[list[_Owed], list[_Owed]]:
        """(digests owed now and not yet claimed, claims a dead run left behind), in one read;
        taking those claims over happens here too, so two runs never both resume one."""
        with self._store.unit_of_work() as uow:
            settings = uow.settings.get()
            teams = {team.id: team for team in uow.teams.all() if team.id is not None}
            people = uow.people.get_many({team.manager_id for team in teams.values()})
            stale: dict[int, list[date]] = defaultdict(list)
            for team_id, left in uow.digest.reclaim_stale(now - STALE_CLAIM, now):
                stale[team_id].append(left)
            owed, resumed = [], []
            for team_id, team in teams.items():
                manager = people.get(team.manager_id)
                lang = language_of(manager, settings.default_language)
                resumed += [_Owed(team_id, team.manager_id, lang, w) for w in stale[team_id]]
                if manager is None or not is_targetable(manager):
                    continue
                local = local_now(manager, now)
                due = report_week(local, settings.digest_weekday, settings.digest_hour)
                if due is not None:
                    owed.append(_Owed(team_id, manager.user_id, lang, due))
            claimed = {week: uow.digest.claimed_weeks(week) for week in {o.week for o in owed}}
        return [o for o in owed if o.team_id not in claimed[o.week]], resumed

    def _claim(
        self, item: _Owed, now: datetime, weeks: dict[date, WeekDigests]
    ) -> DigestLetter | None:
        """The letter to send, or None when another run claimed this team-week first."""
        with self._store.unit_of_work() as uow:
            if not uow.digest.claim(item.team_id, item.week, now):
                return None
            if item.week not in weeks:
                weeks[item.week] = week_digests(uow, item.week)
        return _letter(weeks[item.week], item)

    def _deliver(self, letter: DigestLetter, tally: Tally, *, resend: bool) -> None:
        """Posts the digest (unless a resumed one is already there), then marks the claim."""
        status, ts = "sent", None
        try:
            ts = self._messenger.already_sent(letter) if resend else None
            if ts is None:
                ts = self._messenger.send_digest(letter)
                tally.count(Outcome.SENT)
        except DeliveryFailedError as error:
            logger.warning("digest not delivered: %s", error.reason)
            status, ts = "failed", None
            tally.count(Outcome.FAILED)
        with self._store.unit_of_work() as uow:
            uow.digest.mark(letter.team_id, letter.data.week_start, status, ts)
