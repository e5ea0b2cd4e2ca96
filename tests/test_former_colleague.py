"""Kudos from someone who left (deactivated in Slack) or who erased their data stay, from or to
"a former colleague", never under the name of the person gone: in the receiver's App Home, on
every leaderboard (`/kudos top`, App Home's boards, a season's closing summary), in the admins'
anti-gaming report and in the daily kudos summary DM, in English and Spanish."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from engagement.clock import ManualClock
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp, running_app
from tests.support.pulse_app import ANA, CARMEN, EMMA, LUIS, NOAH, rows, run
from tests.test_delete_my_data import aplauso, confirm
from tests.test_people_leaving import leaves

FORMER = {"en": "a former colleague", "es": "una persona que ya no está"}
READERS = [(EMMA, "en"), (ANA, "es")]  # Emma reads English, Ana Spanish


def home_of(app: RunningApp, user_id: str) -> str:
    assert app.slack.app_home_opened(user_id).status == 200
    app.settle()
    view = app.fake.home_view(user_id)
    assert view is not None
    return json.dumps(view, ensure_ascii=False)


def thank(app: RunningApp, giver: str, receiver: str, words: str) -> None:
    app.slack.slash_command("/kudos", f"<@{receiver}> #helpful {words}", user_id=giver)
    app.settle()


def test_a_deactivated_giver_reads_as_a_former_colleague_in_english(app: RunningApp) -> None:
    thank(app, LUIS, EMMA, "great pairing session")
    assert f"<@{LUIS}>" in home_of(app, EMMA)
    leaves(app, LUIS)
    home = home_of(app, EMMA)
    assert "great pairing session" in home  # the kudos stays
    assert "a former colleague" in home
    assert f"<@{LUIS}>" not in home


def test_a_deactivated_giver_reads_as_someone_gone_in_spanish(app: RunningApp) -> None:
    thank(app, EMMA, ANA, "gracias por la demo")
    leaves(app, EMMA)
    home = home_of(app, ANA)
    assert "gracias por la demo" in home
    assert "una persona que ya no está" in home
    assert f"<@{EMMA}>" not in home


def test_a_giver_who_erased_their_data_reads_as_a_former_colleague(app: RunningApp) -> None:
    thank(app, ANA, EMMA, "thanks for the review")
    thank(app, LUIS, EMMA, "and for the docs")
    confirm(app, ANA, aplauso(app, ANA, "borrar mis datos"))
    home = home_of(app, EMMA)
    assert "thanks for the review" in home
    assert "and for the docs" in home
    assert "a former colleague" in home
    assert f"<@{ANA}>" not in home
    assert f"<@{LUIS}>" in home  # people still here keep their name


# --- leaderboards ---------------------------------------------------------------------------------


def luis_thanked_twice_then_left(app: RunningApp) -> None:
    """Luis (on team Ops) is the most thanked this month, then is deactivated in Slack."""
    app.runtime.services.teams.set_team(TeamSpec("Ops", CARMEN, [LUIS, EMMA]))
    thank(app, NOAH, LUIS, "fixed the build")
    thank(app, ANA, LUIS, "and the deploy")
    thank(app, NOAH, EMMA, "great docs")
    leaves(app, LUIS)
    app.runtime.services.people.refresh_directory()  # each reader's language, from Slack


def answer(app: RunningApp, command: str, text: str, user_id: str) -> str:
    before = len(app.answers())
    assert app.slack.slash_command(command, text, user_id=user_id).status == 200
    [reply] = app.answers()[before:]
    return json.dumps(reply, ensure_ascii=False)


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_kudos_top_names_someone_who_left_as_a_former_colleague(
    app: RunningApp, reader: str, lang: str
) -> None:
    luis_thanked_twice_then_left(app)
    board = answer(app, "/kudos", "top", reader)
    assert f":first_place_medal: {FORMER[lang]} · 2" in board  # the place stays theirs
    assert f":second_place_medal: <@{EMMA}> · 1" in board
    assert f"<@{LUIS}>" not in board


def ops_field(view: dict[str, Any]) -> str:
    """The Ops team's medal lines on a Home board."""
    for block in view["blocks"]:
        for field in block.get("fields") or []:
            if field["text"].startswith("*Ops*"):
                return str(field["text"])
    return ""


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_the_home_boards_name_someone_who_left_as_a_former_colleague(
    app: RunningApp, reader: str, lang: str
) -> None:
    luis_thanked_twice_then_left(app)
    home_of(app, reader)
    month = app.fake.home_view(reader)
    assert month is not None
    assert f":first_place_medal: {FORMER[lang]} · 2" in ops_field(month)
    assert f"<@{LUIS}>" not in json.dumps(month)
    assert app.slack.block_action("home_board_week", user_id=reader, view=month).status == 200
    app.settle()
    week = app.fake.home_view(reader)
    assert week is not None
    assert week != month
    assert f":first_place_medal: {FORMER[lang]} · 2" in ops_field(week)
    assert f":second_place_medal: <@{EMMA}> · 1" in ops_field(week)
    assert f"<@{LUIS}>" not in json.dumps(week)


