"""The people directory, teams and admins, as services over a real database and a fake Slack."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engagement.admin import AdminService
from engagement.clock import ManualClock
from engagement.directory import Profile, ensure_person, is_targetable
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.people import PeopleService
from engagement.teams import TeamService, TeamSpec, clean_team_name
from storage.db import transaction_open
from storage.unit_of_work import Database


class SlackDirectoryDouble:
    """Stands in for Slack's users.info and user groups, counting how often it is asked.

    As a `PeopleSource`, like the app's guarded Slack client, it refuses to be asked inside
    a transaction.
    """

    def __init__(self, *profiles: Profile, groups: dict[str, list[str]] | None = None) -> None:
        self.profiles = {profile.user_id: profile for profile in profiles}
        self.groups = groups or {}
        self.asked: list[str] = []
        self.down = False

    def __call__(self, user_id: str) -> Profile | None:
        self.asked.append(user_id)
        if self.down:
            raise DirectoryUnavailable("ratelimited")
        return self.profiles.get(user_id)

    def fetch_profile(self, user_id: str) -> Profile | None:
        """The services' way in: as `PeopleSource`."""
        assert not transaction_open(), "Slack asked inside a transaction"
        return self(user_id)

    def all_profiles(self) -> list[Profile]:
        return list(self.profiles.values())

    def usergroup_member_ids(self, usergroup_id: str) -> list[str] | None:
        assert not transaction_open(), "Slack asked inside a transaction"
        return self.groups.get(usergroup_id)


PEOPLE = SlackDirectoryDouble(
    Profile("UANA", name="ana", display_name="Ana", locale="es-LA", tz="Europe/Madrid"),
    Profile("ULUIS", name="luis", real_name="Luis Pérez", locale="es-ES"),
    Profile("UMAX", name="max", locale="en-US", tz="America/Los_Angeles"),
    Profile("UBOT", name="helper-bot", is_bot=True),
    Profile("UGONE", name="gone", deleted=True),
    Profile("USLACKBOT", name="slackbot"),
    groups={"S1": ["UMAX", "UBOT", "UGONE"]},
)


def test_a_person_is_fetched_on_first_sight_and_cached_until_the_next_day(
    database: Database, clock: ManualClock
) -> None:
    """The stamp is the UTC day (a finer one would record when someone acted), so the cache
    holds for the rest of the day of the fetch and one more day."""
    source = SlackDirectoryDouble(*PEOPLE.profiles.values())
    fetched_at = clock()
    start_of_day = fetched_at.replace(hour=0, minute=0, second=0, microsecond=0)
    with database.unit_of_work() as uow:
        assert ensure_person(uow, "UANA", source, fetched_at).display_name == "Ana"
        assert uow.people.get("UANA").synced_at == start_of_day  # type: ignore[union-attr]
        ensure_person(uow, "UANA", source, start_of_day + timedelta(hours=23, minutes=59))
    assert source.asked == ["UANA"]
    with database.unit_of_work() as uow:
        ensure_person(uow, "UANA", source, start_of_day + timedelta(days=1, minutes=1))
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


@pytest.fixture
def slack() -> SlackDirectoryDouble:
    return SlackDirectoryDouble(*PEOPLE.profiles.values(), groups=PEOPLE.groups)


@pytest.fixture
def teams(database: Database, clock: ManualClock, slack: SlackDirectoryDouble) -> TeamService:
    return TeamService(database, PeopleService(database, slack, clock), clock)


@pytest.fixture
def admins(database: Database, clock: ManualClock, slack: SlackDirectoryDouble) -> AdminService:
    return AdminService(database, PeopleService(database, slack, clock), clock)


def test_a_team_is_created_then_updated_by_name(teams: TeamService) -> None:
    assert teams.set_team(TeamSpec("Logistics", "UANA", ["ULUIS", "UMAX"])).created
    second = teams.set_team(TeamSpec("logistics", "ULUIS", ["UMAX"], channel_id="CLOG"))
    assert not second.created
    assert second.team.name == "Logistics"
    [team] = teams.list_teams()
    assert (team.name, team.manager_id, team.member_ids, team.channel_id) == (
        "Logistics",
        "ULUIS",
        ["UMAX"],
        "CLOG",
    )


def test_people_are_asked_of_slack_once_and_never_inside_the_transaction(
    teams: TeamService, slack: SlackDirectoryDouble
) -> None:
    teams.set_team(TeamSpec("Sales", "UANA", ["UMAX", "ULUIS", "UMAX"]))
    teams.set_team(TeamSpec("IT", "UANA", ["UMAX"]))
    assert sorted(slack.asked) == ["UANA", "ULUIS", "UMAX"]


