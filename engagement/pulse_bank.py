"""The pulse's question bank, and which of its questions each week asks.

A few questions a week only give managers a whole picture if they rotate well: everyone is
asked the same ones in a given week (so teams compare), consecutive weeks ask about different
drivers, every driver and every question (custom ones too) comes back within a few weeks, and
eNPS is asked once a month. Pure Python, decided from nothing but the week, so every process
agrees.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from importlib import resources

KEY_MAX_CHARS = 40
"""Keys are stored in 40-character columns and travel in Slack action ids."""
KEY_PATTERN = re.compile(r"[a-z0-9_]+")
"""Keys are stable ids that appear in Slack action ids and JSON: plain ASCII keeps them safe."""
TEXT_MAX_CHARS = 150
"""A question is also shown in a header-like line, and Slack headers stop at 150 characters."""
LABEL_MAX_CHARS = 30
"""End labels sit under a row of score buttons; longer labels wrap and push the buttons apart."""

ENPS_QUESTION_KEY = "enps"


class Scale(StrEnum):
    """How a question is answered; the value is what storage keeps."""

    LIKERT = "likert5"  # 1..5 with labelled ends
    ENPS = "enps"  # 0..10, the standard employee Net Promoter Score range


class Driver(StrEnum):
    """What a question measures: the digest groups answers by driver.

    The order here is the order drivers take turns in the weekly rotation.
    """

    RECOGNITION = "recognition"
    COMMUNICATION = "communication"
    INTERNAL_SERVICE = "internal_service"
    WORKLOAD = "workload"
    GROWTH = "growth"
    WELLBEING = "wellbeing"
    MANAGER = "manager"
    ALIGNMENT = "alignment"
    ENPS = "enps"


@dataclass(frozen=True)
class BankQuestion:
    """One question of the bank, in both languages, with the labels of its scale's two ends.

    The labels belong to the question rather than to the scale because they must match its
    wording: an agree/disagree statement and a "how well...?" question need different ends.
    Limits (KEY_MAX_CHARS, TEXT_MAX_CHARS, LABEL_MAX_CHARS) are checked where admins type a
    custom question, so they get a readable message; this class only carries the data.
    """

    key: str
    driver: Driver
    scale: Scale
    text_en: str
    text_es: str
    low_en: str
    high_en: str
    low_es: str
    high_es: str

    def text(self, lang: str) -> str:
        """The question in `lang` ("es" or anything else for English, as elsewhere in Aplauso)."""
        return self.text_es if lang == "es" else self.text_en

    def low(self, lang: str) -> str:
        """The label of the scale's lowest score in `lang`."""
        return self.low_es if lang == "es" else self.low_en

    def high(self, lang: str) -> str:
        """The label of the scale's highest score in `lang`."""
        return self.high_es if lang == "es" else self.high_en

    @property
    def scores(self) -> range:
        """The buttons a person can press: 0-10 for eNPS, 1-5 otherwise."""
        return range(0, 11) if self.scale == Scale.ENPS else range(1, 6)


def _load_bank(raw: str) -> tuple[BankQuestion, ...]:
    """The default questions of `pulse_bank.toml`, in its order (the rotation's), each with
    the end labels it names."""
    data = tomllib.loads(raw)
    bank = []
    for entry in data["question"]:
        labels = data["labels"][entry["labels"]]
        ends = zip(("low_en", "high_en", "low_es", "high_es"), labels, strict=True)
        bank.append(
            BankQuestion(
                key=entry["key"],
                driver=Driver(entry["driver"]),
                scale=Scale(entry.get("scale", Scale.LIKERT)),
                text_en=entry["en"],
                text_es=entry["es"],
                **dict(ends),
            )
        )
    return tuple(bank)


DEFAULT_BANK = _load_bank(
    resources.files(__package__).joinpath("pulse_bank.toml").read_text(encoding="utf-8")
)
"""The questions a new workspace starts with; the texts live in `pulse_bank.toml`."""


def week_questions(
    week_number: int,
    bank: Sequence[BankQuestion],
    *,
    per_week: int = 3,
    include_enps: bool,
) -> tuple[BankQuestion, ...]:
    """The questions of week `week_number`: `per_week` rotating ones, then eNPS if asked for.

    Drivers (ENPS aside) take turns in `Driver` order, and in round r a driver asks its r-th
    question, so neighbouring weeks differ, every driver returns within
    ceil(drivers / per_week) weeks and a custom question gets its turn like any default one;
    the bank's order does not matter, because a database may return rows in any order and
    everyone must still get the same questions.
    """
    if per_week < 0:
        raise ValueError(f"per_week must not be negative, got {per_week}")
    pools = _rotation_pools(bank)
    drivers = [driver for driver in Driver if driver in pools]
    wanted = min(per_week, sum(len(pool) for pool in pools.values()))
    chosen: list[BankQuestion] = []
    seen: set[str] = set()
    turn = week_number * wanted
    # A repeat can only come up when a week has more places than there are drivers; skipping
    # it always ends, because any len(drivers) * (largest pool) consecutive turns hold every
    # question, and `wanted` never exceeds the number of questions.
    while len(chosen) < wanted:
        pool = pools[drivers[turn % len(drivers)]]
        question = pool[(turn // len(drivers)) % len(pool)]
        if question.key not in seen:
            seen.add(question.key)
            chosen.append(question)
        turn += 1
    if include_enps:
        enps = _enps_question(bank)
        if enps is not None:
            chosen.append(enps)
    return tuple(chosen)


def is_enps_week(week_start: date) -> bool:
    """Whether this week's pulse carries the eNPS question: once a month, in the week whose
    Monday is the first Monday of its month.

    Monthly is often enough to see a trend and rare enough not to tire people of the one
    question they would otherwise see every week. Any day of the week may be passed: the
    answer is that of its Monday-to-Sunday week, so callers need not normalise the date.
    """
    monday = week_start - timedelta(days=week_start.weekday())
    return monday.day <= 7


_DEFAULT_ORDER = {question.key: position for position, question in enumerate(DEFAULT_BANK)}


def _rotation_order(key: str) -> tuple[int, str]:
    """Default questions in DEFAULT_BANK's order, which is curated (a driver's central question
    first, internal service alternating between its two directions); custom ones after them by
    key. It depends on keys only, so the order the caller passes the bank in does not matter."""
    return _DEFAULT_ORDER.get(key, len(_DEFAULT_ORDER)), key


def _rotation_pools(bank: Sequence[BankQuestion]) -> dict[Driver, tuple[BankQuestion, ...]]:
    """Each driver's rotating questions, in rotation order.

    A key given twice counts once (the first), so a duplicated row cannot get twice the turns.
    """
    unique: dict[str, BankQuestion] = {}
    for question in bank:
        if question.driver is not Driver.ENPS:
            unique.setdefault(question.key, question)
    pools: dict[Driver, list[BankQuestion]] = {}
    for key in sorted(unique, key=_rotation_order):
        pools.setdefault(unique[key].driver, []).append(unique[key])
    return {driver: tuple(questions) for driver, questions in pools.items()}


def _enps_question(bank: Sequence[BankQuestion]) -> BankQuestion | None:
    """The standard eNPS question if active, else another ENPS-driver one (by key), else none:
    an admin may have replaced its wording under a new key, or retired eNPS altogether."""
    candidates = sorted(
        (question for question in bank if question.driver is Driver.ENPS),
        key=lambda question: question.key,
    )
    for question in candidates:
        if question.key == ENPS_QUESTION_KEY:
            return question
    return candidates[0] if candidates else None
