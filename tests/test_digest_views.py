"""The manager's digest reads well in both languages, keeps small groups anonymous, never pings
anyone by accident, fits Slack, and says the same in the terminal as in Slack."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

import pytest

from bot.i18n import t
from bot.views import digest as views
from bot.views import digest_text as figures
from bot.views.blocks import HEADER_TEXT_MAX
from bot.views.digest_chart import render_chart
from bot.views.limits import block_problems
from bot.views.report import report_message
from engagement.digest_model import (
    CompanyReport,
    DigestData,
    DriverScore,
    Enps,
    FeedbackSummary,
    ServiceRatingSummary,
    Suggestion,
    TeamFlow,
    TeamParticipation,
)
from engagement.kudos_model import ValueInfo

LANGS = ["en", "es"]
PING = "<!channel> <!here> <@U999> & <!subteam^S1>"
WEEK = date(2026, 11, 23)
VALUES = (
    ValueInfo("helpful", ":handshake:", "Helpful", "Servicial"),
    ValueInfo("timely", ":zap:", "Timely", "Puntual"),
)

SHOWN = DigestData(
    team_name="Billing & Payments",
    week_start=WEEK,
    invited=10,
    answered=7,
    previous_invited=10,
    previous_answered=6,
    k=5,
    drivers=(
        DriverScore(
            "recognition",
            2.9,
            3.4,
            (3.0, 3.2, None, 3.5, 3.6, 3.4, None, None, 3.3, 3.1, 3.4, 2.9),
        ),
        DriverScore("internal_service", 4.3, 4.2, (4.0,) * 11 + (4.3,)),
        DriverScore("workload", 3.66, 3.6, (None,) * 10 + (3.6, 3.66)),
        DriverScore("growth", 4.8, None, (4.8,)),
    ),
    hidden_reason=None,
    enps=Enps(promoters=6, passives=2, detractors=2),
    comments=(
        "Invoices reach the shop floor two weeks late. " + PING,
        "Thanks for the new checklist,\nit saves us an hour a day.",
    ),
    kudos_received=12,
    kudos_given=8,
    top_values=(("helpful", 5), ("timely", 3)),
    thanked_by=(TeamFlow("Sales", 4), TeamFlow("IT", 2)),
    thanked=(TeamFlow("Logistics", 3),),
    service=ServiceRatingSummary(
        raters=6, average=4.1, previous=3.8, comments=("Quick answers, always.",)
    ),
    service_raters_short=None,
    feedback=FeedbackSummary(
        new=2, open=3, resolved=1, oldest_open_thread="fb_7f3a9c", oldest_open_days=9
    ),
    suggestion=Suggestion(driver="recognition", remedy="recognize"),
    kudos_per_week=(1, 2, 0, 4, 5, 3, 2, 6, 7, 3, 8, 12),
)

# Hidden by the threshold, but still carrying what a buggy caller might leave in: the views
# must not show it anyway.
HIDDEN = dataclasses.replace(
    SHOWN,
    answered=3,
    drivers=None,
    hidden_reason="threshold",
    service=None,
    service_raters_short=3,
)
SECRET_COMMENT = "Invoices reach the shop floor two weeks late."


def full(data: DigestData, *, comments: int = 5, length: int = 300) -> DigestData:
    """The biggest digest the model allows: every part present, long hostile texts."""
    hostile = ("<!channel> & " * 100)[:length]
    return dataclasses.replace(
        data,
        team_name="&" * 200,
        drivers=tuple(DriverScore(driver, 3.5, 3.0, (3.5,) * 12) for driver in figures.DRIVERS),
        comments=(hostile,) * comments,
        top_values=(("&" * 200, 9),) * 3,
        thanked_by=(TeamFlow("<" * 200, 9),) * 3,
        thanked=(TeamFlow(">" * 200, 9),) * 3,
        service=ServiceRatingSummary(9, 4.0, 3.0, (hostile,) * 3),
    )


def rendered(data: DigestData, lang: str) -> str:
    return json.dumps(views.digest_message(data, lang, VALUES), ensure_ascii=False)


def section_texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(
        block["text"]["text"] for block in blocks if block["type"] in ("section", "header")
    )


# ---------------------------------------------------------------------------------------------
# The whole message


@pytest.mark.parametrize("lang", LANGS)
def test_a_full_digest_fits_in_one_slack_message(lang: str) -> None:
    text, blocks = views.digest_message(full(SHOWN), lang)
    assert block_problems(blocks) == []
    assert text
    assert len(blocks[0]["text"]["text"]) <= HEADER_TEXT_MAX


@pytest.mark.parametrize("lang", LANGS)
def test_every_part_is_there_in_order(lang: str) -> None:
    _, blocks = views.digest_message(SHOWN, lang)
    assert blocks[0]["type"] == "header"
    assert blocks[-1]["type"] == "context"
    order = [
        "digest.participation.title",
        "digest.drivers.title",
        "digest.comments.title",
        "digest.kudos.title",
        "digest.service.title",
        "digest.feedback.title",
        "digest.suggestion.title",
    ]
    body = section_texts(blocks)
    positions = [body.index(t(lang, key)) for key in order]
    assert positions == sorted(positions)


def test_the_header_and_fallback_name_the_team_week_and_answers() -> None:
    text, blocks = views.digest_message(SHOWN, "en")
    assert blocks[0]["text"]["text"] == "Billing & Payments · week of November 23, 2026"
    assert text == "Weekly engagement digest for Billing &amp; Payments: 7 of 10 answered"


def test_spanish_managers_read_spanish() -> None:
    text, blocks = views.digest_message(SHOWN, "es")
    body = section_texts(blocks)
    assert "semana del 23 de noviembre de 2026" in body
    assert "Reconocimiento" in body
    assert "2,9 / 5" in body
    assert "respondieron 7 de 10" in text


def test_participation_shows_the_change_from_last_week() -> None:
    body = section_texts(views.digest_message(SHOWN, "en")[1])
    assert "7 of 10 answered (70%) · ↑ 10 pts vs last week" in body
    fewer = dataclasses.replace(SHOWN, previous_answered=9)
    assert "↓ 20 pts" in section_texts(views.digest_message(fewer, "en")[1])


def test_participation_without_last_week_has_no_change() -> None:
    first = dataclasses.replace(SHOWN, previous_answered=None, previous_invited=None)
    body = section_texts(views.digest_message(first, "en")[1])
    assert "7 of 10 answered (70%)" in body
    assert "last week" not in body.split("\n")[1]


# ---------------------------------------------------------------------------------------------
# Anonymity


def test_a_hidden_week_says_how_many_more_answers_are_needed() -> None:
    body = section_texts(views.digest_message(HIDDEN, "en")[1])
    assert "there are 3 answers, and 5 are needed to keep answers anonymous" in body


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("reason", ["threshold", "overlap"])
def test_a_hidden_week_shows_no_scores_no_enps_and_no_comments(lang: str, reason: str) -> None:
    hidden = dataclasses.replace(HIDDEN, hidden_reason=reason)
    shown_json = rendered(SHOWN, lang)
    hidden_json = rendered(hidden, lang)
    for score in (2.9, 4.3, 3.66, 4.8):
        figure = figures.format_score(score, lang)
        assert figure in shown_json
        assert figure not in hidden_json
        assert figures.decimal(score, lang) not in hidden_json
    assert "/ 5" not in hidden_json
    assert "eNPS" not in hidden_json
    assert "+40" not in hidden_json
    assert SECRET_COMMENT not in hidden_json
    assert "checklist" not in hidden_json
    assert t(lang, "digest.comments.title") not in hidden_json
    assert not any(level in hidden_json for level in figures.SPARK_LEVELS)


@pytest.mark.parametrize("lang", LANGS)
def test_a_hidden_week_suggests_nothing_that_would_name_the_weakest_driver(lang: str) -> None:
    hidden_json = rendered(HIDDEN, lang)
    assert t(lang, "digest.suggestion.title") not in hidden_json
    weakest = t(lang, "digest.suggestion.weakest_no_score", driver="").rstrip(".")
    assert weakest.strip() not in hidden_json
    assert t(lang, "digest.suggestion.remedy.recognize") not in hidden_json


def test_an_overlapping_team_is_told_why_in_plain_words() -> None:
    overlap = dataclasses.replace(HIDDEN, answered=7, hidden_reason="overlap")
    body = section_texts(views.digest_message(overlap, "en")[1])
    assert (
        "Not shown this week: compared with another team shown this week (they share people, "
        "or one contains the other), its results could narrow answers down to fewer than 5 "
        "people." in body
    )
    assert "7 of 5" not in body


def test_the_anonymity_rule_says_what_is_protected_and_from_whom_at_the_end() -> None:
    _, blocks = views.digest_message(SHOWN, "en")
    note = blocks[-1]["elements"][0]["text"]
    assert "Protected from you and from every other manager" in note
    assert "only for 5 or more answers" in note
    assert "each comment appears in one digest only" in note
    assert "How many people answered is shown" in note  # what is not protected, said too


# ---------------------------------------------------------------------------------------------
# Scores, arrows, sparklines, eNPS


def test_arrows_compare_with_last_week_from_a_tenth_up() -> None:
    assert figures.trend_arrow(4.3, 4.2) == "↑"  # 0.0999… in binary floats, still a move
    assert figures.trend_arrow(4.2, 4.3) == "↓"
    assert figures.trend_arrow(3.66, 3.6) == "→"
    assert figures.trend_arrow(3.0, 3.0) == "→"
    assert figures.trend_arrow(3.0, None) is None


def test_each_driver_shows_its_score_arrow_and_trend() -> None:
    body = section_texts(views.digest_message(SHOWN, "en")[1])
    assert "*Recognition* · 2.9 / 5 ↓ · `▅▅·▅▆▅··▅▅▅▄`" in body
    assert "*Internal service* · 4.3 / 5 ↑ ·" in body
    assert "*Workload* · 3.7 / 5 → ·" in body
    assert "*Growth* · 4.8 / 5 · `···········█`" in body


def test_sparklines_use_the_fixed_scale_and_dots_for_missing_weeks() -> None:
    assert figures.sparkline([1.0, 5.0, None, 3.0]) == "········▁█·▅"
    assert figures.sparkline([1, 2, 3, 4, 5], weeks=5) == "▁▃▅▆█"
    assert figures.sparkline([None] * 12) == "·" * 12
    assert figures.sparkline([float("nan"), 0.0, 9.0], weeks=3) == "·▁█"
    assert len(figures.sparkline([3.0] * 20)) == 12


def test_enps_counts_promoters_minus_detractors() -> None:
    assert Enps(promoters=6, passives=2, detractors=2).score == 40
    body = section_texts(views.digest_message(SHOWN, "en")[1])
    assert "eNPS +40: 6 promoters · 2 passives · 2 detractors" in body
    negative = dataclasses.replace(SHOWN, enps=Enps(1, 2, 7))
    assert "eNPS -60" in section_texts(views.digest_message(negative, "en")[1])


def test_no_enps_line_in_a_month_without_enps() -> None:
    assert "eNPS" not in rendered(dataclasses.replace(SHOWN, enps=None), "en")


# ---------------------------------------------------------------------------------------------
# What people wrote


def test_comments_are_escaped_so_nobody_is_pinged() -> None:
    body = rendered(SHOWN, "en")
    assert "<!channel>" not in body
    assert "<!here>" not in body
    assert "<@U999>" not in body
    assert "&lt;!channel&gt;" in body


def test_a_comment_line_cannot_end_its_quote() -> None:
    _, blocks = views.digest_message(SHOWN, "en")
    quoted = next(b for b in blocks if "checklist" in b.get("text", {}).get("text", ""))
    assert "> Thanks for the new checklist,\n> it saves us an hour a day." in quoted["text"]["text"]


def test_at_most_five_comments_each_clipped() -> None:
    many = dataclasses.replace(SHOWN, comments=tuple(f"comment {i} " + "x" * 500 for i in range(8)))
    body = rendered(many, "en")
    assert "comment 4" in body
    assert "comment 5" not in body
    assert "x" * 300 not in body


def test_team_names_and_values_are_escaped_too() -> None:
    hostile = dataclasses.replace(
        SHOWN,
        thanked_by=(TeamFlow(PING, 4),),
        top_values=((PING, 2), ("pinging", 1)),
        team_name=PING,
    )
    pinging = ValueInfo("pinging", ":loudspeaker:", PING, PING)
    text, blocks = views.digest_message(hostile, "en", (*VALUES, pinging))
    assert ":loudspeaker: &lt;!channel&gt;" in json.dumps(blocks[1:])
    assert "<!channel>" not in json.dumps(blocks[1:])
    assert "<!channel>" not in text


# ---------------------------------------------------------------------------------------------
# Kudos, service, feedback, suggestion


def test_kudos_name_who_thanked_the_team_and_whom_it_thanked() -> None:
    body = section_texts(views.digest_message(SHOWN, "en", VALUES)[1])
    assert "12 received · 8 given" in body
    assert "Top values: :handshake: Helpful (5), :zap: Timely (3)" in body
    assert "Thanked most by: Sales (4), IT (2)" in body
    assert "Thanked most: Logistics (3)" in body


@pytest.mark.parametrize(
    ("lang", "named"),
    [("en", ":handshake: Helpful (5), :zap: Timely (3)"), ("es", ":handshake: Servicial (5)")],
)
def test_values_are_named_in_the_readers_language(lang: str, named: str) -> None:
    assert named in section_texts(views.digest_message(SHOWN, lang, VALUES)[1])


def test_a_value_missing_from_the_catalogue_is_shown_by_its_key() -> None:
    body = section_texts(views.digest_message(SHOWN, "en", VALUES[1:])[1])
    assert "Top values: helpful (5), :zap: Timely (3)" in body


def test_internal_customers_rating_with_arrow_and_comments() -> None:
    body = section_texts(views.digest_message(SHOWN, "en")[1])
    assert "4.1 / 5 from 6 ratings this month · ↑ vs last month" in body
    assert "> Quick answers, always." in body


def test_too_few_internal_customers_say_how_many_more_are_needed() -> None:
    body = section_texts(views.digest_message(HIDDEN, "en")[1])
    assert "There are 3 ratings so far; 5 are needed" in body
    nothing = dataclasses.replace(SHOWN, service=None, service_raters_short=None)
    assert t("en", "digest.service.title") not in rendered(nothing, "en")


def test_the_oldest_unanswered_feedback_has_a_button_to_open_it() -> None:
    _, blocks = views.digest_message(SHOWN, "en")
    feedback = next(b for b in blocks if "accessory" in b)
    assert "2 new · 3 open · 1 resolved" in feedback["text"]["text"]
    assert "Oldest unanswered: 9 days" in feedback["text"]["text"]
    assert feedback["accessory"]["action_id"] == views.OPEN_FEEDBACK_ACTION
    assert feedback["accessory"]["value"] == "fb_7f3a9c"


def test_no_button_when_nothing_waits_for_an_answer() -> None:
    calm = dataclasses.replace(SHOWN, feedback=FeedbackSummary(0, 0, 4, None, None))
    assert views.OPEN_FEEDBACK_ACTION not in rendered(calm, "en")


@pytest.mark.parametrize("lang", LANGS)
def test_the_suggestion_names_the_weakest_driver_and_a_concrete_remedy(lang: str) -> None:
    body = section_texts(views.digest_message(SHOWN, lang)[1])
    assert t(lang, "digest.suggestion.remedy.recognize") in body
    assert t(lang, "digest.suggestion.tips.recognize.recognition") in body
    assert figures.format_score(2.9, lang) in body.split(t(lang, "digest.suggestion.title"))[1]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("remedy", views.REMEDIES)
@pytest.mark.parametrize("driver", figures.DRIVERS)
def test_every_remedy_has_a_tip_for_every_driver(lang: str, remedy: str, driver: str) -> None:
    data = dataclasses.replace(SHOWN, suggestion=Suggestion(driver, remedy))
    body = section_texts(views.digest_message(data, lang)[1])
    tip = body.split(t(lang, "digest.suggestion.title"))[1]
    assert t(lang, f"digest.suggestion.remedy.{remedy}") in tip
    assert "digest." not in tip  # no raw catalog key
    assert "{" not in tip


# ---------------------------------------------------------------------------------------------
# Plain text for the terminal


@pytest.mark.parametrize("lang", LANGS)
def test_plain_text_carries_the_same_figures(lang: str) -> None:
    plain = views.digest_plain_text(SHOWN, lang, VALUES)
    for figure in (
        "November 23, 2026" if lang == "en" else "23 de noviembre de 2026",
        VALUES[0].label(lang),
        figures.format_score(2.9, lang),
        figures.format_score(4.1, lang),
        "▅▅·▅▆▅··▅▅▅▄",
        "+40",
        "(5)",
        "Sales (4)",
        "Logistics (3)",
        "70",
        t(lang, "digest.feedback.oldest", count=9),
        t(lang, "digest.suggestion.remedy.recognize"),
    ):
        assert figure in plain, figure
    assert SECRET_COMMENT in plain
    assert "*" not in plain
    assert "&amp;" not in plain
    assert "`" not in plain


def test_plain_text_of_a_hidden_week_hides_the_same_things() -> None:
    plain = views.digest_plain_text(HIDDEN, "en")
    assert "there are 3 answers, and 5 are needed to keep answers anonymous" in plain
    assert "/ 5" not in plain
    assert "eNPS" not in plain
    assert SECRET_COMMENT not in plain


def test_plain_text_cannot_carry_terminal_escape_sequences() -> None:
    sneaky = dataclasses.replace(SHOWN, comments=("\x1b[2Jcleared",))
    assert "\x1b" not in views.digest_plain_text(sneaky, "en")


# ---------------------------------------------------------------------------------------------
# The company report


Row = tuple[str, int, int]
Flow = tuple[str, str, int]


def report(rows: list[Row], kudos: list[Flow], k: int = 5, **hidden: str) -> CompanyReport:
    """Rows under k are hidden by the threshold, as the digests' rules would have them; a team
    named in `hidden` is hidden for that reason instead."""
    return CompanyReport(
        participation=tuple(
            TeamParticipation(
                name, answered, invited, hidden.get(name, "threshold" if answered < k else None)
            )
            for name, answered, invited in rows
        ),
        flows=tuple(kudos),
        k=k,
    )


def teams(count: int) -> list[Row]:
    return [(f"Team {i:02d} " + "&" * 60, i % 9, 8) for i in range(count)]


def flows(count: int) -> list[Flow]:
    names = [name for name, _, _ in teams(count)]
    return [(a, b, 1 + (i * j) % 97) for i, a in enumerate(names) for j, b in enumerate(names)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_fits_slack_with_30_teams(lang: str) -> None:
    text, blocks = report_message(report(teams(30), flows(30)), lang)
    assert block_problems(blocks) == []
    assert text
    body = json.dumps(blocks, ensure_ascii=False)
    assert t(lang, "digest.report.flows_truncated", shown=12, hidden=18) in body


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_fits_slack_with_a_thousand_teams(lang: str) -> None:
    _, blocks = report_message(report(teams(1000), flows(40)), lang)
    assert block_problems(blocks) == []
    assert t(lang, "digest.report.more_teams", count=950) in json.dumps(blocks, ensure_ascii=False)


def test_the_report_lists_each_team_and_marks_those_whose_scores_are_hidden() -> None:
    rows = [("Sales", 7, 10), ("IT", 2, 4), ("Platform", 6, 6)]
    text, blocks = report_message(report(rows, [], Platform="overlap"), "en")
    body = section_texts(blocks)
    assert "All teams: 15 of 20 answered (75%)" in body
    assert "• Sales: 7 of 10 answered (70%)\n" in body
    assert "• IT: 2 of 4 answered (50%) · _fewer than 5: scores hidden_" in body
    assert f"• Platform: 6 of 6 answered (100%) · _{t('en', 'digest.hidden.other')}_" in body
    assert "No kudos between teams yet." in body
    assert text == "Aplauso company report: 15 of 20 answered across 3 teams"


def test_the_report_table_shows_who_thanked_whom_in_monospace() -> None:
    rows = [("Sales", 7, 10), ("IT & Ops", 5, 6), ("Logistics", 6, 6)]
    kudos = [("Sales", "IT & Ops", 4), ("Logistics", "Sales", 3), ("Sales", "Logistics", 11)]
    _, blocks = report_message(report(rows, kudos), "en")
    table = next(b["text"]["text"] for b in blocks if "```" in b.get("text", {}).get("text", ""))
    lines = table.split("\n")
    assert lines[0] == lines[-1] == "```"
    assert lines[1].split() == ["from", "↓", "to", "→", "1", "2", "3"]
    assert lines[2].split() == ["1", "Sales", "·", "11", "4"]
    assert lines[3].split() == ["2", "Logistics", "3", "·", "·"]
    assert lines[4].split() == ["3", "IT", "&amp;", "Ops", "·", "·", "·"]
    assert "flows_truncated" not in table


def test_the_report_table_cannot_be_broken_by_a_team_name() -> None:
    _, blocks = report_message(report([], [("```<!channel>", "IT", 2)]), "en")
    body = json.dumps(blocks)
    assert "<!channel>" not in body
    assert body.count("```") == 2


# ---------------------------------------------------------------------------------------------
# The chart


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("data", [SHOWN, HIDDEN, dataclasses.replace(SHOWN, drivers=())])
def test_the_chart_is_a_small_png_for_shown_and_hidden_weeks(lang: str, data: DigestData) -> None:
    png = render_chart(data, lang)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 5_000 < len(png) < 300_000


def test_the_chart_is_900_by_600_pixels() -> None:
    png = render_chart(SHOWN, "en")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert (width, height) == (900, 600)


def test_the_chart_copes_with_dollars_short_histories_and_no_kudos() -> None:
    odd = dataclasses.replace(
        SHOWN,
        team_name="Cost $ center $x$",
        kudos_per_week=(),
        drivers=(DriverScore("recognition", 3.0, None, (3.0,)),),
    )
    assert render_chart(odd, "es").startswith(b"\x89PNG")
