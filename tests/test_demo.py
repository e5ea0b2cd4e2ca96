"""`aplauso demo` plays the scripted week and shows what Slack would show, in both languages."""

from __future__ import annotations

import json

from tests.support.played_demo import PlayedDemo


def test_the_demo_plays_every_kind_of_kudos_in_both_languages(played_demo: PlayedDemo) -> None:
    tmp_path = played_demo.out
    text = played_demo.printed
    assert "Help for Aplauso" in text or "recognition and engagement" in text
    assert "reconocimiento y compromiso" in text
    assert "Kudos sent to @Javier" in text
    assert "Reconocimiento enviado a @Pablo" in text
    assert "reacción" in text  # a reaction kudos, told to a Spanish speaker
    assert "yourself" in text  # the self-kudos attempt is refused kindly
    assert "límite" in text  # the over-the-limit attempt
    assert "pulse: sent 21" in text  # everyone in a team, in their own time zone
    assert "pulse: sent 0" in text  # the second run sends nothing twice
    # the pulse goes out on several threads, so which DMs the transcript shows last varies:
    # look at every call Slack received instead
    sent = " ".join(p.read_text() for p in (tmp_path / "slack-calls").glob("*.json"))
    assert "Tu pulso semanal" in sent
    assert "Your weekly pulse" in sent
    assert "reminders: sent 2" in text  # only the two who neither answered, skipped nor stopped
    assert "Legal: 2 of 3 answered" in text
    assert "Anonymous feedback for Logistics" in text  # James reads Javier's Spanish note
    assert "Anonymous reply:" in text
    assert "Hay novedades en una de tus conversaciones" in text  # news, never its words
    assert "menos de 5 personas" in text  # the small-team warning in Legal
    assert "Los más reconocidos esta semana" in text  # /kudos top semana
    assert "Invierno" in text  # the season an admin started and ended
    assert "Demo finished" in text
    updates = [json.loads(p.read_text()) for p in (tmp_path / "slack-calls").glob("*.json")]
    edited = [c for c in updates if c["method"] == "chat.update" and "en una hora" in str(c)]
    assert edited  # Diego's edited @mention: its kudos post shows the new words
    assert "Patrones que conviene mirar" in sent  # Carmen's report: her five-at-once kudos
    calls = sorted((tmp_path / "slack-calls").glob("*.json"))
    assert calls
    first = json.loads(calls[0].read_text())
    assert {"seq", "method", "params", "ok", "response"} <= set(first)
    assert (tmp_path / "transcript.txt").read_text().startswith("Aplauso demo")
