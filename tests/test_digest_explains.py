"""The digest explains itself: "lowest" only when one driver is lowest, a legend for the
12-week bar strip, and a chart whose lines stay visible when they coincide, with values
written on it and kudos said to be the ones received."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.i18n import t
from bot.views import digest as views
from bot.views.digest_chart import chart_figure
from engagement.digest_model import DigestData, DriverScore, Suggestion
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp
from tests.test_digest import IT, NEXT_MONDAY_NOON, WEEK, answer_all, digests_to, run, teams
from tests.test_digest_views import HIDDEN, SHOWN

LANGS = ["en", "es"]
LEVEL = ("wellbeing", "manager", "alignment")
SALES = ["U05DIEGO", "U06OLIVIA", "U07SOFIA", "U08JAMES", "U09JAVIER", "U10NOAH"]


def week_with(scores: dict[str, float], suggest: str, *, lowest: bool) -> DigestData:
    drivers = tuple(
        DriverScore(driver, score, None, (None,) * 10 + (score - 0.5, score))
        for driver, score in scores.items()
    )
    return dataclasses.replace(
        SHOWN,
        drivers=drivers,
        suggestion=Suggestion(suggest, "plan", lowest=lowest),
        kudos_per_week=(0,) * 10 + (2, 5),
    )


TIED = week_with(dict.fromkeys(LEVEL, 4.4), "alignment", lowest=False)
ONE_LOWEST = week_with(
    {"wellbeing": 4.5, "manager": 4.5, "alignment": 4.4}, "alignment", lowest=True
)


def suggestion_of(data: DigestData, lang: str) -> str:
    plain = views.digest_plain_text(data, lang)
    return plain.split(t(lang, "digest.suggestion.title"))[1]


def names(lang: str, drivers: tuple[str, ...] = LEVEL) -> list[str]:
    return [t(lang, f"digest.driver.{driver}") for driver in drivers]


# ---------------------------------------------------------------------------------------------
# "Lowest" only when it is true


@pytest.mark.parametrize("lang", LANGS)
def test_three_level_drivers_are_said_to_be_level_not_one_lowest(lang: str) -> None:
    said = suggestion_of(TIED, lang)
    assert t(lang, "digest.suggestion.weakest", driver="", score="").split(":")[0] not in said
    assert all(name in said for name in names(lang))
    assert ("4.4 / 5" if lang == "en" else "4,4 / 5") in said


def test_the_level_sentence_reads_naturally_in_both_languages() -> None:
    assert "No single driver is lowest this week: Wellbeing, Manager, and Alignment share" in (
        suggestion_of(TIED, "en")
    )
    assert "ningún aspecto queda por debajo de los demás: Bienestar, Responsable y Alineación" in (
        suggestion_of(TIED, "es")
    )


@pytest.mark.parametrize("lang", LANGS)
def test_a_driver_a_tenth_below_the_others_is_the_lowest(lang: str) -> None:
    said = suggestion_of(ONE_LOWEST, lang)
    score = "4.4 / 5" if lang == "en" else "4,4 / 5"
    assert t(lang, "digest.suggestion.weakest", driver=names(lang)[2], score=score) in said


@pytest.mark.parametrize("lang", LANGS)
def test_a_single_driver_is_worth_a_look_not_the_lowest(lang: str) -> None:
    alone = week_with({"growth": 3.1}, "growth", lowest=False)
    said = suggestion_of(alone, lang)
    score = "3.1 / 5" if lang == "en" else "3,1 / 5"
    assert (
        t(lang, "digest.suggestion.focus", driver=t(lang, "digest.driver.growth"), score=score)
        in said
    )


# ---------------------------------------------------------------------------------------------
# The bar strip's legend


@pytest.mark.parametrize("lang", LANGS)
def test_the_bar_strip_has_its_legend_under_the_scores(lang: str) -> None:
    _, blocks = views.digest_message(SHOWN, lang)
    hint = t(lang, "digest.drivers.hint")
    [scores] = [b["text"]["text"] for b in blocks if "▅▅·▅▆▅··▅▅▅▄" in str(b)]
    assert f"_{hint}_" in scores
    assert "12" in hint
    assert f"  {hint}\n" in views.digest_plain_text(SHOWN, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_hidden_week_has_no_bar_strip_and_no_legend_for_it(lang: str) -> None:
    assert t(lang, "digest.drivers.hint") not in json.dumps(
        views.digest_message(HIDDEN, lang)[1], ensure_ascii=False
    )
    assert t(lang, "digest.drivers.hint") not in views.digest_plain_text(HIDDEN, lang)


# ---------------------------------------------------------------------------------------------
# The chart


def texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def driver_lines(figure: Figure) -> list[Any]:
    return [
        line for line in figure.axes[0].get_lines() if not str(line.get_label()).startswith("_")
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_level_lines_stay_visible_side_by_side_each_with_its_own_look(lang: str) -> None:
    lines = driver_lines(chart_figure(TIED, lang))
    assert [line.get_label() for line in lines] == names(lang)
    assert len({line.get_linestyle() for line in lines}) == 3
    assert len({line.get_marker() for line in lines}) == 3
    latest = [float(line.get_xdata()[-1]) for line in lines]
    assert len(set(latest)) == 3  # not drawn on top of each other
    assert max(latest) - min(latest) < 0.7  # but still over the same week
    assert [float(line.get_ydata()[-1]) for line in lines] == [4.4] * 3  # values untouched


@pytest.mark.parametrize(("lang", "label"), [("en", "4.4"), ("es", "4,4")])
def test_each_latest_score_is_written_on_the_chart(lang: str, label: str) -> None:
    shown = texts(chart_figure(TIED, lang))
    assert shown.count(label) == 3
    assert "3,9" not in shown  # only the latest score, not every point
    assert "3.9" not in shown


@pytest.mark.parametrize(
    ("lang", "axis", "title"),
    [("en", "kudos received", "Kudos received per week"),
     ("es", "reconocimientos recibidos", "Reconocimientos recibidos por semana")],
)  # fmt: skip
def test_the_kudos_panel_says_they_are_the_kudos_received(lang: str, axis: str, title: str) -> None:
    figure = chart_figure(TIED, lang)
    kudos = figure.axes[1]
    assert kudos.get_ylabel() == axis
    assert kudos.get_title() == title
    bar_labels = [text.get_text() for text in kudos.texts]
    assert [label for label in bar_labels if label] == ["2", "5"]


@pytest.mark.parametrize(
    ("lang", "why"), [("en", "there are 3 answers"), ("es", "hay 3 respuestas")]
)
def test_a_hidden_week_chart_writes_no_score(lang: str, why: str) -> None:
    figure = chart_figure(HIDDEN, lang)
    assert driver_lines(figure) == []
    shown = texts(figure)
    assert not any(text.replace(",", ".") in {"2.9", "4.3", "3.7", "4.8"} for text in shown)
    assert why in " ".join(shown).replace("\n", " ")


# ---------------------------------------------------------------------------------------------
# End to end: the digest job, with every person giving the same score (as in the demo)


def same_score(_: int, scale: str) -> int:
    return 10 if scale == "enps" else 4


def test_managers_of_level_teams_are_not_told_one_driver_is_lowest(app: RunningApp) -> None:
    teams(app, TeamSpec("IT", "U16PRIYA", IT), TeamSpec("Ventas", "U01CARMEN", SALES))
    answer_all(app, IT + SALES, same_score)
    assert run(app, NEXT_MONDAY_NOON).startswith("digest: sent 2")
    for manager, lang in (("U16PRIYA", "en"), ("U01CARMEN", "es")):
        [letter] = [m for m in digests_to(app, manager) if m.get("metadata")]
        shown = json.dumps(letter, ensure_ascii=False)
        assert t(lang, "digest.drivers.hint") in shown
        assert t(lang, "digest.suggestion.weakest", driver="", score="").split(":")[0] not in shown
        assert t(lang, "digest.suggestion.tied", drivers="", score="", driver="")[:20] in shown


def test_the_chart_of_a_level_team_shows_every_line(app: RunningApp) -> None:
    teams(app, TeamSpec("Ventas", "U01CARMEN", SALES))
    answer_all(app, SALES, same_score)
    [letter] = app.runtime.services.digest.letters(WEEK)
    assert letter.lang == "es"
    assert letter.data.drivers is not None
    assert len(letter.data.drivers) > 1
    figure = chart_figure(letter.data, letter.lang)
    lines = driver_lines(figure)
    assert len(lines) == len(letter.data.drivers)
    assert len({float(line.get_xdata()[-1]) for line in lines}) == len(lines)
    assert figure.axes[1].get_ylabel() == "reconocimientos recibidos"


# ---------------------------------------------------------------------------------------------
# Dates as each language writes them


@pytest.mark.parametrize(
    ("lang", "header", "first_week", "last_week"),
    [("en", "Billing & Payments · week of November 23, 2026", "7 Sep", "23 Nov"),
     ("es", "Billing & Payments · semana del 23 de noviembre de 2026", "7 sept", "23 nov")],
)  # fmt: skip
def test_dates_read_as_dates_not_iso(
    lang: str, header: str, first_week: str, last_week: str
) -> None:
    _, blocks = views.digest_message(SHOWN, lang)
    assert blocks[0]["text"]["text"] == header
    figure = chart_figure(SHOWN, lang)
    assert figure.get_suptitle() == header
    weeks = [label.get_text() for label in figure.axes[1].get_xticklabels()]
    assert (weeks[0], weeks[-1]) == (first_week, last_week)
    assert "2026-11-23" not in views.digest_plain_text(SHOWN, lang)
