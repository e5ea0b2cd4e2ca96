"""`aplauso demo` shows a living workspace: eleven weeks of history before the played week, so
the digests' 12-week trends have shape; Undo, thanks-back and the monthly service rating; modals
as the person submitted them, in their language; channels by name."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from sandbox.demo_history import SEED, HistoryWeek, score_for
from sandbox.render import view_to_text
from tests.support.played_demo import PlayedDemo

BARS = "▁▂▃▄▅▆▇█"
DRIVER_ROW = re.compile(r"^\s+(\S+)\s+\d[.,]\d / 5\s+(\S{12})$")


@pytest.fixture
def transcript(played_demo: PlayedDemo) -> str:
    return played_demo.transcript


def _digest(transcript: str, team: str) -> list[str]:
    """The lines of one manager's digest, as the transcript prints it."""
    shown = transcript.split("What each manager read, as text", 1)[1]
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{team} · "))
    end = next(
        (i for i in range(start + 3, len(lines)) if " · " in lines[i] and "=" in lines[i + 1]),
        len(lines),
    )
    return lines[start:end]


def _strips(digest: list[str]) -> dict[str, str]:
    """Driver -> its 12-week bar strip, oldest week first."""
    return {m[1]: m[2] for line in digest if (m := DRIVER_ROW.match(line))}


def _answers(user_id: str, week_index: int, seed: int = SEED, n: int = 60) -> list[int]:
    rng = random.Random(seed)
    week = HistoryWeek(week_index, date(2026, 9, 7))
    return [score_for(rng, user_id, week, "wellbeing") for _ in range(n)]


def test_history_answers_are_seeded_and_people_answer_differently() -> None:
    assert _answers("U03LUIS", 0) == _answers("U03LUIS", 0)  # every run is the same
    assert _answers("U03LUIS", 0) != _answers("U03LUIS", 0, seed=SEED + 1)
    upbeat, critical = sum(_answers("U03LUIS", 0)), sum(_answers("U09JAVIER", 0))
    assert upbeat > critical
    # Logistics (Noah) dips in the history's middle weeks and recovers; Sales (Ana) does not
    assert sum(_answers("U10NOAH", 6)) < sum(_answers("U10NOAH", 0))
    assert sum(_answers("U10NOAH", 10)) == sum(_answers("U10NOAH", 0))
    assert sum(_answers("U02ANA", 6)) == sum(_answers("U02ANA", 0))


def test_every_week_before_the_played_one_runs_the_pulse_job_for_everyone(
    transcript: str,
) -> None:
    weeks = re.findall(r"^▶ History, week of (\w+ \d+)", transcript, flags=re.M)
    assert len(weeks) == 11
    assert weeks[0] == "September 7"
    assert weeks[-1] == "November 16"
    assert transcript.count("pulse: sent 21, skipped 0, failed 0") == 12  # 11 weeks + the played
    assert "let it pass" in transcript  # not everyone answers every week


@pytest.mark.parametrize("team", ["IT", "Logistics", "Sales"])
def test_the_digest_trends_show_twelve_weeks_with_history(transcript: str, team: str) -> None:
    strips = _strips(_digest(transcript, team))
    assert len(strips) == 3
    for strip in strips.values():
        assert len(strip) == 12
        assert strip[-1] in BARS  # the played week
        assert sum(ch in BARS for ch in strip[:-1]) >= 2  # and earlier weeks with results


def test_logistics_dips_and_recovers(transcript: str) -> None:
    strips = _strips(_digest(transcript, "Logistics")).values()
    levels = [BARS.index(ch) for strip in strips for ch in strip[4:9] if ch in BARS]
    before = [BARS.index(ch) for strip in strips for ch in strip[:4] if ch in BARS]
    after = [BARS.index(strip[-1]) for strip in strips]
    assert min(levels) < min(before)
    assert min(after) > min(levels)


def test_the_digest_compares_with_last_week_and_last_month(transcript: str) -> None:
    logistics = "\n".join(_digest(transcript, "Logistics"))
    assert "vs last week" in logistics  # participation, week over week
    assert "How your internal customers rate your service" in logistics
    assert "vs last month" in logistics


def test_the_monthly_service_rating_is_asked_and_answered(transcript: str) -> None:
    assert "¿Qué tan bien atendió Logistics a Sales este mes?" in transcript
    assert "¿Qué tan bien atendió IT a Sales este mes?" in transcript
    assert "¿Qué probabilidad hay de que recomiendes trabajar aquí" in transcript  # the eNPS
    showcase = transcript.split("Ana rates how Logistics and IT served Sales", 1)[1]
    assert showcase.splitlines()[1].strip() == "answered 6 questions"


