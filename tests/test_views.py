"""Block Kit views are pure and always fit Slack's limits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.i18n import t
from bot.views.blocks import button, escape_mrkdwn, header, section
from bot.views.help import help_blocks
from bot.views.home import SEND_FEEDBACK_ACTION, home_view
from bot.views.kudos import GIVE_KUDOS_ACTION
from bot.views.limits import block_problems, view_problems
from engagement.kudos_model import HomePage, HomeStats, RecentKudos, TeamLeaders, ValueInfo
from tests.support.blocks import all_text

VALUES = [f":star: Value {n}" for n in range(8)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_help_fits_a_message_in_both_languages(lang: str) -> None:
    blocks = help_blocks(lang, VALUES)
    assert block_problems(blocks) == []
    assert blocks[0]["type"] == "header"


def test_an_unknown_subcommand_is_named_before_the_help() -> None:
    blocks = help_blocks("en", VALUES, unknown_subcommand="dance")
    assert "`dance`" in blocks[0]["text"]["text"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_home_fits_a_view(lang: str) -> None:
    bulb = ValueInfo("knowledgeable", ":bulb:", "Knowledgeable", "Conocedor")
    view = home_view(HomePage("Ana", stats(values=(bulb,) * 12)), lang)
    assert view["type"] == "home"
    assert view_problems(view) == []
    assert "Ana" in view["blocks"][0]["text"]["text"]
    assert bulb.label(lang) in home_text(view)


HELPFUL = ValueInfo("helpful", ":handshake:", "Helpful", "Servicial", ("helpful", "servicial"))
TIMELY = ValueInfo("timely", ":stopwatch:", "Timely", "Oportuno", ("timely", "oportuno"))
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def home_text(view: dict[str, Any]) -> str:
    return all_text(view["blocks"])


def stats(**overrides: Any) -> HomeStats:
    base: dict[str, Any] = {
        "received_this_month": 4,
        "given_this_month": 2,
        "remaining_today": 3,
        "daily_limit": 5,
        "top_values": ((HELPFUL, 3), (TIMELY, 1)),
        "recent": tuple(
            RecentKudos(
                giver_id=f"UG{n}",
                value=HELPFUL if n % 2 else None,
                message="Thanks <!channel> " + "so much " * 200,
                created_at=NOW - timedelta(days=n),
                permalink="https://example.slack.com/archives/C1/p1" if n == 0 else None,
            )
            for n in range(3)
        ),
        "leaderboard": (
            TeamLeaders("Billing & <Ops>", (("UA", 7), ("UB", 5), ("UC", 2), ("UD", 1))),
        ),
        "values": (HELPFUL, TIMELY),
    }
    base.update(overrides)
    return HomeStats(**base)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_home_shows_my_kudos_and_a_button_to_give_one(lang: str) -> None:
    view = home_view(HomePage("Ana", stats()), lang)
    assert view_problems(view) == []
    assert "Ana" in view["blocks"][0]["text"]["text"]
    buttons = {
        e["action_id"]: e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert buttons[GIVE_KUDOS_ACTION]["style"] == "primary"
    assert SEND_FEEDBACK_ACTION in buttons
    text = home_text(view)
    assert t(lang, "home.left_today", remaining=3, limit=5) in text
    assert t(lang, "home.received_month", count=4) in text
    assert t(lang, "home.given_month", count=2) in text
    assert f"{HELPFUL.label(lang)} ×3" in text
    assert "<@UG0>" in text
    assert "2026-11-24" in text
    assert "<!channel>" not in text
    assert "@channel" in text  # shown as typed, and pings nobody
    assert t(lang, "home.values_title") in text


def test_recent_kudos_are_clipped_to_a_short_taste() -> None:
    view = home_view(HomePage("Ana", stats()), "en")
    recent = [b for b in view["blocks"] if "<@UG1>" in b.get("text", {}).get("text", "")]
    assert len(recent) == 1
    assert len(recent[0]["text"]["text"]) < 320


@pytest.mark.parametrize("lang", ["en", "es"])
def test_an_empty_home_encourages_the_first_kudos(lang: str) -> None:
    empty = stats(received_this_month=0, given_this_month=0, top_values=(), recent=())
    view = home_view(HomePage("Ana", empty), lang)
    assert view_problems(view) == []
    assert t(lang, "home.empty") in home_text(view)


def test_the_leaderboard_is_hidden_unless_the_workspace_shows_it() -> None:
    view = home_view(HomePage("Ana", stats(leaderboard=None)), "en")
    assert t("en", "home.leaderboard_title") not in home_text(view)


def test_the_leaderboard_shows_the_top_three_per_team() -> None:
    text = home_text(home_view(HomePage("Ana", stats()), "en"))
    assert t("en", "home.leaderboard_title") in text
    assert "Billing &amp; &lt;Ops&gt;" in text
    assert "<@UA> · 7" in text
    assert "<@UC> · 2" in text
    assert "<@UD>" not in text


def test_a_leaderboard_with_nobody_thanked_yet_says_so() -> None:
    quiet = stats(leaderboard=(TeamLeaders("Billing", ()),))
    text = home_text(home_view(HomePage("Ana", quiet), "es"))
    assert t("es", "home.leaderboard_empty") in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_busy_home_with_30_teams_still_fits_100_blocks(lang: str) -> None:
    busy = stats(
        top_values=tuple((HELPFUL, n) for n in range(20)),
        recent=tuple(
            RecentKudos(f"UG{n}", HELPFUL, "<&>" * 2000, NOW, "https://x.slack.com/p1")
            for n in range(40)
        ),
        leaderboard=tuple(
            TeamLeaders(f"Team {n} " + "x" * 300, tuple((f"U{n}{m}", 10 - m) for m in range(5)))
            for n in range(30)
        ),
    )
    bulb = ValueInfo("knowledgeable", ":bulb:", "Knowledgeable", "Conocedor")
    view = home_view(HomePage("Ana " * 100, dataclasses.replace(busy, values=(bulb,) * 30)), lang)
    assert view_problems(view) == []
    text = home_text(view)
    assert sum("<@UG" in b.get("text", {}).get("text", "") for b in view["blocks"]) == 10
    assert "Team 19 " in text
    assert "Team 20 " not in text
    assert t(lang, "home.leaderboard_more", count=10) in text


def test_home_without_a_name_still_welcomes() -> None:
    view = home_view(HomePage("", stats()), "en")
    assert view["blocks"][0]["text"]["text"] == t("en", "home.text")


def test_overlong_texts_are_clipped_to_slacks_limits() -> None:
    blocks = [header("h" * 500), section("s" * 5000)]
    assert block_problems(blocks) == []
    assert len(button("b" * 200, "a")["text"]["text"]) == 75


def test_what_a_person_wrote_cannot_ping_the_channel() -> None:
    assert escape_mrkdwn("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_the_checker_catches_what_slack_refuses() -> None:
    too_many = [section("x")] * 51
    assert block_problems(too_many)
    assert block_problems([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}])
