"""The people directory, teams and admins, as plain services over a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engagement.admins import add_admin, is_admin, remove_admin
from engagement.clock import ManualClock
from engagement.directory import Profile, ensure_person, is_targetable
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.teams import TeamSpec, list_teams, set_team
from storage.unit_of_work import Database


class SlackDirectoryDouble:
    """Stands in for Slack's users.info: people by id, counting how often it is asked."""

    def __init__(self, *profiles: Profile) -> None:
        self.profiles = {profile.user_id: profile for profile in profiles}
        self.asked: list[str] = []
        self.down = False

    def __call__(self, user_id: str) -> Profile | None:
        self.asked.append(user_id)
        if self.down:
            raise DirectoryUnavailable("ratelimited")
        return self.profiles.get(user_id)


PEOPLE = SlackDirectoryDouble(
    Profile("UANA", name="ana", display_name="Ana", locale="es-LA", tz="Europe/Madrid"),
    Profile("ULUIS", name="luis", real_name="Luis Pérez", locale="es-ES"),
    Profile("UMAX", name="max", locale="en-US", tz="America/Los_Angeles"),
    Profile("UBOT", name="helper-bot", is_bot=True),
    Profile("UGONE", name="gone", deleted=True),
    Profile("USLACKBOT", name="slackbot"),
)


def test_a_person_is_fetched_on_first_sight_and_cached_for_a_day(
    database: Database, clock: ManualClock
) -> None:
    source = SlackDirectoryDouble(*PEOPLE.profiles.values())
    with database.unit_of_work() as uow:
        assert ensure_person(uow, "UANA", source, clock()).display_name == "Ana"
        ensure_person(uow, "UANA", source, clock() + timedelta(hours=23))
    assert source.asked == ["UANA"]
    with database.unit_of_work() as uow:
        ensure_person(uow, "UANA", source, clock() + timedelta(hours=25))
    assert source.asked == ["UANA", "UANA"]


def test_a_stale_entry_is_used_while_slack_is_rate_limiting(
    database: Database, clock: ManualClock
) -> None:
    source = SlackDirectoryDouble(*PEOPLE.profiles.values())
    with database.unit_of_work() as uow:
        ensure_person(uow, "UANA", source, clock())
    source.down = True
    with database.unit_of_work() as uow:
        assert ensure_person(uow, "UANA", source, clock() + timedelta(days=3)).user_id == "UANA"
        with pytest.raises(DirectoryUnavailable):
            ensure_person(uow, "UMAX", source, clock())


def test_bots_deactivated_people_and_slackbot_are_never_targets(
    database: Database, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        found = {uid: ensure_person(uow, uid, PEOPLE, clock()) for uid in PEOPLE.profiles}
    assert {uid for uid, person in found.items() if is_targetable(person)} == {
        "UANA",
        "ULUIS",
        "UMAX",
    }


def test_a_team_is_created_then_updated_by_name(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        first = set_team(uow, TeamSpec("Logistics", "UANA", ["ULUIS", "UMAX"]), PEOPLE, clock())
        assert first.created
    with database.unit_of_work() as uow:
        second = set_team(
            uow, TeamSpec("logistics", "ULUIS", ["UMAX"], channel_id="CLOG"), PEOPLE, clock()
        )
        assert not second.created
    with database.unit_of_work() as uow:
        [team] = list_teams(uow)
    assert (team.name, team.manager_id, team.member_ids, team.channel_id) == (
        "Logistics",
        "ULUIS",
        ["UMAX"],
        "CLOG",
    )


def test_a_person_may_belong_to_several_teams(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("Sales", "UANA", ["UMAX", "ULUIS"]), PEOPLE, clock())
        set_team(uow, TeamSpec("IT", "UANA", ["UMAX"]), PEOPLE, clock())
        assert [team.name for team in uow.teams.teams_of("UMAX")] == ["IT", "Sales"]


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        (TeamSpec("Ops", "UNOBODY", ["UANA"]), "errors.unknown_user"),
        (TeamSpec("Ops", "UANA", ["UANA", "UNOBODY"]), "errors.unknown_user"),
        (TeamSpec("Ops", "UANA", ["UBOT"]), "errors.bot_user"),
        (TeamSpec("Ops", "UGONE", ["UANA"]), "errors.deactivated_user"),
        (TeamSpec("Ops", "UANA", ["UMAX"], served_by=["Nowhere"]), "errors.unknown_team"),
        (TeamSpec("   ", "UANA", ["UMAX"]), "errors.team_name"),
    ],
)
def test_a_bad_team_changes_nothing(
    database: Database, clock: ManualClock, spec: TeamSpec, key: str
) -> None:
    with pytest.raises(DomainError) as raised, database.unit_of_work() as uow:
        set_team(uow, spec, PEOPLE, clock())
    assert raised.value.key == key
    with database.unit_of_work() as uow:
        assert list_teams(uow) == []


def test_bots_in_a_synced_user_group_are_left_out_quietly(
    database: Database, clock: ManualClock
) -> None:
    spec = TeamSpec(
        "Support", "UANA", ["UMAX", "UBOT", "UGONE"], usergroup_id="S1", members_from_usergroup=True
    )
    with database.unit_of_work() as uow:
        result = set_team(uow, spec, PEOPLE, clock())
    assert result.member_ids == ["UMAX"]
    assert sorted(result.skipped_ids) == ["UBOT", "UGONE"]


def test_a_team_names_the_teams_that_serve_it(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("IT", "UANA", ["UMAX"]), PEOPLE, clock())
        set_team(uow, TeamSpec("Logistics", "UANA", ["ULUIS"]), PEOPLE, clock())
        set_team(
            uow, TeamSpec("Sales", "UANA", ["UANA"], served_by=["it", "Logistics"]), PEOPLE, clock()
        )
    with database.unit_of_work() as uow:
        sales = next(team for team in list_teams(uow) if team.name == "Sales")
    assert sales.served_by == ["IT", "Logistics"]


def test_a_team_cannot_rate_its_own_service(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("IT", "UANA", ["UMAX"]), PEOPLE, clock())
    with pytest.raises(DomainError) as raised, database.unit_of_work() as uow:
        set_team(uow, TeamSpec("IT", "UANA", ["UMAX"], served_by=["IT"]), PEOPLE, clock())
    assert raised.value.key == "errors.team_serves_itself"


def test_admins_are_added_once_and_removed(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        assert add_admin(uow, "UANA", PEOPLE, clock())
        assert not add_admin(uow, "UANA", PEOPLE, clock())
        assert is_admin(uow, "UANA")
        assert remove_admin(uow, "UANA")
        assert not remove_admin(uow, "UANA")
        assert not is_admin(uow, "UANA")


def test_a_bot_cannot_be_an_admin(database: Database, clock: ManualClock) -> None:
    with pytest.raises(DomainError), database.unit_of_work() as uow:
        add_admin(uow, "UBOT", PEOPLE, clock())
