"""The monthly rating of supplier teams: its question key, and whom a team is asked to rate."""

from __future__ import annotations

import pytest

from engagement.service_ratings import (
    parse_service_key,
    service_key,
    service_question,
    suggested_suppliers,
)
from engagement.teams_model import TeamRef
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import CARMEN, make_team


@pytest.mark.parametrize(
    ("key", "teams"),
    [
        (service_key(3, 12), (3, 12)),
        ("svc_3_12", (3, 12)),
        ("recognition_valued", None),  # a bank question
        ("svc_3", None),
        ("svc_a_b", None),
        ("svc_1_2_3", None),
    ],
)
def test_a_rating_key_names_the_rating_and_the_rated_team(
    key: str, teams: tuple[int, int] | None
) -> None:
    assert parse_service_key(key) == teams


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        ([], []),
        ([(1, 2, 5), (1, 3, 9)], [3, 2]),  # most thanked first
        ([(1, 4, 2), (1, 3, 2)], [3, 4]),  # ties by id
        ([(1, 2, 1), (1, 3, 1), (1, 4, 1), (1, 5, 1)], [2, 3, 4]),  # at most three
        ([(7, 2, 9), (1, 99, 9), (1, 3, 1)], [3]),  # other teams' kudos, and teams now gone
    ],
)
def test_without_chosen_suppliers_the_most_thanked_teams_are_suggested(
    flows: list[tuple[int, int, int]], expected: list[int]
) -> None:
    assert suggested_suppliers(1, flows, known=[1, 2, 3, 4, 5]) == expected


def test_the_rating_question_names_both_teams_in_both_languages() -> None:
    question = service_question(TeamRef(1, "Sales"), TeamRef(2, "IT"))
    assert question.key == "svc_1_2"
    assert question.text("en") == "How well did IT serve Sales this month?"
    assert question.text("es") == "¿Qué tan bien atendió IT a Sales este mes?"
    assert list(question.scores) == [1, 2, 3, 4, 5]


def test_without_chosen_suppliers_the_teams_its_people_thank_are_suggested(
    app: RunningApp,
) -> None:
    sales = make_team(app, "Sales", CARMEN, ["U02ANA"])
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    make_team(app, "Legal", "U22ISABEL", ["U23DANIEL"])
    for text in ("<@U17PABLO> thanks", "<@U23DANIEL> thanks", "<@U17PABLO> again"):
        app.slack.slash_command("/kudos", text, user_id="U02ANA")
        app.settle()
    assert [t.name for t in app.runtime.services.pulse.suppliers(sales)] == ["IT", "Legal"]
