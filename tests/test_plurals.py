"""Texts that depend on a number read right for 0, 1 and 2 in English and Spanish.

The catalogue holds each such text as CLDR plural forms (`one`, `other`) and the translator
picks the form with Babel's CLDR rules, so no view writes its own `if count == 1`.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest

from bot.i18n import PLURAL_FORMS, catalog, join_list, plural_form, t
from bot.views import digest as views
from bot.views.digest_text import hidden_message
from engagement.digest_model import FeedbackSummary
from engagement.teams import TeamSpec
from schedules.jobs import JOBS
from tests.support.app_harness import RunningApp
from tests.test_digest import LEGAL, NEXT_MONDAY_NOON, answer_all, digests_to, likert, run, teams
from tests.test_digest_views import HIDDEN, SHOWN

LANGS = ["en", "es"]


def plural_tables(lang: str) -> dict[str, set[str]]:
    """Each plural text of a catalogue (a table whose keys are all CLDR forms) and its forms."""
    children: dict[str, set[str]] = {}
    for key in catalog(lang):
        stem, _, last = key.rpartition(".")
        children.setdefault(stem, set()).add(last)
    nested = {key.rpartition(".")[0] for key in children}  # tables holding tables
    return {
        stem: forms
        for stem, forms in children.items()
        if forms <= set(PLURAL_FORMS) and stem not in nested
    }


# ---------------------------------------------------------------------------------------------
# The rules and the catalogue


def test_cldr_rules_pick_one_only_for_one_in_both_languages() -> None:
    assert [plural_form("en", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert [plural_form("es", n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert plural_form("es", 1_000_000) == "many"  # "1 millón de …": Spanish has a third form


def test_a_form_a_catalogue_lacks_falls_back_to_other() -> None:
    assert "kudos.confirm.remaining.many" not in catalog("es")
    assert t("es", "kudos.confirm.remaining", count=1_000_000) == (
        "Te quedan 1000000 reconocimientos para hoy."
    )


@pytest.mark.parametrize("lang", LANGS)
def test_every_plural_text_has_an_other_form_that_shows_the_count(lang: str) -> None:
    tables = plural_tables(lang)
    assert "digest.hidden.threshold" in tables
    for stem, forms in tables.items():
        assert "other" in forms, stem
        assert "{count}" in catalog(lang)[f"{stem}.other"], stem


def test_both_languages_have_the_same_plural_texts() -> None:
    assert plural_tables("en").keys() == plural_tables("es").keys()


def test_a_plural_text_asked_without_a_count_never_shows_a_raw_template() -> None:
    assert t("en", "kudos.confirm.remaining") == "kudos.confirm.remaining"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["", "Wellbeing", "Wellbeing and Manager", "Wellbeing, Manager, and Alignment"]),
     ("es", ["", "Bienestar", "Bienestar y Responsable", "Bienestar, Responsable y Alineación"])],
)  # fmt: skip
def test_lists_read_as_a_sentence(lang: str, expected: list[str]) -> None:
    names = [t(lang, f"digest.driver.{d}") for d in ("wellbeing", "manager", "alignment")]
    assert [join_list(lang, names[:n]) for n in range(4)] == expected


# ---------------------------------------------------------------------------------------------
# The views, at 0, 1 and 2


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["You have 1 kudos left today.", "You have 2 kudos left today."]),
     ("es", ["Te queda 1 reconocimiento para hoy.", "Te quedan 2 reconocimientos para hoy."])],
)  # fmt: skip
def test_kudos_left_today(lang: str, expected: list[str]) -> None:
    """0 left has its own sentence ("that was your last one"), written by the view."""
    assert t(lang, "kudos.confirm.remaining", count=1) == expected[0]
    assert t(lang, "kudos.confirm.remaining", count=2) == expected[1]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["there are 0 answers, and 5 are needed",
             "there is 1 answer, and 5 are needed",
             "there are 2 answers, and 5 are needed"]),
     ("es", ["hay 0 respuestas y se necesitan 5",
             "hay 1 respuesta y se necesitan 5",
             "hay 2 respuestas y se necesitan 5"])],
)  # fmt: skip
def test_a_hidden_week_counts_its_answers(lang: str, expected: list[str]) -> None:
    for answered, text in enumerate(expected):
        week = dataclasses.replace(HIDDEN, answered=answered)
        assert text in hidden_message(week, lang)
        assert text in json.dumps(views.digest_message(week, lang)[1], ensure_ascii=False)
        assert "necesarias" not in hidden_message(week, lang)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["0 of 5 answered (0%)", "1 of 5 answered (20%)", "2 of 5 answered (40%)"]),
     ("es", ["respondieron 0 de 5 (0 %)", "respondió 1 de 5 (20 %)",
             "respondieron 2 de 5 (40 %)"])],
)  # fmt: skip
def test_participation_agrees_with_how_many_answered(lang: str, expected: list[str]) -> None:
    for answered, text in enumerate(expected):
        week = dataclasses.replace(HIDDEN, answered=answered, invited=5, previous_invited=None)
        fallback, blocks = views.digest_message(week, lang)
        assert text in json.dumps(blocks, ensure_ascii=False)
        assert text.split(" (")[0] in fallback


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["There is 1 rating so far; 5 are needed", "There are 2 ratings so far; 5 are needed"]),
     ("es", ["De momento hay 1 valoración; se necesitan 5",
             "De momento hay 2 valoraciones; se necesitan 5"])],
)  # fmt: skip
def test_too_few_service_ratings_are_counted_right(lang: str, expected: list[str]) -> None:
    for raters, text in enumerate(expected, start=1):
        week = dataclasses.replace(HIDDEN, service_raters_short=raters)
        assert text in views.digest_plain_text(week, lang)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", ["Oldest unanswered: 0 days", "Oldest unanswered: 1 day", "Oldest unanswered: 2 days"]),
     ("es", ["El más antiguo sin responder: 0 días", "El más antiguo sin responder: 1 día",
             "El más antiguo sin responder: 2 días"])],
)  # fmt: skip
def test_the_oldest_unanswered_feedback_counts_days(lang: str, expected: list[str]) -> None:
    for days, text in enumerate(expected):
        waiting = FeedbackSummary(1, 1, 0, "fb_1", days)
        plain = views.digest_plain_text(dataclasses.replace(SHOWN, feedback=waiting), lang)
        assert f"  {text}\n" in plain


# ---------------------------------------------------------------------------------------------
# End to end


def replies(app: RunningApp) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in app.answers()]


def test_a_spanish_giver_is_told_the_kudos_left_in_the_right_form(app: RunningApp) -> None:
    app.runtime.services.people.meet("U03LUIS")  # Aplauso has learned Luis reads Spanish
    for receiver in ("U02ANA", "U04EMMA", "U05DIEGO", "U06OLIVIA"):
        app.slack.slash_command("/kudos", f"<@{receiver}> gracias por todo", user_id="U03LUIS")
    said = " ".join(replies(app))
    for left in ("Te quedan 3 reconocimientos", "Te quedan 2 reconocimientos"):
        assert f"{left} para hoy." in said
    assert "Te queda 1 reconocimiento para hoy." in said
    assert "quedan 1 " not in said


def test_a_spanish_manager_whose_team_gave_one_answer_reads_it_in_the_singular(
    app: RunningApp,
) -> None:
    teams(app, TeamSpec("Legal", "U22ISABEL", LEGAL))
    answer_all(app, LEGAL[:1], likert)
    # A lone answer stays sealed until its week has closed (Tuesday), then it is counted.
    closed = NEXT_MONDAY_NOON + timedelta(days=1)
    app.clock.set(closed)
    JOBS["reminders"].run(app.runtime.services, closed)
    assert run(app, closed).startswith("digest: sent 1")
    [letter] = [m for m in digests_to(app, "U22ISABEL") if m.get("metadata")]
    shown = json.dumps(letter, ensure_ascii=False)
    assert "respondió 1 de 1 (100 %)" in shown
    assert "hay 1 respuesta y se necesitan 5 para mantener el anonimato" in shown
    assert "respuestas necesarias" not in shown
