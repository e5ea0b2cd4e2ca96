"""Block Kit views are pure and always fit Slack's limits."""

from __future__ import annotations

import pytest

from bot.views.blocks import button, escape_mrkdwn, header, section
from bot.views.help import help_blocks
from bot.views.home import HomeData, ValueLine, home_view
from bot.views.limits import block_problems, view_problems

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
    view = home_view(HomeData("Ana", [ValueLine(":bulb:", "Knowledgeable")] * 12), lang)
    assert view["type"] == "home"
    assert view_problems(view) == []
    assert "Ana" in view["blocks"][0]["text"]["text"]


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
