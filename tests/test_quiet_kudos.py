"""Less noise from kudos: celebrations in one daily thread (an admin setting), and receipt DMs
each time, in one daily summary, or not at all (each person's choice)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp, running_app
from tests.support.pulse_app import rows, run

EMMA, ANA, LUIS, NOAH, CARMEN = "U04EMMA", "U02ANA", "U03LUIS", "U10NOAH", "U01CARMEN"
KUDOS = "C0KUDOS"
RANDOM = "C0RANDOM"  # the bot was never invited there


@pytest.fixture
def kudos_app(database_url: str, clock: Any) -> Iterator[RunningApp]:
    with running_app(database_url, clock, kudos_channel=KUDOS) as running:
        assert running.runtime.services.admin.add_admin(CARMEN)
        yield running


def said(app: RunningApp, text: str, user_id: str) -> str:
    """Runs `/aplauso <text>` and returns the one line the person is answered."""
    app.fake.clear_calls()
    app.slack.slash_command("/aplauso", text, user_id=user_id)
    return json.dumps(app.visible("response_url")[-1], ensure_ascii=False)


def thank(app: RunningApp, giver: str, receiver: str, message: str) -> None:
    app.slack.slash_command("/kudos", f"<@{receiver}> #helpful {message}", user_id=giver)
    app.settle()


def posts(app: RunningApp, channel: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.messages(channel) if m.get("bot_id")]


def dms(app: RunningApp, user_id: str) -> list[str]:
    app.settle()
    return [
        json.dumps(m, ensure_ascii=False) for m in app.fake.dm_messages(user_id) if m.get("bot_id")
    ]


def test_daily_thread_posts_one_parent_a_day_and_threads_every_kudos(kudos_app: RunningApp) -> None:
    app = kudos_app
    assert "daily_thread" in said(app, "set celebrations daily_thread", CARMEN)
    thank(app, EMMA, ANA, "great demo")
    thank(app, NOAH, LUIS, "fixed the build")
    parent, *replies = posts(app, KUDOS)
    assert "Kudos of 2026-11-24" in json.dumps(parent)
    assert "thread_ts" not in parent or parent["thread_ts"] == parent["ts"]
    assert [r["thread_ts"] for r in replies] == [parent["ts"], parent["ts"]]
    assert "great demo" in json.dumps(replies[0])
    assert "fixed the build" in json.dumps(replies[1])
    app.clock.set(app.clock() + timedelta(days=1))
    thank(app, EMMA, NOAH, "next day")
    tops = [m for m in posts(app, KUDOS) if m.get("thread_ts", m["ts"]) == m["ts"]]
    assert len(tops) == 2
    assert "Kudos of 2026-11-25" in json.dumps(tops[1])


def test_the_spanish_admin_words_and_a_spanish_workspace_parent(kudos_app: RunningApp) -> None:
    app = kudos_app
    said(app, "set language es", CARMEN)
    assert "Celebraciones: daily_thread" in said(app, "set celebraciones hilo_diario", CARMEN)
    thank(app, EMMA, ANA, "gran demo")
    parent, reply = posts(app, KUDOS)
    assert "Reconocimientos del 2026-11-24" in json.dumps(parent, ensure_ascii=False)
    assert reply["thread_ts"] == parent["ts"]


def test_an_unknown_celebrations_mode_is_one_friendly_line(kudos_app: RunningApp) -> None:
    answer = said(kudos_app, "set celebrations weekly", CARMEN)
    assert "daily_thread" in answer
    assert "Traceback" not in answer


def test_each_mode_keeps_one_post_per_kudos(kudos_app: RunningApp) -> None:
    thank(kudos_app, EMMA, ANA, "one")
    thank(kudos_app, NOAH, LUIS, "two")
    assert [p.get("thread_ts") for p in posts(kudos_app, KUDOS)] == [None, None]


def test_a_channel_without_the_bot_gets_no_thread_and_the_giver_is_told(
    kudos_app: RunningApp,
) -> None:
    app = kudos_app
    said(app, "set celebrations daily_thread", CARMEN)
    app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA], channel_id=RANDOM))
    thank(app, EMMA, ANA, "thanks")
    assert posts(app, RANDOM) == []  # the strict fake refuses: the bot is not a member
    app.runtime.executor.wait_idle(timeout=15)
    from sqlalchemy import text

    with app.database.engine.connect() as connection:
        threads = connection.execute(text("SELECT count(*) FROM celebration_threads")).scalar()
    assert threads == 0  # freed, so the next kudos tries again once the bot is invited


def test_a_daily_summary_replaces_the_dms_and_comes_once(kudos_app: RunningApp) -> None:
    app = kudos_app
    assert "summary" in said(app, "kudos dms daily", EMMA)
    thank(app, ANA, EMMA, "first thing")
    thank(app, NOAH, EMMA, "second thing")
    assert dms(app, EMMA) == []
    next_morning = app.clock() + timedelta(days=1)
    report = run(app, "kudos_summaries", next_morning)
    assert report.startswith("kudos_summaries: sent 1,")
    [summary] = dms(app, EMMA)
    assert "first thing" in summary
    assert "second thing" in summary
    assert "You received 2 kudos on 2026-11-24" in summary
    again = run(app, "kudos_summaries", next_morning + timedelta(hours=1))
    assert "sent 0" in again
    assert len(dms(app, EMMA)) == 1


def test_a_spanish_speaker_chooses_diario_and_reads_the_summary_in_spanish(
    kudos_app: RunningApp,
) -> None:
    app = kudos_app
    thank(app, EMMA, ANA, "gran demo")  # Aplauso meets Ana, and she gets this one's DM
    assert "Listo" in said(app, "kudos dms diario", ANA)
    thank(app, NOAH, ANA, "gracias por todo")
    assert len(dms(app, ANA)) == 1
    run(app, "kudos_summaries", app.clock() + timedelta(days=1))
    summary = dms(app, ANA)[-1]
    assert "Recibiste 2 reconocimientos el 2026-11-24" in summary
    assert "gracias por todo" in summary


def test_a_summary_slack_failed_is_sent_by_the_next_run(kudos_app: RunningApp) -> None:
    app = kudos_app
    said(app, "kudos dms daily", EMMA)
    thank(app, ANA, EMMA, "hello")
    app.fake.fail_next("chat.postMessage", status=200, error="internal_error")
    morning = app.clock() + timedelta(days=1)
    assert "failed 1" in run(app, "kudos_summaries", morning)
    assert run(app, "kudos_summaries", morning + timedelta(hours=1)).startswith(
        "kudos_summaries: sent 1,"
    )
    assert len(dms(app, EMMA)) == 1


def test_off_sends_nothing_but_the_kudos_is_recorded(kudos_app: RunningApp) -> None:
    app = kudos_app
    assert "App Home" in said(app, "kudos dms off", LUIS)
    thank(app, EMMA, LUIS, "quiet thanks")
    run(app, "kudos_summaries", app.clock() + timedelta(days=1))
    assert dms(app, LUIS) == []
    recorded = rows(app, "SELECT count(*) FROM kudos_receivers WHERE receiver_id = :u", u=LUIS)
    assert recorded == [(1,)]


def test_each_brings_the_dms_back_and_a_bad_choice_explains_itself(kudos_app: RunningApp) -> None:
    app = kudos_app
    said(app, "kudos dms off", LUIS)
    said(app, "kudos dms each", LUIS)
    thank(app, EMMA, LUIS, "welcome back")
    assert len(dms(app, LUIS)) == 1
    assert "cada|diario|no" in said(app, "kudos dms sometimes", LUIS)  # Luis reads Spanish
    assert "each|daily|off" in said(app, "kudos dms sometimes", EMMA)


def test_kudos_arriving_together_share_one_parent(kudos_app: RunningApp) -> None:
    app = kudos_app
    said(app, "set celebrations daily_thread", CARMEN)
    givers = [(EMMA, ANA), (NOAH, LUIS), (ANA, EMMA), (LUIS, NOAH)]
    for giver, receiver in givers:  # acknowledged at once, worked on side by side
        app.slack.slash_command("/kudos", f"<@{receiver}> at once", user_id=giver)
    parent, *replies = posts(app, KUDOS)
    assert len(replies) == len(givers)
    assert {reply.get("thread_ts") for reply in replies} == {parent["ts"]}
