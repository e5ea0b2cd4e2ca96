"""FeedbackService over a real database and a courier double: routing, who may see what,
exactly-once delivery, and the order of every operation (look-ups, one transaction, Slack)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet

from engagement.admin import AdminService
from engagement.clock import ManualClock
from engagement.directory import Profile
from engagement.errors import DomainError
from engagement.feedback import FeedbackService
from engagement.feedback_model import (
    DeliveryFailedNotice,
    Destination,
    FeedbackKind,
    FeedbackNote,
    FeedbackRequest,
    ManagerCard,
    Posted,
    RoutedToAdminsNotice,
    StatusNotice,
    ThreadMessage,
    ThreadStatus,
    WriterReceipt,
)
from engagement.people import PeopleService
from engagement.ports import FeedbackDeliveryFailed
from engagement.sealing import Sealer
from engagement.teams import TeamService, TeamSpec
from storage.db import transaction_open
from storage.unit_of_work import Database, UnitOfWork

WRITER, MANAGER, OTHER, NEW_MANAGER, ADMIN = "UANA", "UMAX", "ULUIS", "UEVA", "UADMIN"
PROFILES = {
    WRITER: Profile(WRITER, name="ana", locale="es-ES", tz="Europe/Madrid"),
    MANAGER: Profile(MANAGER, name="max", locale="en-US"),
    OTHER: Profile(OTHER, name="luis", locale="es-ES"),
    NEW_MANAGER: Profile(NEW_MANAGER, name="eva", locale="en-US"),
    ADMIN: Profile(ADMIN, name="carmen", locale="es-ES"),
}


class Directory:
    """A `PeopleSource` that counts users.info calls and refuses them inside a transaction."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def fetch_profile(self, user_id: str) -> Profile | None:
        assert not transaction_open(), "Slack asked inside a transaction"
        self.asked.append(user_id)
        return PROFILES.get(user_id)

    def all_profiles(self) -> list[Profile]:
        return list(PROFILES.values())

    def usergroup_member_ids(self, usergroup_id: str) -> list[str] | None:
        return None


@dataclass
class Courier:
    """The Slack side of the port: records each post, refuses posts to `refused` people."""

    posts: list[tuple[Destination, FeedbackNote]] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    def post(self, to: Destination, note: FeedbackNote) -> Posted:
        assert not transaction_open(), "Slack called inside a transaction"
        if to.channel in self.refused:
            raise FeedbackDeliveryFailed("user_disabled")
        self.posts.append((to, note))
        channel = f"D{to.channel}" if to.channel.startswith("U") else to.channel
        return Posted(channel, f"{len(self.posts)}.000")

    def to(self, channel: str) -> list[FeedbackNote]:
        return [note for to, note in self.posts if to.channel in (channel, f"D{channel}")]


