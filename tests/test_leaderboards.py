"""Leaderboards by week, month, quarter and season (issue #17), through signed requests.

`/kudos top [period] [#value] [team]` answers only the person who asked, with the people
thanked most (equal counts share a place) and the teams ranked by kudos per person next to
their raw count, so a small back office is not drowned by a large sales floor. Admins start
and end seasons from Slack; ending one posts a closing summary to the kudos channel, or DMs it
to the admin when there is no channel or the bot was never invited there.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.i18n import t
from engagement.clock import ManualClock
from engagement.leaderboards_model import (
    BoardQuery,
    Period,
    calendar_bounds,
    rank_teams,
    read_query,
)
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp, running_app

CARMEN, ANA, LUIS, EMMA, DIEGO = "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U05DIEGO"
OLIVIA, SOFIA, JAMES, JAVIER, NOAH = "U06OLIVIA", "U07SOFIA", "U08JAMES", "U09JAVIER", "U10NOAH"
LUCIA, LIAM, ETHAN, MARTA, PRIYA = "U11LUCIA", "U12LIAM", "U14ETHAN", "U15MARTA", "U16PRIYA"
PABLO, GRACE, TOMAS, HANNAH = "U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH"
SALES = (DIEGO, OLIVIA, JAMES, JAVIER, LUCIA, LIAM)
BILLING = (LUIS, SOFIA)
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, as the `clock` fixture starts


# --- the rules: periods, words, rates -----------------------------------------------------------


def day(year: int, month: int, dom: int, hour: int = 0) -> datetime:
    return datetime(year, month, dom, hour, tzinfo=UTC)


def test_periods_are_calendar_weeks_months_and_quarters_in_utc() -> None:
    assert calendar_bounds(Period.WEEK, NOW) == (day(2026, 11, 23), day(2026, 11, 30))
    assert calendar_bounds(Period.MONTH, NOW) == (day(2026, 11, 1), day(2026, 12, 1))
    assert calendar_bounds(Period.QUARTER, NOW) == (day(2026, 10, 1), day(2027, 1, 1))
    assert calendar_bounds(Period.MONTH, day(2026, 12, 31, 23)) == (
        day(2026, 12, 1),
        day(2027, 1, 1),
    )
    assert calendar_bounds(Period.QUARTER, day(2026, 2, 3)) == (day(2026, 1, 1), day(2026, 4, 1))


def test_the_words_after_top_may_come_in_any_order_and_in_spanish() -> None:
    assert read_query("top") == BoardQuery(Period.MONTH)
    assert read_query("top semana") == BoardQuery(Period.WEEK)
    assert read_query("top #servicial trimestre") == BoardQuery(Period.QUARTER, "servicial")
    assert read_query("top Temporada Back Office #helpful") == BoardQuery(
        Period.SEASON, "helpful", "Back Office"
    )


def test_a_small_team_thanked_often_ranks_above_a_large_one() -> None:
    ranked = rank_teams([("Sales", 12, 40), ("Billing", 3, 2), ("Legal", 0, 0)])
    assert [(team.rank, team.name, team.rate) for team in ranked] == [
        (1, "Billing", 1.5),
        (2, "Sales", 0.3),
    ]


def test_teams_with_the_same_kudos_and_size_share_a_place() -> None:
    ranked = rank_teams([("B", 2, 4), ("A", 2, 4), ("C", 1, 4)])
    assert [(team.rank, team.name) for team in ranked] == [(1, "A"), (1, "B"), (3, "C")]


# --- helpers ------------------------------------------------------------------------------------


def give(app: RunningApp, giver: str, receivers: tuple[str, ...], words: str) -> None:
    mentions = " ".join(f"<@{user}>" for user in receivers)
    assert app.slack.slash_command("/kudos", f"{mentions} {words}", user_id=giver).status == 200
    app.settle()


def give_at(app: RunningApp, moment: datetime, giver: str, receiver: str, words: str) -> None:
    app.clock.set(moment)
    give(app, giver, (receiver,), words)
    app.clock.set(NOW)


def ask(app: RunningApp, command: str, text: str, user_id: str) -> dict[str, Any]:
    app.runtime.services.people.refresh_directory()  # each reader's language, from Slack
    assert app.slack.slash_command(command, text, user_id=user_id).status == 200
    reply = app.answers()[-1]
    assert reply["response_type"] == "ephemeral"
    return reply


def top(app: RunningApp, text: str, user_id: str = EMMA) -> str:
    return json.dumps(ask(app, "/kudos", text, user_id), ensure_ascii=False)


def people_lines(board: str) -> list[str]:
    """The lines of the People section, in order."""
    for block in json.loads(board)["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if text.startswith("*People*") or text.startswith("*Personas*"):
            return list(text.splitlines()[1:])
    return []


def a_calendar_of_kudos(app: RunningApp) -> None:
    give_at(app, datetime(2026, 9, 30, 12, tzinfo=UTC), NOAH, TOMAS, "last quarter")
    give_at(app, datetime(2026, 10, 30, 12, tzinfo=UTC), NOAH, HANNAH, "last month")
    give_at(app, datetime(2026, 11, 17, 12, tzinfo=UTC), NOAH, GRACE, "last week")
    give(app, NOAH, (PABLO,), "this week")
    give(app, ETHAN, (PABLO,), "this week too")


# --- /kudos top ---------------------------------------------------------------------------------


def test_kudos_top_counts_this_month_by_default(app: RunningApp) -> None:
    a_calendar_of_kudos(app)
    board = top(app, "top")
    assert t("en", "leaderboards.title.month") in board
    assert people_lines(board) == [
        f":first_place_medal: <@{PABLO}> · 2 kudos",
        f":second_place_medal: <@{GRACE}> · 1 kudos",
    ]
    assert "UTC" in board


@pytest.mark.parametrize(
    ("words", "thanked"),
    [
        ("top week", {PABLO}),
        ("top month", {PABLO, GRACE}),
        ("top quarter", {PABLO, GRACE, HANNAH}),
    ],
)
def test_each_period_counts_only_its_own_kudos(
    app: RunningApp, words: str, thanked: set[str]
) -> None:
    a_calendar_of_kudos(app)
    board = top(app, words)
    shown = {user for user in (PABLO, GRACE, HANNAH, TOMAS) if f"<@{user}>" in board}
    assert shown == thanked


def test_a_spanish_reader_asks_for_the_week_in_spanish(app: RunningApp) -> None:
    a_calendar_of_kudos(app)
    board = top(app, "top semana", user_id=ANA)
    assert t("es", "leaderboards.title.week") in board
    assert people_lines(board) == [f":first_place_medal: <@{PABLO}> · 2 reconocimientos"]
    assert t("es", "leaderboards.utc_note") in board


def test_the_board_can_be_one_value(app: RunningApp) -> None:
    give(app, NOAH, (PABLO,), "#helpful fixed my laptop")
    give(app, ETHAN, (GRACE,), "#timely quick answer")
    give(app, PRIYA, (GRACE,), "#timely again")
    board = top(app, "top #helpful")
    assert f"<@{PABLO}>" in board
    assert f"<@{GRACE}>" not in board
    assert ":handshake:" in board or "Helpful" in board


def test_an_unknown_value_is_one_line_listing_the_values(app: RunningApp) -> None:
    reply = ask(app, "/kudos", "top #fastest", EMMA)
    assert reply["text"].startswith("There is no value #fastest.")
    assert "#helpful" in reply["text"]
    assert "\n" not in reply["text"]


def teams_of_two_sizes(app: RunningApp) -> None:
    teams = app.runtime.services.teams
    teams.set_team(TeamSpec("Sales", CARMEN, list(SALES)))
    teams.set_team(TeamSpec("Billing", CARMEN, list(BILLING)))
    teams.set_team(TeamSpec("Legal", CARMEN, [MARTA]))
    give(app, NOAH, BILLING, "month-end close")  # 2 kudos for 2 people
    give(app, ETHAN, (DIEGO, OLIVIA, JAMES), "big deal")  # 3 kudos for 6 people
    give(app, PRIYA, (MARTA,), "contract review")
    give(app, NOAH, (MARTA,), "NDA in a day")
    teams.remove_team("Legal", force=True)


@pytest.mark.parametrize(
    ("user", "billing", "sales"),
    [
        (EMMA, "1. *Billing* — 1.0 per person (2 kudos, 2 people)",
         "2. *Sales* — 0.5 per person (3 kudos, 6 people)"),
        (ANA, "1. *Billing* — 1,0 por persona (2 reconocimientos, 2 personas)",
         "2. *Sales* — 0,5 por persona (3 reconocimientos, 6 personas)"),
    ],
)  # fmt: skip
def test_teams_are_ranked_per_member_with_the_raw_count_beside(
    app: RunningApp, user: str, billing: str, sales: str
) -> None:
    teams_of_two_sizes(app)
    board = top(app, "top", user_id=user)
    assert billing in board
    assert sales in board
    assert board.index(billing) < board.index(sales)
    assert "Legal" not in board  # a removed team never appears
    assert f":first_place_medal: <@{MARTA}>" in board  # who was thanked still is


def test_a_team_name_narrows_the_board_to_that_team(app: RunningApp) -> None:
    teams_of_two_sizes(app)
    board = top(app, "top month billing")
    assert f"<@{LUIS}>" in board
    assert f"<@{DIEGO}>" not in board
    assert "Sales" not in board


@pytest.mark.parametrize(
    ("user", "start"), [(EMMA, 'I don\'t know the team "fortnight"'), (ANA, "No conozco el equipo")]
)
def test_unknown_words_get_a_friendly_line_of_help(app: RunningApp, user: str, start: str) -> None:
    reply = ask(app, "/kudos", "top fortnight", user)
    assert reply["text"].startswith(start)
    assert "/kudos top [" in reply["text"]


# --- seasons ------------------------------------------------------------------------------------


def aplauso(app: RunningApp, text: str, user_id: str) -> str:
    return str(ask(app, "/aplauso", text, user_id)["text"])


def make_admin(app: RunningApp, user_id: str) -> None:
    assert app.runtime.services.admin.add_admin(user_id)


def bot_posts(app: RunningApp, channel: str) -> list[str]:
    app.settle()
    return [
        json.dumps(m, ensure_ascii=False) for m in app.fake.messages(channel) if m.get("bot_id")
    ]


def summaries_dmed_to(app: RunningApp, user_id: str, lang: str) -> list[str]:
    app.settle()
    over = t(lang, "leaderboards.season_over", name="Q4").split("Q4")[0]
    texts = [json.dumps(m, ensure_ascii=False) for m in app.fake.dm_messages(user_id)]
    return [text for text in texts if over in text]


@pytest.mark.parametrize(
    ("user", "words", "refusal"),
    [
        (EMMA, "season start Q4", "Only Aplauso admins"),
        (EMMA, "season end", "Only Aplauso admins"),
        (ANA, "temporada iniciar Q4", "Solo los administradores"),
    ],
)
def test_only_admins_start_or_end_a_season(
    app: RunningApp, user: str, words: str, refusal: str
) -> None:
    assert aplauso(app, words, user).startswith(refusal)
    assert "No season has been run yet" in top(app, "top season")


def a_season_of_kudos(app: RunningApp, admin: str, start: str = "season start Q4") -> None:
    teams = app.runtime.services.teams
    teams.set_team(TeamSpec("Sales", CARMEN, list(SALES)))
    teams.set_team(TeamSpec("Billing", CARMEN, list(BILLING)))
    give_at(app, datetime(2026, 11, 20, 12, tzinfo=UTC), NOAH, JAVIER, "#helpful before it")
    make_admin(app, admin)
    assert "Q4" in aplauso(app, start, admin)
    give(app, NOAH, BILLING, "#helpful month-end close")
    give(app, ETHAN, (DIEGO, OLIVIA, JAMES), "#timely big deal")
    give(app, PRIYA, (LUIS,), "#helpful invoices")
    app.clock.set(datetime(2026, 11, 27, 17, tzinfo=UTC))


def test_a_running_season_has_its_own_board_and_only_one_runs_at_a_time(
    app: RunningApp,
) -> None:
    a_season_of_kudos(app, EMMA)
    assert aplauso(app, "season start Another", EMMA).startswith("Season *Q4* is still running")
    board = top(app, "top season")
    assert t("en", "leaderboards.title.season", name="Q4") in board
    assert f":first_place_medal: <@{LUIS}> · 2 kudos" in board
    assert f"<@{JAVIER}>" not in board  # thanked before the season started
    assert "1. *Billing* — 1.5 per person (3 kudos, 2 people)" in board


def test_ending_a_season_posts_its_summary_in_the_kudos_channel(
    database_url: str, clock: ManualClock
) -> None:
    with running_app(database_url, clock, kudos_channel="C0KUDOS") as app:
        a_season_of_kudos(app, EMMA)
        reply = aplauso(app, "season end", EMMA)
        assert reply == "Season *Q4* has ended; its summary is posted in <#C0KUDOS>."
        [summary] = [post for post in bot_posts(app, "C0KUDOS") if "Season Q4 is over" in post]
        assert f":first_place_medal: <@{LUIS}> · 2 kudos" in summary
        assert "1. *Billing* — 1.5 per person" in summary
        assert "2. *Sales* — 0.5 per person" in summary
        assert "Most thanked value: " in summary
        assert "Helpful ×2" in summary
        assert summaries_dmed_to(app, EMMA, "en") == []
        assert aplauso(app, "season end", EMMA) == t("en", "leaderboards.errors.no_open_season")
        assert t("en", "leaderboards.title.season", name="Q4") in top(app, "top season")


def test_a_spanish_admin_ends_a_season_where_the_bot_was_never_invited(
    database_url: str, clock: ManualClock
) -> None:
    with running_app(database_url, clock, kudos_channel="C0RANDOM") as app:
        a_season_of_kudos(app, CARMEN, start="temporada iniciar Q4")
        reply = aplauso(app, "temporada terminar", CARMEN)
        assert reply.startswith("La temporada *Q4* ha terminado, pero no estoy en <#C0RANDOM>")
        assert "/invite @Aplauso" in reply
        assert not [post for post in bot_posts(app, "C0RANDOM") if "Q4" in post]
        [summary] = summaries_dmed_to(app, CARMEN, "es")
        assert "1. *Billing* — 1,5 por persona (3 reconocimientos, 2 personas)" in summary
        assert "Valor más reconocido: " in summary


def test_without_a_kudos_channel_the_summary_goes_to_the_admin(app: RunningApp) -> None:
    a_season_of_kudos(app, EMMA)
    reply = aplauso(app, "season end", EMMA)
    assert reply == t("en", "leaderboards.season_ended.no_channel", name="Q4", channel="")
    [summary] = summaries_dmed_to(app, EMMA, "en")
    assert f"<@{LUIS}>" in summary


def test_a_season_needs_a_name_and_a_verb(app: RunningApp) -> None:
    make_admin(app, EMMA)
    assert aplauso(app, "season start", EMMA).startswith("A season needs a name")
    assert aplauso(app, "season pause", EMMA) == t("en", "leaderboards.errors.season_usage")


# --- App Home -----------------------------------------------------------------------------------


def switch_of(view: dict[str, Any]) -> dict[str, str | None]:
    """The period buttons, each with its style (the chosen one is primary)."""
    [block] = [b for b in view["blocks"] if b.get("block_id") == "home_board_switch"]
    return {e["value"]: e.get("style") for e in block["elements"]}


def it_field(view: dict[str, Any]) -> list[str]:
    for block in view["blocks"]:
        for field in block.get("fields") or []:
            if field["text"].startswith("*IT*"):
                return list(field["text"].splitlines()[1:])
    return []


def click_period(app: RunningApp, user_id: str, period: str) -> dict[str, Any]:
    view = app.fake.home_view(user_id)
    assert view is not None
    response = app.slack.block_action(f"home_board_{period}", user_id=user_id, view=view)
    assert response.status == 200
    app.settle()
    view = app.fake.home_view(user_id)
    assert view is not None
    return view


@pytest.mark.parametrize(("user", "lang"), [(EMMA, "en"), (ANA, "es")])
def test_the_home_board_switches_between_week_month_quarter_and_season(
    app: RunningApp, user: str, lang: str
) -> None:
    app.runtime.services.people.refresh_directory()
    app.runtime.services.teams.set_team(TeamSpec("IT", PRIYA, [PABLO, GRACE, HANNAH, TOMAS]))
    a_calendar_of_kudos(app)
    app.slack.app_home_opened(user)
    app.settle()
    month = app.fake.home_view(user)
    assert month is not None
    assert switch_of(month) == {"week": None, "month": "primary", "quarter": None, "season": None}
    assert it_field(month) == [
        f":first_place_medal: <@{PABLO}> · 2",
        f":second_place_medal: <@{GRACE}> · 1",
    ]

    week = click_period(app, user, "week")
    assert t(lang, "leaderboards.title.week") in json.dumps(week, ensure_ascii=False)
    assert switch_of(week)["week"] == "primary"
    assert it_field(week) == [f":first_place_medal: <@{PABLO}> · 2"]

    quarter = click_period(app, user, "quarter")
    assert f"<@{HANNAH}>" in " ".join(it_field(quarter))
    assert f"<@{TOMAS}>" not in " ".join(it_field(quarter))  # thanked in the last quarter

    season = click_period(app, user, "season")
    assert t(lang, "leaderboards.no_season") in json.dumps(season, ensure_ascii=False)
    assert it_field(season) == []
