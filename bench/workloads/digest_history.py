"""A large workspace's history for the digest bench: teams of varied size, and weeks of pulse
answers, kudos, service ratings and feedback, loaded by `generate` (meant for a child process).

Why synthetic and seeded: the digest's cost depends on the data's shape (teams under the
anonymity threshold, people in two teams, kudos across teams), modelled here on a real company;
the seed makes two runs load the very same rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import Any

from bench.support import max_rss_mb
from bench.workloads.bulk_load import Loader, Rows, loader_engine, prepare_database, vacuum_analyze
from engagement.periods import month_of, week_number
from engagement.pulse_bank import DEFAULT_BANK, ENPS_QUESTION_KEY, is_enps_week, week_questions
from storage.models import (
    FeedbackThread,
    Kudos,
    KudosReceiver,
    KudosTeamLink,
    Person,
    PulseAnswer,
    PulseDelivery,
    PulseWeek,
    ServiceRating,
    Team,
    TeamMember,
    TeamSupplier,
)

# The digest's week: a Monday. Its data ends the Sunday after; the history goes back from it.
LAST_WEEK = date(2026, 11, 16)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the Monday the digest of LAST_WEEK is due
SECOND_TEAM_SHARE = 0.05  # people in a second team
KUDOS_PER_PERSON_WEEK = 2.0
KUDOS_SAME_TEAM_SHARE = 0.5  # the rest go to anyone, which feeds the team-to-team map
KUDOS_WITHOUT_VALUE_SHARE = 0.2
KUDOS_WITHDRAWN_SHARE = 0.005
SECOND_RECEIVER_SHARE = 0.1
COMMENT_SHARE = 0.03
SKIP_SHARE = 0.02  # answers whose score is None (the person skipped that question)
SUPPLIERS_PER_TEAM = 2
SERVICE_RATER_SHARE = 0.5  # of a team's members, per supplier and month
FEEDBACK_PER_TEAM_YEAR = 2


@dataclass(frozen=True)
class Shape:
    """The size of the workspace to generate, and the seed that makes it repeatable."""

    people: int
    teams: int
    weeks: int
    answer_rate: float
    seed: int


@dataclass
class Workspace:
    """Who is in which team: what every generated row is derived from."""

    user_ids: list[str]
    teams_of: list[tuple[int, ...]]  # per person index, team ids
    members: dict[int, list[int]]  # team id -> person indexes
    managers: dict[int, str]  # team id -> user id
    value_keys: list[str]

    @classmethod
    def build(cls, shape: Shape, value_keys: list[str], rng: Random) -> Workspace:
        """Team sizes vary (1 + about Poisson(people/teams - 1)), so some teams fall under
        the anonymity threshold as in a real company; the first `teams` people found one team
        each, so none is empty, and each team's founder is its manager."""
        if shape.people < shape.teams:
            raise SystemExit("--people must be at least --teams")
        user_ids = [f"UD{index:06d}" for index in range(shape.people)]
        teams_of: list[tuple[int, ...]] = []
        members: dict[int, list[int]] = {team: [] for team in range(1, shape.teams + 1)}
        for person in range(shape.people):
            first = person + 1 if person < shape.teams else rng.randrange(shape.teams) + 1
            teams: tuple[int, ...] = (first,)
            if shape.teams > 1 and rng.random() < SECOND_TEAM_SHARE:
                second = rng.randrange(shape.teams - 1) + 1
                teams = (first, second if second < first else second + 1)
            teams_of.append(teams)
            for team in teams:
                members[team].append(person)
        managers = {team: user_ids[team - 1] for team in members}
        return cls(user_ids, teams_of, members, managers, value_keys)


def week_starts(weeks: int) -> list[date]:
    """The Mondays of the history, oldest first, ending with LAST_WEEK."""
    return [LAST_WEEK - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def week_keys(week: date) -> list[str]:
    """The questions everyone was asked that week, as the pulse picks them from the default
    bank (3 rotating drivers, plus eNPS in the first week of a month)."""
    chosen = week_questions(week_number(week), DEFAULT_BANK, include_enps=is_enps_week(week))
    return [question.key for question in chosen]


def hex_id(rng: Random) -> str:
    """A random 32-hex-digit id, like the `uuid4().hex` the services use, but seeded."""
    return f"{rng.getrandbits(128):032x}"


def at_midnight(day: date) -> datetime:
    """00:00 UTC of `day`, the base of the week's timestamps."""
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=UTC)


