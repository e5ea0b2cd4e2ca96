"""The App Home leaderboard treats ties fairly (issue #17).

Equal counts share a place and its medal, with competition ranking (1, 1, 3: two people tied
first leave no second place); a tie is never cut by Slack user id, and when a place has more
people than are named, the rest are counted ("and 1 other") instead of silently dropped.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.i18n import t
from bot.views.home import MEDALS, home_view
from engagement.kudos_model import HomePage, HomeStats, Place, TeamLeaders, podium
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp

GOLD, SILVER, BRONZE = MEDALS
PRIYA, ISABEL, DANIEL, NOAH, CARMEN = "U16PRIYA", "U22ISABEL", "U23DANIEL", "U10NOAH", "U01CARMEN"
IT = ("U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH")
RAUL = "U21RAUL"
SALES = ("U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO", "U06OLIVIA", "U07SOFIA")


# --- the ranking ------------------------------------------------------------------------------


def test_equal_counts_share_a_place_and_the_next_place_skips_them() -> None:
    assert podium([("UC", 1), ("UB", 2), ("UA", 2), ("UD", 1), ("UE", 0)]) == (
        Place(1, 2, ("UA", "UB")),
        Place(3, 1, ("UC", "UD")),
    )


def test_a_tie_for_first_that_fills_the_podium_leaves_no_other_medal() -> None:
    leaders = [(user, 2) for user in IT] + [(RAUL, 1)]
    assert podium(leaders) == (Place(1, 2, tuple(sorted(IT))),)


def test_distinct_counts_get_gold_silver_and_bronze_and_nobody_else() -> None:
    leaders = [("UA", 7), ("UB", 5), ("UC", 2), ("UD", 1)]
    assert [(p.rank, p.user_ids) for p in podium(leaders)] == [
        (1, ("UA",)),
        (2, ("UB",)),
        (3, ("UC",)),
    ]


def test_a_tie_at_the_last_medal_keeps_everyone_in_it() -> None:
    leaders = [("UA", 5), ("UB", 4), ("UC", 3), ("UD", 3), ("UE", 3), ("UF", 1)]
    assert podium(leaders)[-1] == Place(3, 3, ("UC", "UD", "UE"))


def test_nobody_thanked_is_an_empty_podium() -> None:
    assert podium([]) == ()


# --- the view -----------------------------------------------------------------------------------


def home_with(*teams: TeamLeaders) -> HomeStats:
    return HomeStats(0, 0, 5, 5, leaderboard=teams)


def field_of(view: dict[str, Any], team: str) -> str:
    for block in view["blocks"]:
        for field in block.get("fields") or []:
            if field["text"].startswith(f"*{team}*"):
                return str(field["text"])
    raise AssertionError(f"no leaderboard field for {team}")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_tied_place_is_one_line_with_one_medal_for_all(lang: str) -> None:
    team = TeamLeaders("IT", tuple((user, 2) for user in IT))
    text = field_of(home_view(HomePage("Ana", home_with(team)), lang), "IT")
    mentions = ", ".join(f"<@{user}>" for user in sorted(IT))
    assert text.splitlines()[1:] == [f"{GOLD} {mentions} · 2"]
    assert SILVER not in text
    assert BRONZE not in text


@pytest.mark.parametrize(("lang", "others"), [("en", "and 1 other"), ("es", "y 1 persona más")])
def test_a_long_tie_names_some_and_counts_the_rest(lang: str, others: str) -> None:
    team = TeamLeaders("Sales", tuple((user, 1) for user in SALES))
    view = home_view(HomePage("Ana", home_with(team)), lang)
    [line] = field_of(view, "Sales").splitlines()[1:]
    assert line.startswith(GOLD)
    assert line.endswith(f" {others} · 1")
    assert line.count("<@") == 5
    assert t(lang, "home.leaderboard_tied") in json.dumps(view, ensure_ascii=False)


@pytest.mark.parametrize(("lang", "others"), [("en", "and 3 others"), ("es", "y 3 personas más")])
def test_the_count_of_the_rest_is_plural_correct(lang: str, others: str) -> None:
    team = TeamLeaders("Ops", tuple((f"U{n:02d}X", 4) for n in range(8)))
    line = field_of(home_view(HomePage("Ana", home_with(team)), lang), "Ops").splitlines()[1]
    assert line.endswith(f" {others} · 4")


# --- end to end: the Home tab after real kudos --------------------------------------------------


def give(app: RunningApp, giver: str, receivers: tuple[str, ...], words: str) -> None:
    mentions = " ".join(f"<@{user}>" for user in receivers)
    response = app.slack.slash_command("/kudos", f"{mentions} {words}", user_id=giver)
    assert response.status == 200
    app.settle()  # recorded before the next one and before the Home tab opens


def home_text(app: RunningApp, user_id: str) -> dict[str, Any]:
    app.slack.app_home_opened(user_id)
    app.settle()
    view = app.fake.home_view(user_id)
    assert view is not None
    return view


@pytest.mark.parametrize(
    ("reader", "others"), [("U04EMMA", "and 1 other"), ("U02ANA", "y 1 persona más")]
)
def test_the_home_tab_gives_every_tied_person_the_same_medal(
    app: RunningApp, reader: str, others: str
) -> None:
    teams = app.runtime.services.teams
    teams.set_team(TeamSpec("IT", PRIYA, [*IT, RAUL]))
    teams.set_team(TeamSpec("Sales", CARMEN, list(SALES)))
    give(app, ISABEL, IT, "thanks for the laptops")
    give(app, DANIEL, IT, "thanks for the VPN")
    give(app, NOAH, (RAUL,), "thanks for the printer")
    give(app, NOAH, SALES[:3], "thanks for the deal")
    give(app, CARMEN, SALES[3:], "thanks for the deal")

    view = home_text(app, reader)

    it = field_of(view, "IT").splitlines()[1:]
    assert it == [f"{GOLD} " + ", ".join(f"<@{user}>" for user in sorted(IT)) + " · 2"]
    assert RAUL not in "".join(it)  # fifth with 1: no medal, and nobody tied with him is shown
    [sales] = field_of(view, "Sales").splitlines()[1:]
    assert sales.startswith(GOLD)
    assert sales.endswith(f" {others} · 1")
    assert sales.count("<@") == 5
