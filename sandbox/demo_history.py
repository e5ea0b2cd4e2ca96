"""The weeks before the played one, so digests have trends and leaderboards have history.

A digest's trend shows 12 weeks, the played week last: the history is the 11 weeks before it.

Each week runs as it would in production: the pulse job sends the DMs at Tuesday 20:00 UTC,
people answer the questions their DM shows (through the same service the buttons call, not
over HTTP, to keep the demo fast), some thank each other, and the reminders job runs on
Thursday (it also closes and counts the weeks before). Nothing is written around the app.

People answer differently, deterministically (a seeded random): some are always upbeat, some
always critical, some skip weeks, and Logistics dips for a month and recovers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sandbox.demo_steps import DEMO_START, HISTORY_WEEKS, DemoStage, Step, first_name
from sandbox.demo_workspace import PEOPLE, TEAMS
from sandbox.render import blocks_to_text

SEED = 17
ENPS_KEY = "enps"
SERVICE_PREFIX = "svc_"

#: Where each person usually stands (1 to 5), when not said otherwise: 3.8.
LEVELS = {
    "U02ANA": 4.2,
    "U03LUIS": 4.8,
    "U05DIEGO": 3.1,
    "U07SOFIA": 4.0,
    "U09JAVIER": 2.4,
    "U10NOAH": 3.9,
    "U12LIAM": 4.3,
    "U15MARTA": 3.4,
    "U17PABLO": 4.7,
    "U19TOMAS": 3.6,
    "U20HANNAH": 4.6,
    "U21RAUL": 3.2,
    "U24CHLOE": 2.9,
}
#: How likely each person lets a week pass (others: 5 %).
SKIPPERS = {"U06OLIVIA": 0.35, "U13VALEN": 0.3, "U21RAUL": 0.25, "U25MATEO": 0.5}
#: Logistics' month of last-minute rushes: how far its scores drop, by week of the history.
LOGISTICS_DIP = {4: -0.6, 5: -1.3, 6: -1.6, 7: -1.1, 8: -0.5}
#: How each team's people rate the teams serving them, on average.
SERVICE_LEVELS = {"Logistics": 3.3, "IT": 4.3}

#: (giver, receiver, value, words): the kudos of the history, a few each week, in turn.
KUDOS = (
    ("U04EMMA", "U09JAVIER", "timely", "thanks for the express delivery to the fair"),
    ("U17PABLO", "U02ANA", "helpful", "gracias por la demo al cliente nuevo"),
    ("U02ANA", "U18GRACE", "knowledgeable", "gracias por explicarme la VPN con paciencia"),
    ("U12LIAM", "U19TOMAS", "reliable", "the warehouse scanners never went down"),
    ("U03LUIS", "U11LUCIA", "personal_touch", "gracias por llamar al cliente tú misma"),
    ("U23DANIEL", "U15MARTA", "honest", "gracias por avisar del retraso a tiempo"),
    ("U06OLIVIA", "U20HANNAH", "convenient", "the new expense form is so much quicker"),
    ("U09JAVIER", "U17PABLO", "empowered", "gracias por arreglar la impresora sin esperar"),
    ("U24CHLOE", "U05DIEGO", "helpful", "thanks for the clear contract summary"),
    ("U10NOAH", "U18GRACE", "timely", "laptop ready on my first day, thank you"),
    ("U07SOFIA", "U13VALEN", "reliable", "gracias por cubrir el turno del sábado"),
    ("U20HANNAH", "U04EMMA", "personal_touch", "thanks for the welcome lunch"),
)
KUDOS_PER_WEEK = 3
#: Who shows the monthly questions in the transcript, answering with the real buttons.
SHOWCASE = "U02ANA"
SHOWCASE_MONTH = 11


@dataclass(frozen=True)
class HistoryWeek:
    """One week of the history: its number (0 is the oldest) and its Monday."""

    index: int
    monday: date

    @property
    def first_of_month(self) -> bool:
        """The week whose Monday is the month's first: the pulse adds the monthly questions."""
        return self.monday.day <= 7


def history_weeks(played_monday: date) -> list[HistoryWeek]:
    return [
        HistoryWeek(i, played_monday - timedelta(weeks=HISTORY_WEEKS - i))
        for i in range(HISTORY_WEEKS)
    ]


def _team_of(user_id: str) -> str:
    return next(team.name for team in TEAMS if user_id in team.member_ids)


def score_for(rng: random.Random, user_id: str, week: HistoryWeek, key: str) -> int:
    """A person's answer to one question: their level, their team's moment, some noise."""
    level = LEVELS.get(user_id, 3.8)
    if _team_of(user_id) == "Logistics":
        level += LOGISTICS_DIP.get(week.index, 0.0)
    if key.startswith(SERVICE_PREFIX):
        level = SERVICE_LEVELS.get(key[len(SERVICE_PREFIX) :], 3.9)
    noisy = level + rng.gauss(0, 0.55)
    if key == ENPS_KEY:
        return max(0, min(10, round(noisy * 2.2 - 1)))
    return max(1, min(5, round(noisy)))


def _keys_of(message: dict[str, Any]) -> list[str]:
    """The questions a pulse DM shows (block ids `a_<key>`)."""
    blocks = message.get("blocks") or []
    return [str(b["block_id"])[2:] for b in blocks if str(b.get("block_id", "")).startswith("a_")]