def directory_rows(shape: Shape, ws: Workspace, rng: Random) -> Rows:
    """People, teams, memberships, and a couple of supplier teams per team."""
    synced = NOW - timedelta(days=1)
    created = at_midnight(LAST_WEEK - timedelta(weeks=shape.weeks + 4))
    people = [
        {
            "user_id": uid,
            "name": f"person{index}",
            "display_name": f"Person {index}",
            "real_name": f"Person Number {index}",
            "locale": "es-ES" if index % 3 == 0 else "en-US",
            "tz": "Europe/Madrid" if index % 2 == 0 else "America/New_York",
            "is_bot": False,
            "deleted": False,
            "synced_at": synced,
        }
        for index, uid in enumerate(ws.user_ids)
    ]
    teams = [
        {
            "id": team,
            "name": f"Bench team {team:05d}",
            "manager_id": ws.managers[team],
            "created_at": created,
            "updated_at": created,
        }
        for team in ws.members
    ]
    memberships = [
        {"team_id": team, "user_id": ws.user_ids[person]}
        for team, people_in in ws.members.items()
        for person in people_in
    ]
    suppliers = []
    if shape.teams > SUPPLIERS_PER_TEAM:
        for team in ws.members:
            others = rng.sample(range(1, shape.teams + 1), SUPPLIERS_PER_TEAM + 1)
            chosen = [other for other in others if other != team][:SUPPLIERS_PER_TEAM]
            suppliers += [{"team_id": team, "supplier_team_id": other} for other in chosen]
    return {Person: people, Team: teams, TeamMember: memberships, TeamSupplier: suppliers}


def delivery_rows(ws: Workspace, week: date) -> list[dict[str, Any]]:
    """A `sent` delivery per person, Tuesday 09:00: participation's denominator."""
    sent_at = at_midnight(week + timedelta(days=1)) + timedelta(hours=9)
    return [
        {
            "user_id": uid,
            "week_start": week,
            "status": "sent",
            "channel_id": f"D{uid}",
            "message_ts": f"{sent_at.timestamp():.0f}.{index:06d}",
            "claimed_at": sent_at,
            "reminded": False,
        }
        for index, uid in enumerate(ws.user_ids)
    ]


def answer_rows(
    shape: Shape, ws: Workspace, week: date, keys: list[str], rng: Random
) -> list[dict[str, Any]]:
    """The answers of those who answered, one row per team they are in, in random order."""
    answers = []
    for person in range(shape.people):
        if rng.random() >= shape.answer_rate:
            continue
        teams = ws.teams_of[person]
        for key in keys:
            score: int | None
            if rng.random() < SKIP_SHARE:
                score = None
            elif key == ENPS_QUESTION_KEY:
                score = rng.randint(0, 10)
            else:
                score = rng.randint(1, 5)
            comment = f"comment on {key}" if rng.random() < COMMENT_SHARE else None
            answers += [
                {
                    "id": hex_id(rng),
                    "week_start": week,
                    "question_key": key,
                    "team_id": team,
                    "score": score,
                    "comment": comment,
                }
                for team in teams
            ]
    rng.shuffle(answers)  # _insert_mixed shuffles storage order in the real service too
    return answers


def pick_receivers(shape: Shape, ws: Workspace, giver: int, rng: Random) -> list[int]:
    """Half the time a teammate of the giver, else anyone; sometimes a second receiver."""
    mates = ws.members[ws.teams_of[giver][0]]
    if len(mates) > 1 and rng.random() < KUDOS_SAME_TEAM_SHARE:
        chosen = [rng.choice(mates)]
    else:
        chosen = [rng.randrange(shape.people)]
    if rng.random() < SECOND_RECEIVER_SHARE:
        chosen.append(rng.randrange(shape.people))
    return sorted({r for r in chosen if r != giver}) or [(giver + 1) % shape.people]


def team_links(ws: Workspace, kudos_id: int, giver: int, receiving: list[int]) -> list[Any]:
    """A link per team of the giver and per team of each receiver: the digest's kudos map."""
    links = [
        {"kudos_id": kudos_id, "team_id": team, "role": "giver", "user_id": ws.user_ids[giver]}
        for team in ws.teams_of[giver]
    ]
    return links + [
        {"kudos_id": kudos_id, "team_id": team, "role": "receiver", "user_id": ws.user_ids[r]}
        for r in receiving
        for team in ws.teams_of[r]
    ]


def kudos_rows(shape: Shape, ws: Workspace, week: date, next_id: int, rng: Random) -> Rows:
    """About KUDOS_PER_PERSON_WEEK kudos per person at random moments of the week, with their
    receivers and team links; ids from `next_id` on."""
    moments = sorted(
        at_midnight(week) + timedelta(seconds=rng.randrange(7 * 86_400))
        for _ in range(round(KUDOS_PER_PERSON_WEEK * shape.people))
    )
    rows: Rows = {Kudos: [], KudosReceiver: [], KudosTeamLink: []}
    for kudos_id, moment in enumerate(moments, start=next_id):
        giver = rng.randrange(shape.people)
        receiving = pick_receivers(shape, ws, giver, rng)
        withdrawn = moment + timedelta(hours=1) if rng.random() < KUDOS_WITHDRAWN_SHARE else None
        without_value = rng.random() < KUDOS_WITHOUT_VALUE_SHARE
        rows[Kudos].append(
            {
                "id": kudos_id,
                "giver_id": ws.user_ids[giver],
                "value_key": None if without_value else rng.choice(ws.value_keys),
                "message": "Thanks for the help with the release, it made a difference!",
                "source_kind": "command",
                "source_key": f"bench:{kudos_id}",
                "limit_units": len(receiving),
                "celebrate": True,
                "created_at": moment,
                "withdrawn_at": withdrawn,
            }
        )
        rows[KudosReceiver] += [
            {"kudos_id": kudos_id, "receiver_id": ws.user_ids[r]} for r in receiving
        ]
        rows[KudosTeamLink] += team_links(ws, kudos_id, giver, receiving)
    return rows