def test_a_kudos_is_undone_with_the_undo_button(transcript: str) -> None:
    undo = transcript.split("▶ Liam presses Undo", 1)[1].split("▶", 1)[0]
    assert "[chat.delete · in #kudos]" in undo  # the celebration is taken down
    assert "[chat.delete · DM to Lucía]" in undo  # and so is Lucía's DM
    assert "that kudos is undone" in undo


def test_thanks_back_opens_the_modal_for_the_giver_and_sends(transcript: str) -> None:
    opened = transcript.split("▶ Javier presses *Darle las gracias*", 1)[1].split("▶", 1)[0]
    assert "¿A quién quieres agradecer?: [ @Emma v ]" in opened
    sent = transcript.split("▶ Javier fills the thanks-back modal", 1)[1].split("▶", 1)[0]
    assert "Valor de servicio (opcional): [ :busts_in_silhouette: Trabajo en equipo v ]" in sent
    assert ":clap: @Javier thanked @Emma for good service!" in sent


def test_the_admin_reads_the_settings_and_adds_a_value_then_it_is_used(transcript: str) -> None:
    assert "*Ajustes de Aplauso*" in transcript
    assert "Umbral de anonimato: 5 personas" in transcript
    assert "Valor :busts_in_silhouette: Teamwork / Trabajo en equipo añadido." in transcript
    assert "*Value:* :busts_in_silhouette: Teamwork" in transcript  # Javier's thanks-back uses it


def test_modals_show_what_was_typed_chosen_and_checked(transcript: str) -> None:
    feedback = transcript.split("▶ Javier (Logistics) writes anonymously", 1)[1].split("▶", 1)[0]
    submitted = feedback.split("[modal, as submitted]", 1)[1]
    assert "Equipo (lo leerá su responsable): [ Logistics v ]" in submitted
    assert "¿De qué se trata?: [ Preocupación v ]" in submitted
    assert "Tu comentario: “Las urgencias de última hora" in submitted
    assert "Privacidad (opcional): [x] Enviar de forma anónima" in submitted
    kudos = transcript.split("▶ Luis fills the modal for Grace", 1)[1].split("▶", 1)[0]
    assert "Valor de servicio (opcional): [ :anchor: Confiable v ]" in kudos
    assert "[x] Celebrarlo en el canal de reconocimientos" in kudos


def test_spanish_modals_say_opcional(transcript: str) -> None:
    assert "Valor de servicio (opcional)" in transcript
    assert "Service value (optional)" in transcript
    assert not re.search(r"(Valor de servicio|Celebración|Privacidad) \(optional\)", transcript)
    assert "(opcional) (opcional)" not in transcript  # a label that says it is not marked twice


def test_channels_are_named_never_shown_as_ids(transcript: str) -> None:
    assert "[chat.postMessage · in #kudos]" in transcript
    assert "También se celebra en #kudos" in transcript
    assert "su resumen está publicado en #kudos" in transcript
    for line in transcript.splitlines():
        if "http" not in line:  # a permalink holds the channel id, as Slack's do
            assert not re.search(r"\b[CGD]0[A-Z0-9]{3,}|#D[A-Z0-9]+|<#", line), line


def test_a_view_renders_as_submitted_in_its_language() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Enviar comentarios"},
        "submit": {"type": "plain_text", "text": "Enviar"},
        "close": {"type": "plain_text", "text": "Cancelar"},
        "blocks": [
            {
                "type": "input",
                "block_id": "opts",
                "optional": True,
                "label": {"type": "plain_text", "text": "Privacidad"},
                "element": {
                    "type": "checkboxes",
                    "action_id": "o",
                    "options": [
                        {
                            "text": {"type": "plain_text", "text": "Enviar de forma anónima"},
                            "value": "a",
                        }
                    ],
                },
            },
            {
                "type": "input",
                "block_id": "who",
                "label": {"type": "plain_text", "text": "¿A quién quieres agradecer?"},
                "element": {"type": "multi_users_select", "action_id": "u"},
            },
        ],
    }
    empty = view_to_text(view, {"U1": "Ana"})
    assert "Privacidad (opcional): [ ] Enviar de forma anónima" in empty
    state = {
        "opts": {"o": {"type": "checkboxes", "selected_options": [{"value": "a"}]}},
        "who": {"u": {"type": "multi_users_select", "selected_users": ["U1"]}},
    }
    filled = view_to_text(view, {"U1": "Ana"}, state=state)
    assert "Privacidad (opcional): [x] Enviar de forma anónima" in filled
    assert "¿A quién quieres agradecer?: [ @Ana v ]" in filled
