"""`aplauso demo` shows issue #17's features in the played week: less noise (a daily thread,
a daily summary), kudos that follow a deleted message, people who leave and join, each person's
own data, and a kudos emoji on one's own message."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.played_demo import PlayedDemo


@pytest.fixture(scope="module")
def shown(played_demo: PlayedDemo) -> str:
    """The part of the transcript the features play in, after the digests."""
    return played_demo.transcript.split("wants less noise in #kudos", 1)[1]


def _step(shown: str, narration: str) -> str:
    """What one step showed, up to the next step."""
    return shown.split(narration, 1)[1].split("\n▶ ", 1)[0]


def _calls(played_demo: PlayedDemo, method: str) -> list[dict[str, Any]]:
    return [c for c in played_demo.slack_calls() if c["method"] == method and c["ok"]]


def test_an_admin_moves_celebrations_to_the_days_thread(shown: str) -> None:
    assert "Celebraciones: daily_thread" in shown.split("\n▶ ", 1)[0]
    ana = _step(shown, "Ana thanks Emma")
    assert "*:clap: Kudos of 2026-11-30*" in ana
    assert "DM to Emma" not in ana  # she chose a daily summary


def test_kudos_in_the_thread_reply_to_the_days_parent(played_demo: PlayedDemo) -> None:
    posts = _calls(played_demo, "chat.postMessage")
    parents = {
        c["response"]["ts"]: c for c in posts if "Kudos of 2026-11-30" in json.dumps(c["params"])
    }
    assert parents
    replies = [c for c in posts if c["params"].get("thread_ts") in parents]
    assert any("thanks for covering my shift" in json.dumps(c["params"]) for c in replies)


def test_the_daily_summary_comes_the_next_morning_in_one_dm(shown: str) -> None:
    summary = _step(shown, "The kudos summaries job sends Emma")
    assert "kudos_summaries: sent 1, skipped 0, failed 0" in summary
    assert "You received 2 kudos on 2026-11-30." in summary


def test_a_deleted_mention_takes_its_kudos_back(shown: str) -> None:
    deleted = _step(shown, "Sofía thanks Pablo with an @mention")
    assert "the message it came from was deleted" in deleted
    assert "[chat.delete · DM to Pablo]" in deleted


def test_people_who_leave_read_as_a_former_colleague_and_admins_hear_of_a_manager(
    shown: str,
) -> None:
    assert "a former colleague :anchor:: thanks for covering my shift" in shown
    home = _step(shown, "Emma opens her Home tab")
    assert "a former colleague  ·  :anchor: Reliable" in home
    told = _step(shown, "Isabel, Legal's manager, leaves too")
    assert "[chat.postMessage · DM to Carmen]" in told
    assert 'aplauso team set "Legal" --manager' in told
    handed = _step(shown, "Carmen hands Legal to Daniel")
    assert "Legal's manager is now Daniel" in handed


def test_someone_put_on_a_team_is_welcomed_once(played_demo: PlayedDemo, shown: str) -> None:
    assert "welcomes: sent 25, skipped 0, failed 0" in played_demo.transcript  # at set-up
    welcome = _step(shown, "Five minutes later the welcomes job greets Rosa")
    assert "welcomes: sent 2, skipped 0, failed 0" in welcome  # Rosa, and Daniel as manager
    assert "DM to Rosa Méndez" in welcome
    assert "DM to Daniel" in welcome
    assert "Te damos la bienvenida a Aplauso" in welcome


def test_my_data_comes_as_a_file_and_deleting_it_asks_first(
    played_demo: PlayedDemo, shown: str
) -> None:
    mine = _step(shown, "Luis asks for everything Aplauso keeps about him")
    assert "Lo que Aplauso guarda de ti" in mine
    assert "[files.completeUploadExternal · DM to Luis]" in mine
    assert _calls(played_demo, "files.completeUploadExternal")
    asked = _step(shown, "Chloe asks Aplauso to forget her")
    assert "Nothing is deleted until you press the button and confirm." in asked
    assert "your Aplauso data is deleted" not in asked
    assert "your Aplauso data is deleted" in _step(shown, "Chloe confirms")


def test_a_kudos_emoji_on_ones_own_message_gives_nothing_and_admins_see_it(shown: str) -> None:
    own = _step(shown, "puts :clap: on his own message: it gives nothing")
    assert own.strip() == ""  # no kudos, no post, no message to him
    report = _step(shown, "Carmen reads `/aplauso report` again")
    assert "@Tomás reaccionó con un emoji de reconocimiento a un mensaje suyo" in report
