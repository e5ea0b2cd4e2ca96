"""Welcome DMs: whoever is put on a team hears once, in their language, what Aplauso does,
what is anonymous and how to opt out; a manager hears once about their digest."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from engagement.teams import TeamChange, TeamSpec
from storage.db import make_engine
from storage.migrate import upgrade
from tests.support.app_harness import RunningApp
from tests.support.databases import DatabaseFactory
from tests.support.pulse_app import TUESDAY, run

CARMEN, ANA, LUIS, EMMA, NOAH = "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U10NOAH"
PRIYA, ROSA, DEPLOYBOT = "U16PRIYA", "U26ROSA", "U90DEPLOYBOT"
IT_GROUP = "S0ITTEAM"
LATER = TUESDAY + timedelta(hours=9)


def welcomes_to(app: RunningApp, user_id: str) -> list[str]:
    app.settle()
    return [
        json.dumps(m, ensure_ascii=False)
        for m in app.fake.dm_messages(user_id)
        if m.get("bot_id") and "aplauso_welcome_" in json.dumps(m.get("blocks"))
    ]


def set_sales(app: RunningApp, members: list[str]) -> None:
    app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, members))


def test_a_new_member_gets_one_short_welcome_in_english(app: RunningApp) -> None:
    set_sales(app, [EMMA, NOAH])
    assert run(app, "welcomes", LATER).startswith("welcomes: sent 3,")
    [welcome] = welcomes_to(app, EMMA)
    assert "Welcome to Aplauso" in welcome
    assert "anonymous" in welcome
    assert "/aplauso pulse off" in welcome
    assert len(welcome) < 3000


def test_a_spanish_speaker_reads_it_in_spanish(app: RunningApp) -> None:
    set_sales(app, [ANA])
    run(app, "welcomes", LATER)
    [welcome] = welcomes_to(app, ANA)
    assert "Te damos la bienvenida" in welcome
    assert "/aplauso pulse off" in welcome


def test_the_manager_is_welcomed_about_the_digest(app: RunningApp) -> None:
    set_sales(app, [EMMA])
    run(app, "welcomes", LATER)
    [welcome] = welcomes_to(app, CARMEN)
    assert "digest" in welcome or "resumen" in welcome
    assert "manage" in welcome or "responsable" in welcome


def test_setting_the_team_twice_welcomes_nobody_twice(app: RunningApp) -> None:
    set_sales(app, [EMMA, NOAH])
    run(app, "welcomes", LATER)
    set_sales(app, [EMMA, NOAH, LUIS])
    app.runtime.services.teams.change_team(TeamChange("Sales", add_member_ids=[ANA]))
    report = run(app, "welcomes", LATER + timedelta(minutes=5))
    assert report.startswith("welcomes: sent 2,")  # Luis and Ana only
    again = run(app, "welcomes", LATER + timedelta(minutes=10))
    assert again == "welcomes: sent 0, skipped 0, failed 0"
    for person in (CARMEN, EMMA, NOAH, LUIS, ANA):
        assert len(welcomes_to(app, person)) == 1, person


def test_someone_on_two_teams_is_welcomed_once_as_member(app: RunningApp) -> None:
    set_sales(app, [EMMA])
    app.runtime.services.teams.set_team(TeamSpec("Support", NOAH, [EMMA]))
    run(app, "welcomes", LATER)
    assert len(welcomes_to(app, EMMA)) == 1
    assert len(welcomes_to(app, NOAH)) == 1  # as manager


def test_a_retried_roster_event_welcomes_once_and_bots_get_nothing(app: RunningApp) -> None:
    app.runtime.services.teams.set_team(TeamSpec("IT", PRIYA, (), usergroup_id=IT_GROUP))
    run(app, "welcomes", LATER)
    event = {
        "type": "subteam_members_changed",
        "subteam_id": IT_GROUP,
        "added_users": [ROSA, DEPLOYBOT],
        "added_users_count": 2,
        "removed_users": [],
        "removed_users_count": 0,
    }
    assert app.slack.event(event, event_id="Ev0WELCOME").status == 200
    assert app.slack.event(event, event_id="Ev0WELCOME", retry_num=1).status == 200
    app.settle()
    assert app.slack.event(event, event_id="Ev0WELCOME2").status == 200  # a second delivery
    report = run(app, "welcomes", LATER + timedelta(minutes=5))
    assert report.startswith("welcomes: sent 1,")
    assert len(welcomes_to(app, ROSA)) == 1
    assert welcomes_to(app, DEPLOYBOT) == []


def test_a_slack_failure_is_retried_once_later_without_duplicates(app: RunningApp) -> None:
    set_sales(app, [EMMA])
    app.fake.fail_next("chat.postMessage", status=200, error="internal_error")
    first = run(app, "welcomes", LATER)
    assert "failed 1" in first
    assert "internal_error (retried later)" in first
    too_soon = run(app, "welcomes", LATER + timedelta(minutes=1))
    assert too_soon == "welcomes: sent 0, skipped 0, failed 0"
    retried = run(app, "welcomes", LATER + timedelta(minutes=15))
    assert retried.startswith("welcomes: sent 1,")
    assert run(app, "welcomes", LATER + timedelta(hours=2)).startswith("welcomes: sent 0,")
    assert len(welcomes_to(app, EMMA)) == 1
    assert len(welcomes_to(app, CARMEN)) == 1


def test_a_refusal_is_not_retried(app: RunningApp) -> None:
    set_sales(app, [EMMA])
    app.fake.fail_next("chat.postMessage", status=200, error="user_not_found", times=2)
    assert "failed 2" in run(app, "welcomes", LATER)
    assert (
        run(app, "welcomes", LATER + timedelta(days=1)) == "welcomes: sent 0, skipped 0, failed 0"
    )


def dms(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def test_putting_people_on_a_team_sends_no_dm_until_the_job_runs(app: RunningApp) -> None:
    set_sales(app, [EMMA])
    assert dms(app, EMMA) == []  # the pulse tests count DMs: welcomes wait for their job


def test_people_already_on_teams_when_welcomes_arrive_are_not_welcomed_later(
    database_factory: DatabaseFactory,
) -> None:
    url = database_factory.empty_url()
    engine = make_engine(url)
    upgrade(engine, "0013")
    now = datetime(2026, 11, 24, tzinfo=UTC)
    with engine.begin() as connection:
        for user_id in ("U1", "U2"):
            connection.execute(
                text("INSERT INTO people (user_id, name, display_name, real_name, is_bot, "
                     "deleted, synced_at) VALUES (:u, 'x', 'X', 'X', false, false, :now)"),
                {"u": user_id, "now": now},
            )  # fmt: skip
        connection.execute(
            text("INSERT INTO teams (name, manager_id, created_at, updated_at) "
                 "VALUES ('Sales', 'U1', :now, :now)"),
            {"now": now},
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO team_members (team_id, user_id) "
                 "SELECT id, 'U2' FROM teams WHERE name = 'Sales'")
        )  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        welcomed = connection.execute(text("SELECT user_id, role, status FROM welcomes"))
        assert sorted(welcomed) == [("U1", "manager", "sent"), ("U2", "member", "sent")]
    engine.dispose()
    database_factory.drop(url)


def test_someone_taken_off_the_team_before_the_job_is_not_welcomed(app: RunningApp) -> None:
    set_sales(app, [EMMA, NOAH])
    app.runtime.services.teams.change_team(TeamChange("Sales", remove_member_ids=[NOAH]))
    assert run(app, "welcomes", LATER).startswith("welcomes: sent 2, skipped 1,")
    assert welcomes_to(app, NOAH) == []
    app.runtime.services.teams.change_team(TeamChange("Sales", add_member_ids=[NOAH]))
    run(app, "welcomes", LATER + timedelta(minutes=5))
    assert len(welcomes_to(app, NOAH)) == 1
