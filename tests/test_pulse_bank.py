"""The pulse question bank and its weekly rotation: pure functions, no Slack, no database."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

import pytest

from engagement.pulse_bank import (
    DEFAULT_BANK,
    ENPS_QUESTION_KEY,
    KEY_MAX_CHARS,
    KEY_PATTERN,
    LABEL_MAX_CHARS,
    TEXT_MAX_CHARS,
    BankQuestion,
    Driver,
    Scale,
    is_enps_week,
    week_questions,
)

ROTATING_DRIVERS = [driver for driver in Driver if driver is not Driver.ENPS]
SOME_STARTS = [0, 1, 7, 500, -13]


def custom(key: str, driver: Driver) -> BankQuestion:
    return BankQuestion(
        key=key,
        driver=driver,
        scale=Scale.LIKERT,
        text_en=f"Custom question {key}?",
        text_es=f"¿Pregunta propia {key}?",
        low_en="Not at all",
        high_en="Completely",
        low_es="Nada",
        high_es="Totalmente",
    )


def drivers_of(questions: tuple[BankQuestion, ...]) -> set[Driver]:
    return {question.driver for question in questions}


def appearances(
    bank: list[BankQuestion] | tuple[BankQuestion, ...], weeks: range
) -> dict[Driver, list[str]]:
    """For each driver, the keys it asked, in the order of the weeks."""
    asked: dict[Driver, list[str]] = {}
    for week in weeks:
        for question in week_questions(week, bank, include_enps=False):
            asked.setdefault(question.driver, []).append(question.key)
    return asked


# The bank


def test_the_default_bank_has_at_least_three_questions_for_every_driver_and_one_enps() -> None:
    per_driver = Counter(question.driver for question in DEFAULT_BANK)
    assert set(per_driver) == set(Driver)
    assert all(per_driver[driver] >= 3 for driver in ROTATING_DRIVERS)
    assert per_driver[Driver.ENPS] == 1
    assert len(DEFAULT_BANK) >= 25


def test_the_enps_question_is_the_standard_one_on_a_zero_to_ten_scale() -> None:
    (enps,) = [question for question in DEFAULT_BANK if question.driver is Driver.ENPS]
    assert enps.key == ENPS_QUESTION_KEY
    assert enps.scale is Scale.ENPS
    assert enps.text_en == "How likely are you to recommend working here to a friend?"
    assert enps.text_es == "¿Qué probabilidad hay de que recomiendes trabajar aquí a un amigo?"
    assert (enps.low_en, enps.high_en) == ("Not likely", "Extremely likely")
    others = [question for question in DEFAULT_BANK if question.driver is not Driver.ENPS]
    assert all(question.scale is Scale.LIKERT for question in others)


def test_internal_service_asks_both_how_we_were_served_and_how_we_served() -> None:
    keys = {q.key for q in DEFAULT_BANK if q.driver is Driver.INTERNAL_SERVICE}
    received = {key for key in keys if key.startswith("internal_received_")}
    given = {key for key in keys if key.startswith("internal_given_")}
    assert len(received) >= 2
    assert len(given) >= 2
    assert received | given == keys


@pytest.mark.parametrize("question", DEFAULT_BANK, ids=lambda question: question.key)
def test_every_question_has_both_languages_and_short_labels(question: BankQuestion) -> None:
    texts = [question.text_en, question.text_es]
    labels = [question.low_en, question.high_en, question.low_es, question.high_es]
    for text in texts:
        assert text == text.strip() != ""
        assert len(text) <= TEXT_MAX_CHARS
    for label in labels:
        assert label == label.strip() != ""
        assert len(label) <= LABEL_MAX_CHARS
    assert question.low_en != question.high_en
    assert question.low_es != question.high_es
    assert question.text("es") == question.text_es
    assert question.text("en") == question.text_en
    assert (question.low("es"), question.high("es")) == (question.low_es, question.high_es)
    assert (question.low("en"), question.high("en")) == (question.low_en, question.high_en)


@pytest.mark.parametrize("question", DEFAULT_BANK, ids=lambda question: question.key)
def test_spanish_questions_are_punctuated_like_the_english_ones(question: BankQuestion) -> None:
    asks = question.text_en.endswith("?")
    assert question.text_es.endswith("?") == asks
    assert ("¿" in question.text_es) == asks
    assert question.text_es[-1] in ".?"
    assert "usted" not in question.text_es.lower()


def test_question_keys_are_unique_and_well_formed() -> None:
    keys = [question.key for question in DEFAULT_BANK]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert KEY_PATTERN.fullmatch(key), key
        assert len(key) <= KEY_MAX_CHARS, key


def test_driver_and_scale_values_are_the_strings_storage_keeps() -> None:
    assert Driver.INTERNAL_SERVICE.value == "internal_service"
    assert all(driver.value == driver.name.lower() for driver in Driver)
    assert Scale.LIKERT.value == "likert5"
    assert Scale.ENPS.value == "enps"


# The rotation


@pytest.mark.parametrize("week", SOME_STARTS)
def test_everyone_gets_the_same_questions_in_the_same_week(week: int) -> None:
    bank = [*DEFAULT_BANK, custom("custom_b", Driver.MANAGER), custom("custom_a", Driver.MANAGER)]
    first = week_questions(week, bank, include_enps=False)
    shuffled = list(bank)
    random.Random(week).shuffle(shuffled)
    assert week_questions(week, bank, include_enps=False) == first
    assert week_questions(week, shuffled, include_enps=False) == first
    assert len(first) == 3
    assert len({question.key for question in first}) == 3


def test_next_week_asks_different_questions() -> None:
    assert week_questions(1, DEFAULT_BANK, include_enps=False) != week_questions(
        0, DEFAULT_BANK, include_enps=False
    )


@pytest.mark.parametrize("start", SOME_STARTS)
def test_no_driver_is_asked_two_weeks_in_a_row(start: int) -> None:
    weeks = [week_questions(w, DEFAULT_BANK, include_enps=False) for w in range(start, start + 12)]
    for this_week, next_week in pairwise(weeks):
        assert drivers_of(this_week).isdisjoint(drivers_of(next_week))
        assert len(drivers_of(this_week)) == 3


@pytest.mark.parametrize("start", SOME_STARTS)
def test_every_driver_comes_back_within_any_three_consecutive_weeks(start: int) -> None:
    weeks = [week_questions(w, DEFAULT_BANK, include_enps=False) for w in range(start, start + 12)]
    for first in range(len(weeks) - 2):
        window = weeks[first : first + 3]
        assert set().union(*(drivers_of(week) for week in window)) == set(ROTATING_DRIVERS)


@pytest.mark.parametrize("start", SOME_STARTS)
def test_a_driver_asks_a_different_question_each_time_it_comes_back(start: int) -> None:
    asked = appearances(DEFAULT_BANK, range(start, start + 12))
    for driver, keys in asked.items():
        pool_size = sum(1 for question in DEFAULT_BANK if question.driver is driver)
        for first in range(len(keys)):
            run = keys[first : first + pool_size]
            assert len(set(run)) == len(run), (driver, keys)


def test_over_time_every_question_of_a_driver_is_asked_equally_often() -> None:
    asked = appearances(DEFAULT_BANK, range(0, 8 * 12))
    counts = Counter(key for keys in asked.values() for key in keys)
    assert set(counts) == {q.key for q in DEFAULT_BANK if q.driver is not Driver.ENPS}
    for keys in asked.values():
        per_question = Counter(keys)
        assert max(per_question.values()) - min(per_question.values()) <= 1


def test_per_week_sets_how_many_questions_are_asked() -> None:
    assert len(week_questions(4, DEFAULT_BANK, per_week=2, include_enps=False)) == 2
    assert len(week_questions(4, DEFAULT_BANK, per_week=5, include_enps=False)) == 5
    assert week_questions(4, DEFAULT_BANK, per_week=0, include_enps=False) == ()
    with pytest.raises(ValueError, match="per_week"):
        week_questions(4, DEFAULT_BANK, per_week=-1, include_enps=False)


# eNPS


def test_enps_weeks_are_those_whose_monday_is_the_first_monday_of_the_month() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(52)]
    enps_mondays = [monday for monday in mondays if is_enps_week(monday)]
    assert len(enps_mondays) == 12
    assert len({monday.month for monday in enps_mondays}) == 12
    assert all(monday.day <= 7 for monday in enps_mondays)


def test_a_week_that_starts_at_the_end_of_a_month_is_not_an_enps_week() -> None:
    assert not is_enps_week(date(2026, 6, 29))  # Monday; the week runs into July
    assert is_enps_week(date(2026, 7, 6))
    assert is_enps_week(date(2026, 6, 1))
    assert not is_enps_week(date(2026, 6, 8))


def test_any_day_of_an_enps_week_gives_the_same_answer() -> None:
    assert all(is_enps_week(date(2026, 6, 1) + timedelta(days=d)) for d in range(7))
    assert not any(is_enps_week(date(2026, 6, 29) + timedelta(days=d)) for d in range(7))


def test_enps_is_added_on_top_of_the_weeks_questions() -> None:
    plain = week_questions(9, DEFAULT_BANK, include_enps=False)
    with_enps = week_questions(9, DEFAULT_BANK, include_enps=True)
    assert len(with_enps) == 4
    assert with_enps[:3] == plain
    assert with_enps[3].key == ENPS_QUESTION_KEY


def test_enps_is_never_asked_unless_included() -> None:
    for week in range(-20, 60):
        for per_week in (3, 40):
            questions = week_questions(week, DEFAULT_BANK, per_week=per_week, include_enps=False)
            assert Driver.ENPS not in drivers_of(questions)


def test_a_retired_enps_question_is_simply_not_added() -> None:
    bank = [q for q in DEFAULT_BANK if q.key != ENPS_QUESTION_KEY]
    assert len(week_questions(0, bank, include_enps=True)) == 3


def test_a_reworded_enps_question_under_another_key_is_used() -> None:
    reworded = custom("enps_reworded", Driver.ENPS)
    bank = [*(q for q in DEFAULT_BANK if q.key != ENPS_QUESTION_KEY), reworded]
    assert week_questions(0, bank, include_enps=True)[-1] == reworded


# Small, empty and custom banks


def test_an_empty_bank_asks_nothing() -> None:
    assert week_questions(3, [], include_enps=False) == ()
    assert week_questions(3, [], include_enps=True) == ()


def test_a_bank_with_fewer_questions_than_places_asks_all_it_has() -> None:
    bank = [custom("b_question", Driver.WORKLOAD), custom("a_question", Driver.GROWTH)]
    for week in range(10):
        questions = week_questions(week, bank, include_enps=False)
        assert {question.key for question in questions} == {"a_question", "b_question"}


def test_a_bank_with_only_enps_asks_only_enps_and_only_in_its_week() -> None:
    bank = [q for q in DEFAULT_BANK if q.driver is Driver.ENPS]
    assert week_questions(0, bank, include_enps=False) == ()
    assert [q.key for q in week_questions(0, bank, include_enps=True)] == [ENPS_QUESTION_KEY]


def test_a_bank_with_few_drivers_still_fills_the_week_without_repeats() -> None:
    bank = [custom(f"workload_{n}", Driver.WORKLOAD) for n in range(4)]
    bank.append(custom("growth_only", Driver.GROWTH))
    for week in range(20):
        questions = week_questions(week, bank, include_enps=False)
        assert len(questions) == 3
        assert len({question.key for question in questions}) == 3


def test_a_bank_with_some_drivers_retired_rotates_over_the_rest() -> None:
    kept = {Driver.RECOGNITION, Driver.INTERNAL_SERVICE, Driver.MANAGER, Driver.WELLBEING}
    bank = [q for q in DEFAULT_BANK if q.driver in kept]
    weeks = [week_questions(w, bank, per_week=2, include_enps=False) for w in range(12)]
    for this_week, next_week in pairwise(weeks):
        assert drivers_of(this_week).isdisjoint(drivers_of(next_week))
    for first in range(len(weeks) - 1):
        assert drivers_of(weeks[first]) | drivers_of(weeks[first + 1]) == kept


def test_custom_questions_take_their_turn_like_the_default_ones() -> None:
    extra = [
        custom("zz_custom_recognition", Driver.RECOGNITION),
        custom("aa_custom", Driver.GROWTH),
    ]
    bank = [*DEFAULT_BANK, *extra]
    asked = appearances(bank, range(0, 8 * 15))
    for question in extra:
        keys = asked[question.driver]
        per_question = Counter(keys)
        assert question.key in per_question
        assert max(per_question.values()) - min(per_question.values()) <= 1


def test_a_duplicated_question_does_not_get_extra_turns() -> None:
    bank = [*DEFAULT_BANK, *(q for q in DEFAULT_BANK if q.driver is Driver.RECOGNITION)]
    assert [week_questions(w, bank, include_enps=True) for w in range(24)] == [
        week_questions(w, DEFAULT_BANK, include_enps=True) for w in range(24)
    ]


def test_internal_service_alternates_between_how_we_were_served_and_how_we_served() -> None:
    asked = appearances(DEFAULT_BANK, range(0, 30))[Driver.INTERNAL_SERVICE]
    directions = [key.split("_")[1] for key in asked]
    assert directions[0] == "received"
    assert all(a != b for a, b in pairwise(directions))


def test_the_rotation_starts_each_driver_with_its_central_question() -> None:
    first_round = [
        q.key for w in range(3) for q in week_questions(w, DEFAULT_BANK, include_enps=False)
    ]
    assert "recognition_valued" in first_round
    assert "internal_received_timely_reliable" in first_round
    assert "manager_listens" in first_round