def test_a_person_may_belong_to_several_teams(database: Database, teams: TeamService) -> None:
    teams.set_team(TeamSpec("Sales", "UANA", ["UMAX", "ULUIS"]))
    teams.set_team(TeamSpec("IT", "UANA", ["UMAX"]))
    with database.unit_of_work() as uow:
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
        (TeamSpec("Ops", "UANA", [], usergroup_id="SNOPE"), "kudos.errors.unknown_usergroup"),
    ],
)
def test_a_bad_team_changes_nothing(teams: TeamService, spec: TeamSpec, key: str) -> None:
    with pytest.raises(DomainError) as raised:
        teams.set_team(spec)
    assert raised.value.key == key
    assert teams.list_teams() == []


def test_a_team_synced_from_a_user_group_leaves_its_bots_out_quietly(teams: TeamService) -> None:
    result = teams.set_team(TeamSpec("Support", "UANA", [], usergroup_id="S1"))
    assert result.member_ids == ["UMAX"]
    assert sorted(result.skipped_ids) == ["UBOT", "UGONE"]
    [support] = teams.list_teams()
    assert (support.usergroup_id, support.member_ids) == ("S1", ["UMAX"])


def test_a_team_names_the_teams_that_serve_it(teams: TeamService) -> None:
    teams.set_team(TeamSpec("IT", "UANA", ["UMAX"]))
    teams.set_team(TeamSpec("Logistics", "UANA", ["ULUIS"]))
    teams.set_team(TeamSpec("Sales", "UANA", ["UANA"], served_by=["it", "Logistics"]))
    sales = next(team for team in teams.list_teams() if team.name == "Sales")
    assert sales.served_by == ["IT", "Logistics"]


def test_a_team_cannot_rate_its_own_service(teams: TeamService) -> None:
    teams.set_team(TeamSpec("IT", "UANA", ["UMAX"]))
    with pytest.raises(DomainError) as raised:
        teams.set_team(TeamSpec("IT", "UANA", ["UMAX"], served_by=["IT"]))
    assert raised.value.key == "errors.team_serves_itself"


def test_only_the_manager_or_an_admin_names_up_to_three_suppliers(
    teams: TeamService, admins: AdminService
) -> None:
    for name in ("Sales", "IT", "Legal", "Logistics", "Facilities"):
        teams.set_team(TeamSpec(name, "UANA" if name == "Sales" else "ULUIS", ["UMAX"]))
    with pytest.raises(DomainError) as raised:
        teams.set_suppliers("UMAX", "sales", ["IT"])
    assert raised.value.key == "errors.not_manager"
    assert teams.set_suppliers("UANA", "sales", ["IT", " legal ", "IT", ""]) == ["IT", "Legal"]
    with pytest.raises(DomainError) as raised:
        teams.set_suppliers("UANA", "Sales", ["IT", "Legal", "Logistics", "Facilities"])
    assert raised.value.key == "errors.too_many_suppliers"
    admins.add_admin("UMAX")
    assert teams.set_suppliers("UMAX", "Sales", []) == []


@pytest.mark.parametrize(
    ("raw", "name"),
    [("Sales", "Sales"), ("  Customer   Care ", "Customer Care"), ("x" * 80, "x" * 80)],
)
def test_team_names_fold_their_spaces(raw: str, name: str) -> None:
    assert clean_team_name(raw) == name


@pytest.mark.parametrize("raw", ["", "   ", "x" * 81])
def test_a_team_name_needs_1_to_80_characters(raw: str) -> None:
    with pytest.raises(DomainError, match=r"errors\.team_name"):
        clean_team_name(raw)


def test_admins_are_added_once_and_removed(admins: AdminService) -> None:
    assert admins.add_admin("UANA")
    assert not admins.add_admin("UANA")
    assert admins.is_admin("UANA")
    assert admins.remove_admin("UANA")
    assert not admins.remove_admin("UANA")
    assert not admins.is_admin("UANA")


@pytest.mark.parametrize(
    ("user_id", "key"), [("UBOT", "errors.bot_user"), ("UNOBODY", "errors.unknown_user")]
)
def test_only_a_real_person_can_be_an_admin(admins: AdminService, user_id: str, key: str) -> None:
    with pytest.raises(DomainError) as raised:
        admins.add_admin(user_id)
    assert raised.value.key == key
    assert not admins.is_admin(user_id)
