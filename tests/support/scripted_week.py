"""A scripted pulse week at a 44-person company, for the storage-history attacks.

Like the privacy review's main scenario: the demo's teams plus Support, Ops and Finance (one
manager for the three), three people in two teams, the first week of a month (so eNPS and
the service ratings are asked), the pulse job sending everyone their DM, answers at realistic
delays (most within hours, the rest over the week), a few comments, questions left open, one
person skipping the week and one stopping the surveys, the reminders job every morning, and
the close. `after_each` runs after every step, as a backup taken at that moment would.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

from engagement.teams import TeamSpec
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp
from tests.support.history_attack import Group, Truth, month_of

WEEK = date(2026, 12, 7)  # its Monday is the first of the month: eNPS and service ratings
SENT_AT = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # Tuesday: past 10:00 in every time zone
CLOSED_AT = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
EXTRA = [f"U3{n:02d}EXTRA" for n in range(19)]
TEAMS = [
    TeamSpec("Sales", "U01CARMEN", ["U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA"], served_by=["Logistics", "IT"]),
    TeamSpec("Logistics", "U08JAMES", ["U09JAVIER", "U10NOAH", "U11LUCIA", "U12LIAM", "U13VALEN", "U14ETHAN", "U15MARTA"], served_by=["IT"]),
    TeamSpec("IT", "U16PRIYA", ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"]),
    TeamSpec("Legal", "U22ISABEL", ["U23DANIEL", "U24CHLOE", "U25MATEO"]),
    TeamSpec("Support", EXTRA[0], EXTRA[1:7], served_by=["IT"]),
    TeamSpec("Ops", EXTRA[0], [*EXTRA[7:12], "U12LIAM"], served_by=["Logistics"]),
    TeamSpec("Finance", EXTRA[0], [*EXTRA[12:19], "U24CHLOE"]),
]  # fmt: skip
SKIPPER, STOPPER = "U13VALEN", EXTRA[1]


@dataclass
class PlayedWeek:
    truths: list[Truth] = field(default_factory=list)
    took_part: dict[Group, set[str]] = field(default_factory=lambda: defaultdict(set))
    teams_of: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    steps: int = 0


@dataclass(frozen=True)
class Click:
    at: datetime
    user_id: str
    key: str
    score: int | None
    comment: str | None


def build_company(app: RunningApp) -> dict[str, set[int]]:
    """The 44 people and seven teams; returns everyone's teams."""
    for n, user_id in enumerate(EXTRA):
        app.fake.add_user(
            user_id, f"extra{n}", real_name=f"Extra Person {n}", locale="en-US", tz="Europe/London"
        )
    teams_of: dict[str, set[int]] = defaultdict(set)
    for spec in [replace(s, served_by=()) for s in TEAMS] + TEAMS:  # suppliers once all exist
        team = app.runtime.services.teams.set_team(spec).team
        assert team.id is not None
        for user_id in spec.member_ids:
            teams_of[user_id].add(team.id)
    return teams_of


def _clicks(app: RunningApp, rng: random.Random, asked: dict[str, list[str]]) -> list[Click]:
    pulse = app.runtime.services.pulse
    clicks: list[Click] = []
    for user_id, keys in sorted(asked.items()):
        if user_id in (SKIPPER, STOPPER) or rng.random() < 0.07:
            continue
        delay = rng.expovariate(1 / 4) if rng.random() < 0.7 else rng.uniform(12, 110)
        at = SENT_AT + timedelta(hours=delay)
        for n, key in enumerate(keys):
            question = pulse.question(key)
            if question is None or rng.random() < 0.05:
                continue
            comment = f"note {len(clicks)}" if rng.random() < 0.08 else None
            score = rng.choice(list(question.scores))
            clicks.append(Click(at + timedelta(seconds=20 * n), user_id, key, score, comment))
    return sorted(clicks, key=lambda c: c.at)


def _record(played: PlayedWeek, click: Click) -> None:
    teams = played.teams_of[click.user_id]
    if click.key.startswith("svc_"):
        rating = int(click.key.split("_")[1])
        group = (month_of(WEEK), rating, click.key)
        played.took_part[group].add(click.user_id)
        if click.score is not None:
            played.truths.append(
                Truth(click.user_id, group, frozenset({(click.score, click.comment)}))
            )
        return
    for team in teams:
        group = (WEEK, team, click.key)
        played.took_part[group].add(click.user_id)
        contents = {(click.score, click.comment)}
        if click.comment and len(teams) > 1:
            contents.add((click.score, None))  # the comment went with one of the teams
        played.truths.append(Truth(click.user_id, group, frozenset(contents)))


def play_week(app: RunningApp, after_each: Callable[[], object], seed: int = 7) -> PlayedWeek:
    played = PlayedWeek(teams_of=build_company(app))
    rng = random.Random(seed)
    services = app.runtime.services

    def step(at: datetime, action: Callable[[], object]) -> None:
        app.clock.set(at)
        action()
        app.settle()
        played.steps += 1
        after_each()

    step(SENT_AT, lambda: JOBS["pulse"].run(services, SENT_AT))
    with app.database.unit_of_work() as uow:
        asked = {u: uow.pulse.pending_keys(u, WEEK) for u in played.teams_of}
    step(SENT_AT + timedelta(minutes=30), lambda: services.pulse.opt_out(STOPPER))
    skip = Click(SENT_AT + timedelta(hours=2), SKIPPER, "", None, None)
    step(skip.at, lambda: services.pulse.skip_week(SKIPPER, WEEK))
    for key in asked.get(SKIPPER, []):
        _record(played, Click(skip.at, SKIPPER, key, None, None))
    mornings = [SENT_AT.replace(hour=8) + timedelta(days=d) for d in range(1, 6)]
    events: list[tuple[datetime, Click | None]] = [(m, None) for m in mornings]
    events += [(click.at, click) for click in _clicks(app, rng, asked)]
    for at, answered in sorted(events, key=lambda e: e[0]):
        if answered is None:  # the reminders job, every morning: it counts ready ballots too
            step(at, lambda: JOBS["reminders"].run(services, app.clock()))
        else:
            step(at, partial(_answer, app, answered))
            _record(played, answered)
    step(CLOSED_AT, lambda: JOBS["reminders"].run(services, CLOSED_AT))
    return played


def _answer(app: RunningApp, click: Click) -> object:
    pulse = app.runtime.services.pulse
    if click.comment:
        return pulse.comment(click.user_id, WEEK, click.key, click.score or 0, click.comment)
    return pulse.answer(click.user_id, WEEK, click.key, click.score or 0)