def test_a_seasons_closing_post_names_someone_who_left_as_a_former_colleague(
    database_url: str, clock: ManualClock
) -> None:
    with running_app(database_url, clock, kudos_channel="C0KUDOS") as app:
        assert app.runtime.services.admin.add_admin(EMMA)
        assert "Q4" in answer(app, "/aplauso", "season start Q4", EMMA)
        luis_thanked_twice_then_left(app)
        answer(app, "/aplauso", "season end", EMMA)
        app.settle()
        channel = app.fake.messages("C0KUDOS")
        posts = [json.dumps(m, ensure_ascii=False) for m in channel if m.get("bot_id")]
        [summary] = [post for post in posts if "Season Q4 is over" in post]
        assert f":first_place_medal: {FORMER['en']} · 2 kudos" in summary
        assert f"<@{LUIS}>" not in summary


def test_a_spanish_admins_season_summary_names_someone_who_left_in_spanish(
    app: RunningApp,
) -> None:
    assert app.runtime.services.admin.add_admin(CARMEN)
    assert "Q4" in answer(app, "/aplauso", "temporada iniciar Q4", CARMEN)
    luis_thanked_twice_then_left(app)
    answer(app, "/aplauso", "temporada terminar", CARMEN)  # no kudos channel: a DM to Carmen
    app.settle()
    dms = [json.dumps(m, ensure_ascii=False) for m in app.fake.dm_messages(CARMEN)]
    [summary] = [dm for dm in dms if "Q4" in dm]
    assert f":first_place_medal: {FORMER['es']} · 2 reconocimientos" in summary
    assert f"<@{LUIS}>" not in summary


# --- the admins' report and the daily summary -----------------------------------------------------


def report_of(app: RunningApp, admin: str) -> str:
    return answer(app, "/aplauso", "report", admin)


@pytest.mark.parametrize(
    ("admin", "pair", "burst", "mine"),
    [
        (EMMA, f"<@{ANA}> and a former colleague mostly thank each other",
         "• a former colleague spent a whole day's kudos",
         "• a former colleague reacted with a kudos emoji to one of their own messages"),
        (CARMEN, f"<@{ANA}> y una persona que ya no está se reconocen sobre todo entre sí",
         "• una persona que ya no está gastó todos los reconocimientos de un día",
         "• una persona que ya no está reaccionó con un emoji de reconocimiento a un mensaje"),
    ],
)  # fmt: skip
def test_the_report_names_someone_who_left_as_a_former_colleague(
    app: RunningApp, admin: str, pair: str, burst: str, mine: str
) -> None:
    for n in range(3):
        thank(app, ANA, LUIS, f"thanks for the review {n}")
        thank(app, LUIS, ANA, f"gracias por el repaso {n}")
    thank(app, LUIS, NOAH, "thanks")
    thank(app, LUIS, EMMA, "thanks too")  # a whole day's five within minutes
    ts = app.fake.add_message("C0GENERAL", LUIS, "my own good work")
    app.slack.reaction_added(LUIS, "clap", "C0GENERAL", ts)
    leaves(app, LUIS)
    app.runtime.services.people.refresh_directory()
    assert app.runtime.services.admin.add_admin(admin)
    report = report_of(app, admin)
    assert pair in report
    assert burst in report
    assert mine in report
    assert f"<@{LUIS}>" not in report


@pytest.mark.parametrize(
    ("reader", "lang", "choice"), [(EMMA, "en", "daily"), (ANA, "es", "diario")]
)
def test_the_daily_summary_names_a_giver_who_left_as_a_former_colleague(
    app: RunningApp, reader: str, lang: str, choice: str
) -> None:
    thank(app, NOAH, reader, "first thing")  # Aplauso meets them
    aplauso(app, reader, f"kudos dms {choice}")
    thank(app, LUIS, reader, "thanks for pairing")
    thank(app, NOAH, reader, "and for lunch")
    leaves(app, LUIS)
    next_morning = datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert run(app, "kudos_summaries", next_morning).startswith("kudos_summaries: sent 1,")
    app.settle()
    dms = [json.dumps(m, ensure_ascii=False) for m in app.fake.dm_messages(reader)]
    summary = dms[-1]
    assert f"• {FORMER[lang]} :handshake:: thanks for pairing" in summary
    assert f"• <@{NOAH}> :handshake:: and for lunch" in summary
    assert f"<@{LUIS}>" not in summary
    assert rows(app, "SELECT count(*) FROM kudos WHERE giver_id = :u", u=LUIS) == [(1,)]
