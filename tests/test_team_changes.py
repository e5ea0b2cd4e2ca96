"""Changing and removing teams through the service the CLI uses: only what is named changes,
and a team with unresolved feedback is not removed by accident."""

from __future__ import annotations

import pytest

from engagement.errors import DomainError
from engagement.feedback_model import FeedbackKind, FeedbackRequest
from engagement.teams import TeamChange, TeamSpec
from tests.support.app_harness import RunningApp


def test_a_change_touches_only_what_it_names(app: RunningApp) -> None:
    teams = app.runtime.services.teams
    teams.set_team(TeamSpec("IT", "U16PRIYA", ["U17PABLO"]))
    teams.set_team(TeamSpec("Sales", "U01CARMEN", ["U02ANA", "U03LUIS"], channel_id="C0SALES"))
    teams.change_team(TeamChange("Sales", served_by=["IT"]))
    changed = teams.change_team(TeamChange("sales", add_member_ids=["U04EMMA"]))
    assert not changed.created
    summary = changed.team
    assert (summary.manager_id, summary.channel_id, summary.served_by) == (
        "U01CARMEN",
        "C0SALES",
        ["IT"],
    )
    assert summary.member_ids == ["U02ANA", "U03LUIS", "U04EMMA"]
    cleared = teams.change_team(TeamChange("Sales", channel_id="", served_by=()))
    assert (cleared.team.channel_id, cleared.team.served_by) == (None, [])


def test_a_new_team_needs_a_manager_and_members(app: RunningApp) -> None:
    teams = app.runtime.services.teams
    with pytest.raises(DomainError) as refused:
        teams.change_team(TeamChange("Ops", member_ids=["U02ANA"]))
    assert refused.value.key == "errors.new_team_incomplete"
    assert teams.list_teams() == []


def test_a_team_with_unresolved_feedback_is_removed_only_when_forced(app: RunningApp) -> None:
    services = app.runtime.services
    team = services.teams.set_team(TeamSpec("Legal", "U22ISABEL", ["U23DANIEL", "U24CHLOE"])).team
    request = FeedbackRequest(
        writer_id="U23DANIEL",
        team_id=team.id,
        kind=FeedbackKind.CONCERN,
        text="Los contratos tardan demasiado.",
        anonymous=True,
        delay=False,
        source_key="view:V-legal",
    )
    services.feedback.submit(request, accepted=lambda: None)
    app.settle()
    with pytest.raises(DomainError) as refused:
        services.teams.remove_team("legal")
    assert (refused.value.key, refused.value.params["count"]) == (
        "errors.team_has_open_feedback",
        1,
    )
    assert [t.name for t in services.teams.list_teams()] == ["Legal"]
    removed = services.teams.remove_team("legal", force=True)
    assert (removed.name, removed.member_count, removed.open_feedback) == ("Legal", 2, 1)
    assert services.teams.list_teams() == []


def test_a_name_means_the_one_person_it_names(app: RunningApp) -> None:
    teams = app.runtime.services.teams
    assert teams.people_named("carmen") == [("U01CARMEN", "Carmen")]
    assert teams.people_named("Rosa Méndez") == [("U26ROSA", "Rosa Méndez")]
    assert teams.people_named("nobody at all") == []
