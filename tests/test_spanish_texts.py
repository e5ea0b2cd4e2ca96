"""The Spanish reads as if a native speaker wrote it: no English inside it, none of the slips
a first read found (§3 of the first-run review), and whole sentences where a number is given."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.i18n import catalog, t
from bot.views.feedback_modal import feedback_modal
from bot.views.help import help_blocks
from bot.views.kudos import kudos_help
from engagement.kudos_model import ValueInfo
from engagement.teams_model import TeamRef
from tests.support.app_harness import RunningApp

MANIFEST = Path(__file__).resolve().parents[1] / "bot" / "app_manifest.yml"
VALUES = (ValueInfo("helpful", ":handshake:", "Helpful", "Servicial"),)

SLIPS = {
    "ni siquiera nosotros": "an impersonal passive cannot take «nosotros»",
    "el momento dice": "a word-for-word copy of «so the timing says less»",
    "el momento diga": "a word-for-word copy of «so the timing says less»",
    "Para: el responsable de": "a label with its own colon, then Slack's",
    "respuestas necesarias": "«2 de 5 respuestas necesarias» reads like a form",
    "valoraciones necesarias": "«3 de 5 valoraciones necesarias» reads like a form",
}


def shortcut_names() -> list[str]:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return [shortcut["name"] for shortcut in manifest["features"]["shortcuts"]]


def prose(text: str) -> str:
    """What a Spanish reader reads as words: code spans and placeholders taken out."""
    return re.sub(r"`[^`]*`|\{[a-z_]+\}", " ", text)


def test_the_manifest_still_has_the_english_shortcut_names_we_look_for() -> None:
    assert shortcut_names() == ["Give kudos", "Give kudos for this"]


@pytest.mark.parametrize("name", shortcut_names())
def test_no_spanish_text_names_a_shortcut_in_english(name: str) -> None:
    assert [key for key, text in catalog("es").items() if name in text] == []


def test_no_spanish_text_says_optional_in_english() -> None:
    assert [key for key, text in catalog("es").items() if "(optional)" in text] == []
    assert "(opcional)" in t("es", "pulse.comment_label")


def test_no_spanish_text_calls_kudos_kudos() -> None:
    """`/kudos` is a command and stays; in a sentence Spanish says «reconocimientos»."""
    english = [k for k, text in catalog("es").items() if re.search(r"\bkudos\b", prose(text))]
    assert english == []


@pytest.mark.parametrize(("slip", "why"), SLIPS.items())
def test_the_slips_of_the_first_review_are_gone(slip: str, why: str) -> None:
    assert [key for key, text in catalog("es").items() if slip in text] == [], why


def test_the_anonymous_feedback_delay_says_what_it_protects_in_spanish_words() -> None:
    assert "la hora de envío no te delata" in t("es", "feedback.modal.protection")


def test_the_feedback_form_names_the_team_in_a_label_that_reads_alone() -> None:
    view = feedback_modal(
        "es", [TeamRef(1, "Logística")], default_team_id=None, small_team_warning=False, k=5
    )
    labels = [block["label"]["text"] for block in view["blocks"] if "label" in block]
    assert "Equipo (lo leerá su responsable)" in labels
    assert not any(label.endswith((":", " de")) for label in labels)


def test_spanish_help_points_to_the_shortcuts_by_where_they_are() -> None:
    _, blocks = kudos_help("es", VALUES, ["clap"], 5)
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "El atajo de Aplauso para dar reconocimientos, en el menú *+*" in shown
    assert "El atajo de Aplauso en el menú *⋮* de cualquier mensaje" in shown
    overview = json.dumps(help_blocks("es", ["Servicial"]), ensure_ascii=False)
    assert "el atajo de Aplauso del menú *+*" in overview
    for name in shortcut_names():
        assert name not in shown
        assert name not in overview


def test_english_help_keeps_the_shortcut_names_people_see_in_slack() -> None:
    _, blocks = kudos_help("en", VALUES, ["clap"], 5)
    shown = json.dumps(blocks)
    assert all(name in shown for name in shortcut_names())


def test_a_spanish_speaker_asking_for_kudos_help_reads_it_all_in_spanish(
    app: RunningApp,
) -> None:
    app.runtime.services.people.meet("U03LUIS")  # Aplauso has learned Luis reads Spanish
    app.slack.slash_command("/kudos", "help", user_id="U03LUIS")
    [reply] = app.answers()
    shown = json.dumps(reply, ensure_ascii=False)
    assert "Cómo dar un reconocimiento" in shown
    for english in (*shortcut_names(), "(optional)"):
        assert english not in shown
