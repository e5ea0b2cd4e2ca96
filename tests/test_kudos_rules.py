"""Kudos rules as plain services over a real database: no Slack involved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engagement.clock import ManualClock
from engagement.directory import Profile
from engagement.errors import DomainError
from engagement.kudos import give_kudos, home_stats, undo_kudos, withdraw_reaction
from engagement.kudos_model import KudosRequest, SourceKind
from engagement.teams import TeamSpec, set_team
from storage.unit_of_work import Database

PROFILES = {
    p.user_id: p
    for p in [
        Profile("UANA", name="ana", display_name="Ana", locale="es-LA", tz="America/Mexico_City"),
        Profile("ULUIS", name="luis", locale="es-ES", tz="Europe/Madrid"),
        Profile("UMAX", name="max", locale="en-US", tz="America/Los_Angeles"),
        Profile("UEVE", name="eve", locale="en-GB", tz="Europe/London"),
        Profile("UZOE", name="zoe", tz="UTC"),
        Profile("UIAN", name="ian", tz="UTC"),
        Profile("UBOT", name="bot", is_bot=True),
        Profile("UGONE", name="gone", deleted=True),
    ]
}


def fetch(user_id: str) -> Profile | None:
    return PROFILES.get(user_id)


def request(giver: str, *receivers: str, key: str = "k1", message: str = "thanks!") -> KudosRequest:
    return KudosRequest(
        giver_id=giver,
        receiver_ids=receivers,
        message=message,
        source_kind=SourceKind.COMMAND,
        source_key=key,
        value_key="helpful",
    )


def test_a_kudos_records_giver_receivers_value_and_what_is_left_today(
    database: Database, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        given = give_kudos(uow, request("UANA", "ULUIS", "UMAX"), fetch, clock())
    assert given.receiver_ids == ("ULUIS", "UMAX")
    assert given.value is not None
    assert given.value.key == "helpful"
    assert given.remaining_today == 3
    assert not given.duplicate


def test_the_same_slack_source_never_counts_twice(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        first = give_kudos(uow, request("UANA", "ULUIS"), fetch, clock())
    with database.unit_of_work() as uow:
        again = give_kudos(uow, request("UANA", "ULUIS"), fetch, clock())
    assert again.duplicate
    assert again.kudos_id == first.kudos_id
    assert again.remaining_today == 4


def test_no_kudos_to_yourself(database: Database, clock: ManualClock) -> None:
    with pytest.raises(DomainError) as raised, database.unit_of_work() as uow:
        give_kudos(uow, request("UANA", "UANA"), fetch, clock())
    assert raised.value.key == "kudos.errors.only_self"


def test_yourself_among_others_is_skipped_and_said(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        given = give_kudos(uow, request("UANA", "UANA", "ULUIS", "UBOT"), fetch, clock())
    assert given.receiver_ids == ("ULUIS",)
    assert [(s.user_id, s.reason) for s in given.skipped] == [("UANA", "self"), ("UBOT", "bot")]


@pytest.mark.parametrize("receiver", ["UBOT", "UGONE", "UNOBODY"])
def test_bots_deactivated_and_unknown_people_get_no_kudos(
    database: Database, clock: ManualClock, receiver: str
) -> None:
    with pytest.raises(DomainError) as raised, database.unit_of_work() as uow:
        give_kudos(uow, request("UANA", receiver), fetch, clock())
    assert raised.value.key == "kudos.errors.not_a_person"


@pytest.mark.parametrize(
    ("message", "key"),
    [("   ", "kudos.errors.message_empty"), ("x" * 1001, "kudos.errors.message_too_long")],
)
def test_a_message_must_be_1_to_1000_characters(
    database: Database, clock: ManualClock, message: str, key: str
) -> None:
    with pytest.raises(DomainError) as raised, database.unit_of_work() as uow:
        give_kudos(uow, request("UANA", "ULUIS", message=message), fetch, clock())
    assert raised.value.key == key


def test_the_daily_limit_counts_receivers_in_the_givers_own_day(
    database: Database, clock: ManualClock
) -> None:
    # 09:00 UTC is 03:00 in Mexico City: Ana's day started at 06:00 UTC.
    with database.unit_of_work() as uow:
        give_kudos(uow, request("UANA", "ULUIS", "UMAX", "UEVE", key="a"), fetch, clock())
        give_kudos(uow, request("UANA", "UZOE", "UIAN", key="b"), fetch, clock())
    with pytest.raises(DomainError) as raised, database.unit_of_work() as uow:
        give_kudos(uow, request("UANA", "ULUIS", key="c"), fetch, clock())
    assert raised.value.key == "kudos.errors.daily_limit"
    assert raised.value.params == {
        "limit": 5,
        "remaining": 0,
        "reset": "00:00 (America/Mexico_City)",
    }
    clock.advance(timedelta(hours=20))  # 05:00 UTC next day: still before midnight in Mexico
    with pytest.raises(DomainError), database.unit_of_work() as uow:
        give_kudos(uow, request("UANA", "ULUIS", key="d"), fetch, clock())
    clock.advance(timedelta(hours=2))  # 07:00 UTC = 01:00 in Mexico City, a new day
    with database.unit_of_work() as uow:
        assert (
            give_kudos(uow, request("UANA", "ULUIS", key="e"), fetch, clock()).remaining_today == 4
        )


def test_a_whole_team_counts_once_against_the_limit(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        given = give_kudos(
            uow,
            request("UANA", "ULUIS", "UMAX", "UEVE", "UZOE", "UIAN"),
            fetch,
            clock(),
            counted_units=1,
        )
    assert len(given.receiver_ids) == 5
    assert given.remaining_today == 4


def test_undo_gives_the_kudos_and_the_limit_back_within_ten_minutes(
    database: Database, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        given = give_kudos(uow, request("UANA", "ULUIS"), fetch, clock())
    clock.advance(timedelta(minutes=9))
    with database.unit_of_work() as uow:
        assert undo_kudos(uow, given.kudos_id, "UANA", clock()).remaining_today == 5
        assert home_stats(uow, "ULUIS", clock()).received_this_month == 0


def test_undo_after_ten_minutes_or_by_someone_else_is_refused(
    database: Database, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        given = give_kudos(uow, request("UANA", "ULUIS"), fetch, clock())
    with pytest.raises(DomainError) as not_yours, database.unit_of_work() as uow:
        undo_kudos(uow, given.kudos_id, "ULUIS", clock())
    assert not_yours.value.key == "kudos.errors.not_your_kudos"
    clock.advance(timedelta(minutes=11))
    with pytest.raises(DomainError) as late, database.unit_of_work() as uow:
        undo_kudos(uow, given.kudos_id, "UANA", clock())
    assert late.value.key == "kudos.errors.undo_expired"


def test_a_reaction_removed_the_same_day_withdraws_its_kudos_but_not_the_next_day(
    database: Database, clock: ManualClock
) -> None:
    reaction = KudosRequest(
        "UEVE", ("ULUIS",), "quoted", SourceKind.REACTION, "reaction:C1:1.0:UEVE"
    )
    with database.unit_of_work() as uow:
        give_kudos(uow, reaction, fetch, clock())
    with database.unit_of_work() as uow:
        assert withdraw_reaction(uow, "reaction:C1:1.0:UEVE", "UEVE", clock() + timedelta(hours=1))
    other = KudosRequest("UEVE", ("ULUIS",), "quoted", SourceKind.REACTION, "reaction:C1:2.0:UEVE")
    with database.unit_of_work() as uow:
        give_kudos(uow, other, fetch, clock())
    with database.unit_of_work() as uow:
        assert (
            withdraw_reaction(uow, "reaction:C1:2.0:UEVE", "UEVE", clock() + timedelta(days=1))
            is None
        )


def test_kudos_remember_which_team_served_which(database: Database, clock: ManualClock) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("Sales", "UANA", ["UANA", "UMAX"]), fetch, clock())
        set_team(uow, TeamSpec("IT", "UEVE", ["ULUIS"], channel_id="CIT"), fetch, clock())
        given = give_kudos(uow, request("UMAX", "ULUIS"), fetch, clock(), kudos_channel="CKUDOS")
        assert given.celebration_channel == "CIT"
        stats = home_stats(uow, "ULUIS", clock())
    assert stats.received_this_month == 1
    assert stats.top_values[0][0].key == "helpful"
    assert stats.leaderboard is not None
    assert [(t.team_name, t.leaders) for t in stats.leaderboard] == [("IT", (("ULUIS", 1),))]


def test_a_team_channel_is_used_only_when_every_receiver_is_in_that_team(
    database: Database, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("IT", "UEVE", ["ULUIS", "UMAX"]), fetch, clock())
        set_team(uow, TeamSpec("Sales", "UANA", ["UMAX"], channel_id="CSALES"), fetch, clock())
        both = give_kudos(
            uow, request("UZOE", "ULUIS", "UMAX", key="a"), fetch, clock(), kudos_channel="CK"
        )
        one = give_kudos(uow, request("UZOE", "UMAX", key="b"), fetch, clock(), kudos_channel="CK")
    assert both.celebration_channel == "CK"
    assert one.celebration_channel == "CSALES"