def week_rows(shape: Shape, ws: Workspace, week: date, next_kudos_id: int, rng: Random) -> Rows:
    """One week of history: the plan, a delivery per person, the answers of those who
    answered (one row per team they are in), and the week's kudos with receivers and links."""
    keys = week_keys(week)
    deliveries = delivery_rows(ws, week)
    answers = answer_rows(shape, ws, week, keys, rng)
    return {
        PulseWeek: [{"week_start": week, "question_keys": keys}],
        PulseDelivery: deliveries,
        PulseAnswer: answers,
        **kudos_rows(shape, ws, week, next_kudos_id, rng),
    }


def service_rows(
    ws: Workspace, suppliers: list[dict[str, int]], month: date, rng: Random
) -> list[dict[str, Any]]:
    """A month of internal-service ratings: about half of each team's members rate each of
    its suppliers once."""
    rows = []
    for link in suppliers:
        for _member in ws.members[link["team_id"]]:
            if rng.random() >= SERVICE_RATER_SHARE:
                continue
            rows.append(
                {
                    "id": hex_id(rng),
                    "month": month,
                    "rating_team_id": link["team_id"],
                    "rated_team_id": link["supplier_team_id"],
                    "score": rng.randint(1, 5),
                    "comment": "slow to answer" if rng.random() < COMMENT_SHARE else None,
                }
            )
    rng.shuffle(rows)
    return rows


def feedback_rows(shape: Shape, ws: Workspace, rng: Random) -> list[dict[str, Any]]:
    """A few anonymous threads per team over the period, in every status."""
    first = LAST_WEEK - timedelta(weeks=shape.weeks - 1)
    span_days = shape.weeks * 7
    rows = []
    for team in ws.members:
        for _ in range(rng.randint(0, 2 * FEEDBACK_PER_TEAM_YEAR * shape.weeks // 52 or 1)):
            created = first + timedelta(days=rng.randrange(span_days))
            status = rng.choice(("open", "open", "acknowledged", "resolved"))
            rows.append(
                {
                    "id": hex_id(rng),
                    "team_id": team,
                    "manager_id": ws.managers[team],
                    "kind": rng.choice(("idea", "concern", "praise", "question", "service")),
                    "anonymous": True,
                    "writer_token": "sealed-token-placeholder",
                    "status": status,
                    "flagged": False,
                    "source_key": f"bench-feedback:{hex_id(rng)}",
                    "created_on": created,
                    "delivered": rng.random() < 0.95,
                    "resolved_on": created + timedelta(days=3) if status == "resolved" else None,
                }
            )
    return rows


@dataclass
class Generated:
    """What the generating child reports back: rows per table, its timings and peak memory."""

    counts: dict[str, int]
    migrate_seconds: float
    load_seconds: float
    finish_seconds: float
    max_rss_mb: float


def load_history(loader: Loader, shape: Shape, value_keys: list[str]) -> None:
    """Every row of the history, from one seeded random generator, in an order that keeps
    the same seed giving the same rows."""
    rng = Random(shape.seed)
    ws = Workspace.build(shape, value_keys, rng)
    weeks = week_starts(shape.weeks)
    directory = directory_rows(shape, ws, rng)
    loader.write(directory)
    next_kudos_id = 1
    for week in weeks:
        rows = week_rows(shape, ws, week, next_kudos_id, rng)
        next_kudos_id += len(rows[Kudos])
        loader.write(rows)
    for month in sorted({month_of(week) for week in weeks}):
        loader.write({ServiceRating: service_rows(ws, directory[TeamSupplier], month, rng)})
    loader.write({FeedbackThread: feedback_rows(shape, ws, rng)})


def generate(url: str, shape: Shape) -> Generated:
    """Migrates the database, seeds the question bank, and loads the whole history in one
    transaction. Run in a child process, so the measuring process's peak memory is its own."""
    started = time.perf_counter()
    value_keys = prepare_database(url)
    migrated = time.perf_counter()
    loading = loader_engine(url)
    with loading.begin() as connection:
        loader = Loader(connection)
        load_history(loader, shape, value_keys)
        loader.move_sequences_past_ids()
    loaded = time.perf_counter()
    vacuum_analyze(loading)
    loading.dispose()
    finished = time.perf_counter()
    return Generated(
        counts=dict(loader.counts),
        migrate_seconds=migrated - started,
        load_seconds=loaded - migrated,
        finish_seconds=finished - loaded,
        max_rss_mb=max_rss_mb(),
    )
