"""A team bound to a Slack user group follows it: at once through `subteam_members_changed`,
and within a day through the `rosters` job, which reads every bound group again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engagement.teams import TeamChange, TeamSpec
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import TUESDAY, run

IT_GROUP = "S0ITTEAM"
PRIYA, HANNAH, GRACE, ROSA, EMMA = "U16PRIYA", "U20HANNAH", "U18GRACE", "U26ROSA", "U04EMMA"
CARMEN, ANA, LUIS = "U01CARMEN", "U02ANA", "U03LUIS"
DEPLOYBOT = "U90DEPLOYBOT"
IT_MEMBERS = {"U17PABLO", GRACE, "U19TOMAS", HANNAH, "U21RAUL", EMMA}


def bind_it_team(app: RunningApp) -> None:
    spec = TeamSpec("IT", PRIYA, (), usergroup_id=IT_GROUP)
    assert set(app.runtime.services.teams.set_team(spec).member_ids) == IT_MEMBERS


def members(app: RunningApp, team: str) -> set[str]:
    app.settle()
    return set(app.runtime.services.teams.team(team).summary.member_ids)


def group_event(usergroup_id: str, added: list[str], removed: list[str]) -> dict[str, Any]:
    return {
        "type": "subteam_members_changed",
        "subteam_id": usergroup_id,
        "added_users": added,
        "added_users_count": len(added),
        "removed_users": removed,
        "removed_users_count": len(removed),
    }


def test_people_added_to_and_removed_from_the_group_join_and_leave_the_team(
    app: RunningApp,
) -> None:
    bind_it_team(app)
    response = app.slack.subteam_members_changed(
        IT_GROUP, added=[ROSA, DEPLOYBOT], removed=[HANNAH]
    )
    assert response.status == 200
    assert members(app, "IT") == (IT_MEMBERS - {HANNAH}) | {ROSA}  # a bot never joins a team


def test_a_retried_event_is_applied_once(app: RunningApp) -> None:
    bind_it_team(app)
    event = group_event(IT_GROUP, [ROSA], [])
    assert app.slack.event(event, event_id="Ev0ROSTER1").status == 200
    assert ROSA in members(app, "IT")
    app.runtime.services.teams.change_team(TeamChange("IT", remove_member_ids=[ROSA]))
    assert app.slack.event(event, event_id="Ev0ROSTER1", retry_num=1).status == 200
    assert members(app, "IT") == IT_MEMBERS  # the admin's later change stands


def test_a_group_no_team_mirrors_changes_no_team_and_asks_slack_nothing(
    app: RunningApp,
) -> None:
    app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA, LUIS]))
    app.fake.add_usergroup("S0SALES", "sales", [ANA, LUIS])
    app.fake.clear_calls()
    assert app.slack.subteam_members_changed("S0SALES", added=[ROSA], removed=[ANA]).status == 200
    assert members(app, "Sales") == {ANA, LUIS}  # hand-picked members: not bound to the group
    assert app.fake.calls_to("users.info") == []


def test_the_daily_job_corrects_a_missed_event(app: RunningApp) -> None:
    bind_it_team(app)
    app.fake.change_usergroup_members(IT_GROUP, added=[ROSA], removed=[GRACE])  # no event
    report = run(app, "rosters", TUESDAY.replace(hour=3))
    assert "teams changed to match their user group: 1" in report
    assert members(app, "IT") == (IT_MEMBERS - {GRACE}) | {ROSA}
    again = run(app, "rosters", TUESDAY.replace(hour=3) + timedelta(days=1))
    assert again == "rosters: sent 0, skipped 0, failed 0"
    assert members(app, "IT") == (IT_MEMBERS - {GRACE}) | {ROSA}


def test_the_daily_job_reads_each_bound_group_once_and_no_other(app: RunningApp) -> None:
    bind_it_team(app)
    app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA, LUIS]))
    app.fake.clear_calls()
    run(app, "rosters", TUESDAY.replace(hour=3))
    read = [call.params.get("usergroup") for call in app.fake.calls_to("usergroups.users.list")]
    assert read == [IT_GROUP]


def test_a_group_slack_no_longer_has_keeps_the_roster_and_says_what_to_run(
    app: RunningApp,
) -> None:
    bind_it_team(app)
    app.fake.fail_next("usergroups.users.list", status=200, error="no_such_subteam")
    report = run(app, "rosters", TUESDAY.replace(hour=3))
    assert report.startswith("rosters: sent 0, skipped 0, failed 1")
    assert f"user group {IT_GROUP} not read; `aplauso doctor` checks it" in report
    assert members(app, "IT") == IT_MEMBERS
