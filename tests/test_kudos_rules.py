"""`KudosService` over a real database with Slack replaced by doubles that refuse to be called
inside a transaction (the pure rules are in `tests/test_kudos_pure_rules.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bot.markup import read_kudos_markup
from engagement.clock import ManualClock
from engagement.directory import Profile
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.kudos import KudosService, reaction_source_key
from engagement.kudos_model import (
    GivenKudos,
    KudosRequest,
    QuotedMessage,
    Reaction,
    SourceKind,
)
from engagement.people import PeopleService
from engagement.teams import TeamSpec, set_team
from storage.db import transaction_open
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


def outside_transactions(what: str) -> None:
    assert not transaction_open(), f"{what} called inside a transaction"


@dataclass
class FakeSlack:
    """The three Slack ports at once: directory, message look-up and notifier."""

    profiles: dict[str, Profile] = field(default_factory=lambda: dict(PROFILES))
    groups: dict[str, list[str]] = field(default_factory=dict)
    messages: dict[tuple[str, str], QuotedMessage] = field(default_factory=dict)
    listed: int = 0
    told: list[tuple[str, str, str]] = field(default_factory=list)  # (receiver, lang, message)
    celebrated: list[tuple[str, str]] = field(default_factory=list)  # (channel, lang)
    removed: list[tuple[str, str]] = field(default_factory=list)
    dms_removed: list[tuple[int, str]] = field(default_factory=list)

    def fetch_profile(self, user_id: str) -> Profile | None:
        outside_transactions("users.info")
        return self.profiles.get(user_id)

    def all_profiles(self) -> Iterator[Profile]:
        outside_transactions("users.list")
        self.listed += 1
        return iter(list(self.profiles.values()))

    def usergroup_member_ids(self, usergroup_id: str) -> list[str] | None:
        outside_transactions("usergroups.users.list")
        return self.groups.get(usergroup_id)

    def find_message(self, channel_id: str, ts: str) -> QuotedMessage | None:
        outside_transactions("conversations.history")
        return self.messages.get((channel_id, ts))

    def permalink(self, channel_id: str, ts: str) -> str | None:
        outside_transactions("chat.getPermalink")
        return f"https://slack.example/{channel_id}/{ts}"

    def tell_receiver(self, kudos: GivenKudos, receiver_id: str, lang: str) -> None:
        outside_transactions("chat.postMessage")
        self.told.append((receiver_id, lang, kudos.message))

    def celebrate(self, kudos: GivenKudos, channel_id: str, lang: str) -> str | None:
        outside_transactions("chat.postMessage")
        self.celebrated.append((channel_id, lang))
        return f"{len(self.celebrated)}.0001"

    def remove_celebration(self, channel_id: str, ts: str) -> None:
        outside_transactions("chat.delete")
        self.removed.append((channel_id, ts))

    def is_member(self, channel_id: str) -> bool | None:
        outside_transactions("conversations.history")
        return True

    def remove_receiver_dm(self, kudos_id: int, receiver_id: str) -> None:
        outside_transactions("chat.delete")
        self.dms_removed.append((kudos_id, receiver_id))

    def has_custom_emoji(self, name: str) -> bool | None:
        outside_transactions("emoji.list")
        return True  # this workspace uploaded :aplauso:

    def update_celebration(self, kudos: GivenKudos, channel_id: str, ts: str, lang: str) -> None:
        outside_transactions("chat.update")

    def mark_celebration_withdrawn(self, channel_id: str, ts: str, lang: str) -> None:
        outside_transactions("chat.update")


@pytest.fixture
def slack() -> FakeSlack:
    return FakeSlack()


@pytest.fixture
def service(database: Database, clock: ManualClock, slack: FakeSlack) -> KudosService:
    people = PeopleService(database, slack, clock)
    return KudosService(database, people, clock, slack, slack, kudos_channel="CKUDOS")


def request(giver: str, *receivers: str, key: str = "k1", message: str = "thanks!") -> KudosRequest:
    return KudosRequest(
        giver_id=giver,
        receiver_ids=receivers,
        message=message,
        source_kind=SourceKind.COMMAND,
        source_key=key,
        value_key="helpful",
    )


def give_typed(service: KudosService, text: str, key: str, giver: str = "UANA") -> GivenKudos:
    return service.give_from_text(
        giver_id=giver,
        text=read_kudos_markup(text),
        source_kind=SourceKind.COMMAND,
        source_key=key,
    )


def refusal(service: KudosService, kudos: KudosRequest) -> DomainError:
    with pytest.raises(DomainError) as raised:
        service.give(kudos)
    return raised.value


# --- the service ------------------------------------------------------------------------------


def test_a_kudos_records_giver_receivers_value_and_what_is_left_today(
    service: KudosService, slack: FakeSlack
) -> None:
    given = service.give(request("UANA", "ULUIS", "UMAX"))
    assert given.receiver_ids == ("ULUIS", "UMAX")
    assert given.value is not None
    assert given.value.key == "helpful"
    assert given.remaining_today == 3
    assert not given.duplicate
    assert slack.told == [("ULUIS", "es", "thanks!"), ("UMAX", "en", "thanks!")]
    assert slack.celebrated == [("CKUDOS", "en")]


def test_the_giver_hears_first_then_the_receivers(service: KudosService, slack: FakeSlack) -> None:
    heard: list[tuple[int, int]] = []
    service.give(
        request("UANA", "ULUIS"),
        on_recorded=lambda given: heard.append((given.kudos_id, len(slack.told))),
    )
    assert heard == [(heard[0][0], 0)]
    assert len(slack.told) == 1


def test_the_same_slack_source_never_counts_twice(service: KudosService, slack: FakeSlack) -> None:
    first = service.give(request("UANA", "ULUIS"))
    again = service.give(request("UANA", "ULUIS"))
    assert again.duplicate
    assert again.kudos_id == first.kudos_id
    assert again.remaining_today == 4
    assert len(slack.told) == 1


def test_a_retry_of_the_kudos_that_used_up_the_day_is_its_twin_not_a_refusal(
    service: KudosService, slack: FakeSlack
) -> None:
    """The rules see the day's kudos, the first delivery included: a retry of the one that
    took the last of the allowance must still come back as that kudos, said nothing of."""
    service.give(request("UANA", "ULUIS", "UMAX", "UEVE", key="a"))
    last = service.give(request("UANA", "UZOE", "UIAN", key="b"))
    again = service.give(request("UANA", "UZOE", "UIAN", key="b"))
    assert again.duplicate
    assert again.kudos_id == last.kudos_id
    assert again.remaining_today == 0
    assert len(slack.told) == 5  # the retry told nobody again


def test_no_kudos_to_yourself(service: KudosService) -> None:
    error = refusal(service, request("UANA", "UANA"))
    assert (error.key, error.field) == ("kudos.errors.only_self", "receivers")


def test_yourself_among_others_is_skipped_and_said(service: KudosService) -> None:
    given = service.give(request("UANA", "UANA", "ULUIS", "UBOT"))
    assert given.receiver_ids == ("ULUIS",)
    assert [(s.user_id, s.reason) for s in given.skipped] == [("UANA", "self"), ("UBOT", "bot")]


@pytest.mark.parametrize("receiver", ["UBOT", "UGONE", "UNOBODY"])
def test_bots_deactivated_and_unknown_people_get_no_kudos(
    service: KudosService, receiver: str
) -> None:
    error = refusal(service, request("UANA", receiver))
    assert error.key == "kudos.errors.not_a_person"
    assert error.params == {"user": receiver}


@pytest.mark.parametrize(
    ("message", "key"),
    [("   ", "kudos.errors.message_empty"), ("x" * 1001, "kudos.errors.message_too_long")],
)
def test_a_message_must_be_1_to_1000_characters(
    service: KudosService, slack: FakeSlack, message: str, key: str
) -> None:
    slack.profiles.clear()  # refused before anyone is looked up
    assert refusal(service, request("UANA", "ULUIS", message=message)).key == key


def test_the_daily_limit_counts_receivers_in_the_givers_own_day(
    service: KudosService, clock: ManualClock
) -> None:
    # 09:00 UTC is 03:00 in Mexico City: Ana's day started at 06:00 UTC.
    service.give(request("UANA", "ULUIS", "UMAX", "UEVE", key="a"))
    service.give(request("UANA", "UZOE", "UIAN", key="b"))
    error = refusal(service, request("UANA", "ULUIS", key="c"))
    assert error.key == "kudos.errors.daily_limit"
    assert error.params == {"limit": 5, "remaining": 0, "reset": "00:00 (America/Mexico_City)"}
    clock.advance(timedelta(hours=20))  # 05:00 UTC next day: still before midnight in Mexico
    assert refusal(service, request("UANA", "ULUIS", key="d")).key == "kudos.errors.daily_limit"
    clock.advance(timedelta(hours=2))  # 07:00 UTC = 01:00 in Mexico City, a new day
    assert service.give(request("UANA", "ULUIS", key="e")).remaining_today == 4


def test_a_whole_user_group_counts_once_against_the_limit(
    service: KudosService, slack: FakeSlack
) -> None:
    slack.groups["SALL"] = ["ULUIS", "UMAX", "UEVE", "UZOE", "UIAN"]
    given = give_typed(service, "<!subteam^SALL|@all> #helpful great quarter", "group")
    assert len(given.receiver_ids) == 5
    assert given.remaining_today == 4
    assert (given.value.key if given.value else None, given.message) == ("helpful", "great quarter")


def test_an_unknown_user_group_is_refused(service: KudosService) -> None:
    with pytest.raises(DomainError) as raised:
        give_typed(service, "<!subteam^SNONE|@none> thanks", "nogroup")
    assert raised.value.key == "kudos.errors.unknown_usergroup"


def test_an_unknown_name_reloads_the_directory_once_then_is_refused(
    service: KudosService, slack: FakeSlack
) -> None:
    assert give_typed(service, "@luis thanks", "a").receiver_ids == (
        "ULUIS",
    )  # found after one reload
    assert slack.listed == 1
    for key in ("b", "c"):
        with pytest.raises(DomainError) as raised:
            give_typed(service, "@nobody thanks", key)
        assert (raised.value.key, raised.value.params) == (
            "kudos.errors.unknown_name",
            {"name": "nobody"},
        )
    assert slack.listed == 1  # throttled: a typo is not a users.list crawl


def test_a_name_two_people_share_lists_both(service: KudosService, slack: FakeSlack) -> None:
    slack.profiles["UANA2"] = Profile("UANA2", name="ana.p", display_name="Ana")
    with pytest.raises(DomainError) as raised:
        give_typed(service, "@ana thanks", "amb", giver="UMAX")
    assert raised.value.key == "kudos.errors.ambiguous_name"
    assert sorted(raised.value.params["matches"]) == [("UANA", "Ana"), ("UANA2", "Ana")]  # type: ignore[call-overload]


def test_a_slack_outage_is_a_refusal_not_a_crash(service: KudosService, slack: FakeSlack) -> None:
    def down(user_id: str) -> Profile | None:
        raise DirectoryUnavailable("ratelimited")

    slack.fetch_profile = down  # type: ignore[method-assign]
    assert refusal(service, request("UANA", "ULUIS")).key == "errors.slack_unavailable"


def test_an_unknown_hashtag_gives_the_kudos_without_a_value_and_offers_the_values(
    service: KudosService,
) -> None:
    given = give_typed(service, "<@ULUIS> #rockstar you rock", "typo")
    assert (given.value, given.unknown_hashtag, given.message) == (
        None,
        "rockstar",
        "#rockstar you rock",
    )
    assert "helpful" in [value.key for value in given.values_on_offer]


def test_undo_gives_the_kudos_and_the_limit_back_within_ten_minutes(
    service: KudosService, slack: FakeSlack, clock: ManualClock
) -> None:
    given = service.give(request("UANA", "ULUIS"))
    clock.advance(timedelta(minutes=9))
    assert service.undo(given.kudos_id, "UANA").remaining_today == 5
    assert service.home("ULUIS").stats.received_this_month == 0
    assert slack.removed == [("CKUDOS", "1.0001")]  # its celebration is taken down too


def test_undo_after_ten_minutes_or_by_someone_else_is_refused(
    service: KudosService, clock: ManualClock
) -> None:
    given = service.give(request("UANA", "ULUIS"))
    with pytest.raises(DomainError) as not_yours:
        service.undo(given.kudos_id, "ULUIS")
    assert not_yours.value.key == "kudos.errors.not_your_kudos"
    clock.advance(timedelta(minutes=11))
    with pytest.raises(DomainError) as late:
        service.undo(given.kudos_id, "UANA")
    assert late.value.key == "kudos.errors.undo_expired"


def test_a_reaction_thanks_the_author_and_quotes_the_message(
    service: KudosService, slack: FakeSlack
) -> None:
    slack.messages[("C1", "1.0")] = QuotedMessage("ULUIS", "Here is the report")
    given = service.give_for_reaction(Reaction("UEVE", "clap", "C1", "1.0"))
    assert given is not None
    assert (given.receiver_ids, given.message, given.source_kind) == (
        ("ULUIS",),
        "Here is the report",
        SourceKind.REACTION,
    )
    assert given.permalink == "https://slack.example/C1/1.0"
    assert service.give_for_reaction(Reaction("UEVE", "pizza", "C1", "1.0")) is None
    assert service.give_for_reaction(Reaction("ULUIS", "clap", "C1", "1.0")) is None


def test_a_reaction_past_the_daily_limit_is_the_one_refusal_worth_saying(
    service: KudosService, slack: FakeSlack
) -> None:
    service.give(request("UEVE", "ULUIS", "UMAX", "UZOE", "UIAN", "UANA", key="all"))
    slack.messages[("C1", "1.0")] = QuotedMessage("ULUIS", "more")
    with pytest.raises(DomainError) as raised:
        service.give_for_reaction(Reaction("UEVE", "clap", "C1", "1.0"))
    assert raised.value.key == "kudos.errors.daily_limit"
    slack.messages[("C1", "2.0")] = QuotedMessage("UBOT", "beep")
    assert service.give_for_reaction(Reaction("UZOE", "clap", "C1", "2.0")) is None


def test_a_reaction_removed_the_same_day_withdraws_its_kudos_but_not_the_next_day(
    service: KudosService, clock: ManualClock
) -> None:
    first = Reaction("UEVE", "clap", "C1", "1.0", author_id="ULUIS")
    assert service.give_for_reaction(first) is not None
    clock.advance(timedelta(hours=1))
    assert service.withdraw_reaction(first)
    other = Reaction("UEVE", "clap", "C1", "2.0", author_id="ULUIS")
    assert service.give_for_reaction(other) is not None
    clock.advance(timedelta(days=1))
    assert not service.withdraw_reaction(other)
    assert reaction_source_key("C1", "2.0", "UEVE") == "reaction:C1:2.0:UEVE"


def test_kudos_remember_which_team_served_which(
    database: Database, service: KudosService, slack: FakeSlack, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("Sales", "UANA", ["UANA", "UMAX"]), PROFILES.get, clock())
        set_team(uow, TeamSpec("IT", "UEVE", ["ULUIS"], channel_id="CIT"), PROFILES.get, clock())
    given = service.give(request("UMAX", "ULUIS"))
    assert given.celebration_channel == "CIT"
    page = service.home("ULUIS")
    assert page.name == "luis"
    assert page.stats.received_this_month == 1
    assert page.stats.top_values[0][0].key == "helpful"
    assert page.stats.leaderboard is not None
    assert [(t.team_name, t.leaders) for t in page.stats.leaderboard] == [("IT", (("ULUIS", 1),))]
    assert slack.celebrated == [("CIT", "en")]


def test_a_team_channel_is_used_only_when_every_receiver_is_in_that_team(
    database: Database, service: KudosService, clock: ManualClock
) -> None:
    with database.unit_of_work() as uow:
        set_team(uow, TeamSpec("IT", "UEVE", ["ULUIS", "UMAX"]), PROFILES.get, clock())
        set_team(
            uow, TeamSpec("Sales", "UANA", ["UMAX"], channel_id="CSALES"), PROFILES.get, clock()
        )
    both = service.give(request("UZOE", "ULUIS", "UMAX", key="a"))
    one = service.give(request("UZOE", "UMAX", key="b"))
    assert both.celebration_channel == "CKUDOS"
    assert one.celebration_channel == "CSALES"


def test_help_and_value_names_come_from_the_workspace_settings(service: KudosService) -> None:
    about = service.help()
    assert (about.reactions, about.daily_limit) == (("clap", "aplauso"), 5)
    assert "helpful" in [value.key for value in about.values]
    assert any(name.endswith("Servicial") for name in service.value_names("es"))