def open_keys(stage: DemoStage, user_id: str) -> list[str]:
    """The questions of the person's newest pulse DM."""
    fake = stage.kit.fake
    assert fake is not None
    for message in reversed(fake.dm_messages(user_id)):
        if keys := _keys_of(message):
            return keys
    return []


def _answer_week(stage: DemoStage, rng: random.Random, week: HistoryWeek) -> tuple[int, int]:
    """Everyone with a pulse DM answers it or lets it pass; returns (answered, let pass)."""
    answered = passed = 0
    for team in TEAMS:
        for user_id in team.member_ids:
            if user_id == "U04EMMA" and team.name == "IT":
                continue  # in two teams, one DM
            if rng.random() < SKIPPERS.get(user_id, 0.05):
                passed += 1
                continue
            for key in open_keys(stage, user_id):
                shown = _shown_key(stage, key)
                stage.answer_quietly(
                    user_id, week.monday, key, score_for(rng, user_id, week, shown)
                )
            answered += 1
    return answered, passed


def _shown_key(stage: DemoStage, key: str) -> str:
    """A service question's key with the rated team's name (`svc_3_2` -> `svc_IT`)."""
    if not key.startswith(SERVICE_PREFIX):
        return key
    return SERVICE_PREFIX + stage.rated_team(key)


def _give_kudos(stage: DemoStage, week: HistoryWeek) -> list[str]:
    given = []
    for n in range(KUDOS_PER_WEEK):
        giver, receiver, value, words = KUDOS[(week.index * KUDOS_PER_WEEK + n) % len(KUDOS)]
        stage.give_kudos_quietly(giver, receiver, value, words)
        given.append(f"{giver}→{receiver}")
    return given


def _tuesday_evening(week: HistoryWeek) -> datetime:
    return datetime.combine(week.monday, datetime.min.time(), UTC) + timedelta(days=1, hours=20)


def send_week(stage: DemoStage, week: HistoryWeek) -> str:
    """Tuesday evening: the pulse job, then a few kudos."""
    stage.move_to(_tuesday_evening(week))
    sent = stage.run_job("pulse")
    given = _give_kudos(stage, week)
    monthly = " (with the monthly eNPS and service questions)" if week.first_of_month else ""
    return f"{sent}{monthly}; {len(given)} kudos given"


def finish_week(stage: DemoStage, rng: random.Random, week: HistoryWeek) -> str:
    """Everyone else answers or lets the week pass; Thursday evening the reminders job runs."""
    answered, passed = _answer_week(stage, rng, week)
    stage.move_to(_tuesday_evening(week) + timedelta(days=2))
    reminded = stage.run_job("reminders")
    return f"{answered} answered, {passed} let it pass; {reminded}"


def show_pulse_dm(user_id: str) -> Callable[[DemoStage], object]:
    """The person's newest pulse DM, as they see it."""

    def act(stage: DemoStage) -> object:
        fake = stage.kit.fake
        assert fake is not None
        names = {p.user_id: first_name(p.user_id) for p in PEOPLE}
        message = next(m for m in reversed(fake.dm_messages(user_id)) if _keys_of(m))
        shown = blocks_to_text(message.get("blocks"), names).splitlines()
        return "\n    ".join([f"[chat.postMessage · DM to {first_name(user_id)}]", *shown])

    return act


def _week_steps(rng: random.Random, week: HistoryWeek) -> list[Step]:
    title = f"History, week of {week.monday:%B} {week.monday.day}"
    if week.monday.month != SHOWCASE_MONTH or not week.first_of_month:
        return [
            Step(
                f"{title}: the pulse, some kudos, answers, the reminders",
                lambda stage: f"{send_week(stage, week)}; {finish_week(stage, rng, week)}",
                show_last=0,
            )
        ]
    return [  # the month's first week: Ana's DM carries the monthly questions; she answers it
        Step(
            f"{title}, the month's first: the pulse adds the eNPS and the internal service rating",
            lambda stage: send_week(stage, week),
            show_last=0,
        ),
        Step("What Ana's DM shows this week", show_pulse_dm(SHOWCASE), show_last=0),
        Step(
            "Ana rates how Logistics and IT served Sales this month, with the buttons",
            lambda stage: stage.answer_pulse(SHOWCASE, 4, enps=9),
            show_last=0,
        ),
        Step(
            "The others answer (or not); the reminders job runs on Thursday",
            lambda stage: finish_week(stage, rng, week),
            show_last=0,
        ),
    ]


def _back_to_the_played_week(stage: DemoStage) -> str:
    stage.move_to(DEMO_START)
    return f"(the clock now reads {DEMO_START:%A %d %B %H:%M} UTC)"


def history_steps() -> list[Step]:
    """The twelve weeks before the played one, oldest first; one seeded random for all."""
    rng = random.Random(SEED)
    played = DEMO_START.date() - timedelta(days=DEMO_START.weekday())
    steps = [
        Step(
            f"The {HISTORY_WEEKS} weeks before, so the digests' 12-week trends are full: each "
            "week's pulse job, kudos, answers and reminders, through the app's services",
            lambda stage: f"(the clock reads {stage.clock_now():%A %d %B %Y %H:%M} UTC)",
            show_last=0,
        )
    ]
    for week in history_weeks(played):
        steps += _week_steps(rng, week)
    steps.append(
        Step(
            "Back to the played week: Monday morning",
            _back_to_the_played_week,
            show_last=0,
        )
    )
    return steps
