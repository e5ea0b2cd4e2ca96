"""`/aplauso delete my data` and `/aplauso my data`'s file: a person reads everything Aplauso
stores about them, and erases it after one explicit confirmation.

The tables are read straight, as someone with a database dump would read them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.views.privacy import DELETE_ACTION
from engagement.privacy_model import FORMER_COLLEAGUE
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import (
    ANA,
    CARMEN,
    EMMA,
    LUIS,
    TUESDAY,
    click_score,
    make_team,
    pulses_to,
    question_keys,
    rows,
    run,
)

TABLES = (
    "people", "kudos", "kudos_receivers", "kudos_team_links", "team_members", "pulse_optouts",
    "pulse_deliveries", "pulse_pending", "pulse_answers", "pulse_ballots", "team_week_members",
    "admins", "feedback_threads",
)  # fmt: skip


def dump(app: RunningApp) -> dict[str, list[str]]:
    """Every row of every table that could name someone (table names are this file's own)."""
    app.settle()
    return {
        table: sorted(repr(row) for row in rows(app, f"SELECT * FROM {table}"))  # noqa: S608
        for table in TABLES
    }


def aplauso(app: RunningApp, user_id: str, text: str) -> dict[str, Any]:
    """The private answer to `/aplauso text`."""
    before = len(app.visible("response_url"))
    response = app.slack.slash_command("/aplauso", text, user_id=user_id, channel_id="C0GENERAL")
    assert response.status == 200
    return app.visible("response_url")[before]


def confirm(app: RunningApp, user_id: str, confirmation: dict[str, Any]) -> str:
    """Presses the red button of the confirmation (Slack's own dialog has been accepted)."""
    before = len(app.visible("response_url"))
    app.slack.block_action(
        DELETE_ACTION, user_id=user_id, message=confirmation, channel_id="C0GENERAL"
    )
    [answer] = app.visible("response_url")[before:]
    assert answer["replace_original"] is True
    return json.dumps(answer, ensure_ascii=False)


def a_busy_month(app: RunningApp) -> None:
    """Emma gives, receives alone and receives with Ana; others thank each other; Emma opts
    out of the pulse after answering one question of it."""
    make_team(app, "Ops", CARMEN, [EMMA, ANA, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [pulse] = pulses_to(app, EMMA)
    click_score(app, EMMA, pulse, question_keys(pulse)[0], 4)
    for giver, text in (
        (EMMA, f"<@{ANA}> #helpful thanks for the release"),
        (LUIS, f"<@{EMMA}> #helpful only for Emma"),
        (LUIS, f"<@{EMMA}> <@{ANA}> #helpful for both of you"),
        (LUIS, f"<@{ANA}> #helpful just Ana"),
    ):
        app.slack.slash_command("/kudos", text, user_id=giver)
    app.slack.slash_command("/aplauso", "pulse off", user_id=EMMA)
    app.slack.slash_command("/aplauso", "kudos dms daily", user_id=EMMA)
    app.settle()


def kudos_table(app: RunningApp) -> list[tuple[Any, ...]]:
    return rows(
        app,
        "SELECT k.giver_id, r.receiver_id, k.message FROM kudos k "
        "JOIN kudos_receivers r ON r.kudos_id = k.id ORDER BY k.id, r.receiver_id",
    )


def test_the_command_only_asks_and_nothing_is_deleted_before_the_click(app: RunningApp) -> None:
    a_busy_month(app)
    before = dump(app)
    confirmation = aplauso(app, EMMA, "delete my data")
    [button] = [
        element
        for block in confirmation["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert button["action_id"] == DELETE_ACTION
    assert button["style"] == "danger"
    assert button["confirm"]["confirm"]["text"] == "Delete"
    assert "a former colleague" in json.dumps(confirmation)
    assert dump(app) == before


def test_after_the_click_what_names_them_goes_and_what_cannot_stays(app: RunningApp) -> None:
    a_busy_month(app)
    answers = rows(app, "SELECT * FROM pulse_answers") + rows(app, "SELECT * FROM pulse_ballots")
    others_pending = rows(app, "SELECT * FROM pulse_pending WHERE user_id <> :u", u=EMMA)
    assert rows(app, "SELECT count(*) FROM pulse_deliveries WHERE user_id = :u", u=EMMA) == [(1,)]
    assert rows(app, "SELECT mode FROM kudos_dm_preferences WHERE user_id = :u", u=EMMA) == [
        ("daily",)
    ]
    assert rows(app, "SELECT count(*) FROM welcomes WHERE user_id = :u", u=EMMA) == [(1,)]
    delivered = pulses_to(app, EMMA)  # the pulse and two kudos DMs
    said = confirm(app, EMMA, aplauso(app, EMMA, "delete my data"))
    assert "2 kudos you received are gone; 1 kudos you gave" in said
    assert sorted(kudos_table(app)) == [
        (LUIS, ANA, "for both of you"),
        (LUIS, ANA, "just Ana"),
        (FORMER_COLLEAGUE, ANA, "thanks for the release"),
    ]  # the kudos for Emma alone is gone
    for table in ("kudos_receivers", "kudos_team_links", "team_members", "pulse_optouts",
                  "pulse_deliveries", "pulse_pending", "team_week_members", "welcomes",
                  "kudos_dm_preferences", "kudos_summary_claims"):  # fmt: skip
        column = "receiver_id" if table == "kudos_receivers" else "user_id"
        left = rows(app, f"SELECT count(*) FROM {table} WHERE {column} = :u", u=EMMA)  # noqa: S608
        assert left == [(0,)], table
    assert rows(app, "SELECT count(*) FROM kudos k WHERE NOT EXISTS (SELECT 1 FROM "
                "kudos_receivers r WHERE r.kudos_id = k.id)") == [(0,)]  # fmt: skip
    assert rows(app, "SELECT name, display_name, real_name, locale, tz FROM people "
                "WHERE user_id = :u", u=EMMA) == [("", "", "", None, None)]  # fmt: skip
    assert rows(app, "SELECT deleted FROM people WHERE user_id = :u", u=FORMER_COLLEAGUE) == [
        (True,)
    ]
    assert rows(app, "SELECT * FROM pulse_answers") + rows(app, "SELECT * FROM pulse_ballots") == (
        answers
    )  # anonymous: nothing in them leads to Emma
    assert rows(app, "SELECT * FROM pulse_pending WHERE user_id <> :u", u=EMMA) == others_pending
    assert rows(app, "SELECT count(*) FROM team_members WHERE user_id = :u", u=ANA) == [(1,)]
    assert pulses_to(app, EMMA) == delivered  # messages Slack already delivered stay as they are


def test_a_second_click_says_it_was_already_done(app: RunningApp) -> None:
    a_busy_month(app)
    confirmation = aplauso(app, EMMA, "delete my data")
    assert "deleted" in confirm(app, EMMA, confirmation)
    after_first = dump(app)
    assert "already deleted" in confirm(app, EMMA, confirmation)
    assert dump(app) == after_first


def test_in_spanish_the_same_confirmation_and_a_second_click(app: RunningApp) -> None:
    a_busy_month(app)
    before = dump(app)
    confirmation = aplauso(app, ANA, "borrar mis datos")
    assert "¿Borrar tus datos de Aplauso?" in json.dumps(confirmation, ensure_ascii=False)
    assert dump(app) == before
    said = confirm(app, ANA, confirmation)
    assert "Hecho" in said
    assert "3 reconocimientos recibidos" in said
    assert rows(app, "SELECT count(*) FROM kudos_receivers WHERE receiver_id = :u", u=ANA) == [(0,)]
    assert rows(app, "SELECT count(*) FROM kudos_receivers WHERE receiver_id = :u", u=EMMA) == [
        (2,)
    ]  # Luis's kudos for both keeps Emma
    assert "ya estaban borrados" in confirm(app, ANA, confirmation)


def file_in_dm(app: RunningApp, user_id: str) -> dict[str, Any]:
    app.settle()
    [uploaded] = [f for f in app.fake.files.values() if f.completed]
    [message] = [m for m in app.fake.dm_messages(user_id) if m.get("files")]
    assert message["files"][0]["id"] == uploaded.id
    assert uploaded.filename.endswith(".json")
    assert uploaded.content is not None
    data: dict[str, Any] = json.loads(uploaded.content)
    return data


def test_my_data_sends_the_whole_record_as_a_json_file_to_their_dm(app: RunningApp) -> None:
    a_busy_month(app)
    summary = aplauso(app, EMMA, "my data")
    assert "JSON" in json.dumps(summary)
    data = file_in_dm(app, EMMA)
    assert data["user_id"] == EMMA
    assert data["profile"]["real_name"] == "Emma Clark"
    assert data["teams"] == ["Ops"]
    assert [k["message"] for k in data["kudos_given"]] == ["thanks for the release"]
    assert sorted(k["message"] for k in data["kudos_received"]) == [
        "for both of you",
        "only for Emma",
    ]
    assert data["pulse_opted_out_since"] is not None
    assert len(data["pulse_sent"]) == 1
    assert "just Ana" not in json.dumps(data)  # nobody else's kudos
    assert "Ana Torres" not in json.dumps(data)  # nor anybody else's profile


def test_mis_datos_sends_the_file_too_and_after_erasing_it_holds_nothing(app: RunningApp) -> None:
    a_busy_month(app)
    confirm(app, ANA, aplauso(app, ANA, "borrar mis datos"))
    summary = aplauso(app, ANA, "mis datos")  # her language went with her profile's copy
    assert "JSON file" in json.dumps(summary)
    data = file_in_dm(app, ANA)
    assert data["kudos_received"] == []
    assert data["kudos_given"] == []
    assert data["teams"] == []
    assert data["pulse_sent"] == []
    assert data["profile"]["real_name"] == ""


def test_the_daily_jobs_after_an_erasure_leave_the_placeholder_alone(app: RunningApp) -> None:
    a_busy_month(app)
    confirm(app, EMMA, aplauso(app, EMMA, "delete my data"))
    next_week = TUESDAY.replace(hour=20) + timedelta(days=7)
    assert run(app, "rosters", next_week).endswith("failed 0")
    run(app, "pulse", next_week)
    assert app.fake.dm_messages(FORMER_COLLEAGUE) == []
    assert rows(app, "SELECT count(*) FROM pulse_deliveries WHERE user_id IN (:u, :f)",
                u=EMMA, f=FORMER_COLLEAGUE) == [(0,)]  # fmt: skip
    assert rows(app, "SELECT count(*) FROM kudos WHERE giver_id = :f", f=FORMER_COLLEAGUE) == [(1,)]