class CountingStore:
    """The database, counting the transactions the service opens."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.opened = 0

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        self.opened += 1
        return self.database.unit_of_work()


@dataclass
class World:
    service: FeedbackService
    store: CountingStore
    courier: Courier
    directory: Directory
    teams: TeamService
    clock: ManualClock
    team_id: int

    def submit(
        self, text: str = "Las urgencias nos queman.", *, delay: bool = False, team_id: int = -1
    ) -> str:
        request = FeedbackRequest(
            writer_id=WRITER,
            team_id=self.team_id if team_id < 0 else team_id,
            kind=FeedbackKind.CONCERN,
            text=text,
            anonymous=True,
            delay=delay,
            source_key="view:V1",
        )
        return self.service.submit(request, accepted=lambda: None).thread.thread_id

    def counted(self) -> None:
        """From now on, count afresh."""
        self.store.opened = 0
        self.courier.posts.clear()
        self.directory.asked.clear()


def make_world(database: Database, clock: ManualClock, *, secret: bool = True) -> World:
    directory = Directory()
    store = CountingStore(database)
    people = PeopleService(store, directory, clock)
    teams = TeamService(database, PeopleService(database, directory, clock), clock)
    team = teams.set_team(TeamSpec("Logistics", MANAGER, [WRITER, OTHER])).team
    assert team.id is not None
    courier = Courier()
    sealer = Sealer(Fernet.generate_key().decode()) if secret else None
    service = FeedbackService(store, people, courier, clock, sealer=sealer)
    return World(service, store, courier, directory, teams, clock, team.id)


@pytest.fixture
def world(database: Database, clock: ManualClock) -> World:
    return make_world(database, clock)


def test_a_submission_is_one_read_one_write_one_record_and_two_posts(world: World) -> None:
    world.counted()
    accepted: list[int] = []
    request = FeedbackRequest(
        WRITER, world.team_id, FeedbackKind.IDEA, " Más formación. ", True, False, "view:V9"
    )
    submitted = world.service.submit(
        request, accepted=lambda: accepted.append(len(world.courier.posts))
    )
    assert accepted == [0]  # the modal closes before anything is posted
    assert world.store.opened == 3  # the prefetch's read, the write, where the posts landed
    assert world.directory.asked == []  # everyone is fresh in the cache
    [(to_writer, receipt), (to_manager, card)] = world.courier.posts
    assert (to_writer, receipt) == (
        Destination(WRITER, "es"),
        WriterReceipt(submitted.thread, False),
    )
    assert (to_manager, card) == (Destination(MANAGER, "en"), ManagerCard(submitted.thread))
    assert submitted.thread.first_text == "Más formación."
    assert submitted.thread.writer_id is None


def test_a_double_submit_is_accepted_twice_and_delivered_once(world: World) -> None:
    first = world.submit()
    world.counted()
    assert world.submit() == first
    assert world.courier.posts == []
    assert world.store.opened == 2  # the prefetch's read and the write that finds the first


def test_a_reply_is_one_transaction_and_a_post_to_each_side(world: World) -> None:
    thread_id = world.submit()
    world.counted()
    reply = world.service.reply(thread_id, MANAGER, "Thank you.", "view:R1", accepted=lambda: None)
    assert world.store.opened == 1
    [(to_writer, mine), (to_manager, theirs)] = world.courier.posts
    assert to_writer == Destination(f"D{WRITER}", "es", "1.000")  # under the receipt
    assert to_manager == Destination(f"D{MANAGER}", "en", "2.000")  # under the card
    assert mine == ThreadMessage(reply.message, for_writer=True)
    assert theirs == ThreadMessage(reply.message, for_writer=False)
    world.counted()
    again = world.service.reply(thread_id, MANAGER, "Thank you.", "view:R1", accepted=lambda: None)
    assert again.duplicate
    assert world.courier.posts == []


def test_only_the_two_sides_may_open_reply_or_act(world: World) -> None:
    thread_id = world.submit()
    assert world.service.open_reply(thread_id, WRITER).to_manager
    assert not world.service.open_reply(thread_id, MANAGER).to_manager
    refusals: list[Callable[[], object]] = [
        lambda: world.service.open_reply(thread_id, OTHER),
        lambda: world.service.reply(thread_id, OTHER, "hola", "view:R2", accepted=lambda: None),
        lambda: world.service.set_status(thread_id, WRITER, ThreadStatus.RESOLVED),
        lambda: world.service.flag(thread_id, OTHER),
        lambda: world.service.card_for(thread_id, WRITER),
        lambda: world.service.open_reply("no-such-thread", MANAGER),
    ]
    for refused in refusals:
        with pytest.raises(DomainError, match=r"feedback\.errors\.not_yours"):
            refused()
    assert world.service.card_for(thread_id, MANAGER).status is ThreadStatus.OPEN


def test_resolving_tells_the_writer_once_and_a_reply_reopens(world: World) -> None:
    thread_id = world.submit()
    world.counted()
    resolved = world.service.set_status(thread_id, MANAGER, ThreadStatus.RESOLVED)
    world.service.set_status(thread_id, MANAGER, ThreadStatus.RESOLVED)
    assert world.courier.to(WRITER) == [StatusNotice(resolved)]
    reply = world.service.reply(thread_id, WRITER, "Sigue pasando.", "view:R3", lambda: None)
    assert reply.reopened
    assert reply.thread.status is ThreadStatus.OPEN
    assert world.courier.to(WRITER)[-1] == StatusNotice(reply.thread)


def test_a_team_without_an_active_manager_writes_to_an_admin(
    world: World, database: Database
) -> None:
    AdminService(
        database, PeopleService(database, world.directory, world.clock), world.clock
    ).add_admin(ADMIN)
    with database.unit_of_work() as uow:
        person = uow.people.get(MANAGER)
        assert person is not None
        person.deleted = True
        uow.people.upsert(person)
    world.submit()
    assert [type(note) for note in world.courier.to(WRITER)] == [
        WriterReceipt,
        RoutedToAdminsNotice,
    ]
    assert [type(note) for note in world.courier.to(ADMIN)] == [ManagerCard]


def test_a_new_manager_takes_over_and_gets_the_card_before_the_next_message(world: World) -> None:
    thread_id = world.submit()
    world.teams.set_team(TeamSpec("Logistics", NEW_MANAGER, [WRITER, OTHER]))
    world.counted()
    reply = world.service.reply(thread_id, WRITER, "¿Alguna novedad?", "view:R4", lambda: None)
    assert world.store.opened == 2  # the reply, then where the new card landed
    assert world.courier.to(NEW_MANAGER) == [
        ManagerCard(reply.thread),
        ThreadMessage(reply.message, for_writer=False),
    ]
    card_ts = f"{len(world.courier.posts) - 1}.000"
    assert world.courier.posts[-1][0] == Destination(f"D{NEW_MANAGER}", "en", card_ts)
    with pytest.raises(DomainError):
        world.service.open_reply(thread_id, MANAGER)  # the old manager no longer sees it
    world.counted()
    world.service.reply(thread_id, NEW_MANAGER, "Lo miro.", "view:R5", lambda: None)
    assert [type(note) for note in world.courier.to(NEW_MANAGER)] == [ThreadMessage]


def test_a_refused_card_gives_the_writer_the_text_back_and_is_never_retried(world: World) -> None:
    world.courier.refused.add(MANAGER)
    world.submit("Los tickets se pierden.")
    assert world.courier.to(WRITER)[-1] == DeliveryFailedNotice("Los tickets se pierden.")
    report = world.service.deliver_due(world.clock() + timedelta(hours=6))
    assert (report.sent, report.failed) == (0, 0)


def test_delayed_feedback_is_claimed_and_delivered_once_by_the_job(world: World) -> None:
    thread_id = world.submit(delay=True)
    assert world.courier.to(MANAGER) == []
    assert world.service.deliver_due(world.clock() + timedelta(minutes=30)).sent == 0
    world.counted()
    report = world.service.deliver_due(world.clock() + timedelta(hours=6))
    assert (report.sent, report.failed, world.store.opened) == (1, 0, 2)
    assert world.service.deliver_due(world.clock() + timedelta(hours=7)).sent == 0
    [card] = world.courier.to(MANAGER)
    assert isinstance(card, ManagerCard)
    assert card.thread.thread_id == thread_id


def test_a_delayed_card_slack_refuses_tells_the_writer_once(world: World) -> None:
    world.submit(delay=True)
    world.courier.refused.add(MANAGER)
    report = world.service.deliver_due(world.clock() + timedelta(hours=6))
    assert (report.sent, report.failed) == (0, 1)
    assert world.service.deliver_due(world.clock() + timedelta(hours=7)).failed == 0
    failures = [n for n in world.courier.to(WRITER) if isinstance(n, DeliveryFailedNotice)]
    assert len(failures) == 1


@pytest.mark.parametrize(
    ("text", "team_id", "key", "field_name"),
    [
        ("Hola", 0, "feedback.errors.unknown_team", "team"),
        ("Hola", 999, "feedback.errors.unknown_team", "team"),
        ("  ", -1, "feedback.errors.empty", "text"),
    ],
)
def test_refusals_name_the_input_they_are_about(
    world: World, text: str, team_id: int, key: str, field_name: str
) -> None:
    with pytest.raises(DomainError) as refused:
        world.submit(text, team_id=team_id)
    assert (refused.value.key, refused.value.field) == (key, field_name)
    assert world.courier.posts == []


def test_without_the_secret_key_feedback_refuses_and_posts_nothing(
    database: Database, clock: ManualClock
) -> None:
    world = make_world(database, clock, secret=False)
    with pytest.raises(DomainError) as refused:
        world.submit()
    assert (refused.value.key, refused.value.field) == ("feedback.errors.secret_missing", "text")
    with pytest.raises(DomainError, match="secret_missing"):
        world.service.conversations(WRITER)
    assert world.courier.posts == []


def test_each_side_lists_its_open_conversations(world: World) -> None:
    thread_id = world.submit()
    assert [v.thread_id for v in world.service.conversations(WRITER).as_writer] == [thread_id]
    assert world.service.conversations(WRITER).as_manager == ()
    assert [v.thread_id for v in world.service.conversations(MANAGER).as_manager] == [thread_id]
    assert world.service.conversations(OTHER) == world.service.conversations(NEW_MANAGER)


def test_the_form_offers_every_team_and_warns_a_small_one(world: World) -> None:
    form = world.service.compose(WRITER)
    assert [team.name for team in form.teams] == ["Logistics"]
    assert form.default_team_id == world.team_id
    assert form.small_team_warning  # two members, k = 5
    assert world.service.compose(NEW_MANAGER).default_team_id is None
