"""FeedbackService over a real database and a courier double: routing, who may see what,
delivery at slots exactly once, what each side's DM receives, and the order of every
operation (one transaction, then Slack)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TypeVar

import pytest
from cryptography.fernet import Fernet

from engagement.admin import AdminService
from engagement.clock import ManualClock
from engagement.directory import Profile
from engagement.errors import DomainError
from engagement.feedback import FeedbackService
from engagement.feedback_model import (
    Author,
    DeliveryFailedNotice,
    Destination,
    FeedbackKind,
    FeedbackLine,
    FeedbackNote,
    FeedbackRequest,
    ManagerCard,
    Posted,
    ThreadMessage,
    ThreadStatus,
    WriterNews,
    WriterReceipt,
)
from engagement.feedback_rules import next_slot
from engagement.feedback_threads import CLAIM_PAGE, claim_cards
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


T = TypeVar("T")


class DatabaseWentAway(Exception):
    """What a writing transaction raises once the database is down."""


class CountingStore:
    """The database, counting the transactions the service opens; from the `down_from`-th
    writing transaction on, the database is down."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.opened = 0
        self.down_from: int | None = None

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        self.opened += 1
        if self.down_from is not None and self.opened >= self.down_from:
            raise DatabaseWentAway
        return self.database.unit_of_work()

    def retrying(self, work: Callable[[UnitOfWork], T]) -> T:
        self.opened += 1
        return self.database.retrying(work)

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        self.opened += 1
        return self.database.reading()


@dataclass
class World:
    service: FeedbackService
    store: CountingStore
    courier: Courier
    directory: Directory
    teams: TeamService
    clock: ManualClock
    team_id: int
    sealer: Sealer | None
    sealer_secret: str = ""

    def submit(
        self, text: str = "Las urgencias nos queman.", *, team_id: int = -1, view: str = "V1"
    ) -> str:
        request = FeedbackRequest(
            writer_id=WRITER,
            team_id=self.team_id if team_id < 0 else team_id,
            kind=FeedbackKind.CONCERN,
            text=text,
            anonymous=True,
            delay=True,
            source_key=f"view:{view}",
        )
        return self.service.submit(request, accepted=lambda: None).thread.thread_id

    def submit_many(self, count: int) -> set[str]:
        """`count` feedbacks of one writer in a day, the daily limit raised out of the way."""
        with self.store.database.unit_of_work() as uow:
            settings = uow.settings.get()
            settings.feedback_daily_limit = count
            uow.settings.save(settings)
        return {self.submit(f"Idea {n}", view=f"V{n}") for n in range(count)}

    def at_next_slot(self) -> tuple[int, int]:
        """The delivery job at the next slot: (sent, failed)."""
        self.clock.set(next_slot(self.clock()))
        report = self.service.deliver_due(self.clock())
        return report.sent, report.failed

    def service_with_keys(self, current: str, *older: str) -> FeedbackService:
        """The same app after an admin rotated APLAUSO_SECRET_KEY (older keys still open)."""
        people = PeopleService(self.store, self.directory, self.clock)
        sealer = Sealer(current, *older)
        return FeedbackService(self.store, people, self.courier, self.clock, sealer=sealer)

    def thread_of(self, note: FeedbackNote) -> str | None:
        assert self.sealer is not None
        handle = getattr(note, "handle", "")
        return self.sealer.thread_of(handle)

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
    secret_key = Fernet.generate_key().decode()
    sealer = Sealer(secret_key) if secret else None
    service = FeedbackService(store, people, courier, clock, sealer=sealer)
    return World(service, store, courier, directory, teams, clock, team.id, sealer, secret_key)


@pytest.fixture
def world(database: Database, clock: ManualClock) -> World:
    return make_world(database, clock)


def test_a_submission_is_one_write_and_a_receipt_and_the_card_waits_for_the_slot(
    world: World,
) -> None:
    world.counted()
    accepted: list[int] = []
    request = FeedbackRequest(
        WRITER, world.team_id, FeedbackKind.IDEA, " Más formación. ", True, False, "view:V9"
    )
    submitted = world.service.submit(
        request, accepted=lambda: accepted.append(len(world.courier.posts))
    )
    assert accepted == [0]  # the modal closes before anything is posted
    assert world.store.opened == 1  # one write; the directory is not refreshed inside it
    assert world.directory.asked == []
    [(to_writer, receipt)] = world.courier.posts
    assert to_writer == Destination(WRITER, "es")
    assert isinstance(receipt, WriterReceipt)
    assert (receipt.anonymous, receipt.routed_to_admins) == (True, False)
    assert world.thread_of(receipt) == submitted.thread.thread_id
    assert receipt.handle != submitted.thread.thread_id
    assert submitted.thread.first_text == "Más formación."
    assert submitted.thread.writer_id is None
    world.counted()
    assert world.at_next_slot() == (1, 0)
    assert world.courier.posts == [(Destination(MANAGER, "en"), ManagerCard(submitted.thread))]
    assert world.at_next_slot() == (0, 0)


def test_a_double_submit_is_accepted_twice_and_delivered_once(world: World) -> None:
    first = world.submit()
    world.counted()
    assert world.submit() == first
    assert world.courier.posts == []
    assert world.store.opened == 1  # the write that finds the first
    assert world.at_next_slot() == (1, 0)


def test_a_managers_reply_goes_into_their_thread_and_the_writer_hears_of_it_at_the_slot(
    world: World,
) -> None:
    thread_id = world.submit()
    world.at_next_slot()
    world.counted()
    reply = world.service.reply(thread_id, MANAGER, "Thank you.", "view:R1", accepted=lambda: None)
    assert world.store.opened == 1
    assert world.courier.posts == [
        (Destination(f"D{MANAGER}", "en", "2.000"), ThreadMessage(reply.message))  # under the card
    ]
    assert world.courier.to(WRITER) == []  # nothing now: an arrival would time the reply
    world.at_next_slot()
    [news] = world.courier.to(WRITER)
    assert isinstance(news, WriterNews)
    assert world.thread_of(news) == thread_id
    world.counted()
    again = world.service.reply(thread_id, MANAGER, "Thank you.", "view:R1", accepted=lambda: None)
    assert again.duplicate
    world.at_next_slot()
    assert world.courier.posts == []


def test_a_writers_reply_waits_for_the_slot_and_lands_under_the_card(world: World) -> None:
    thread_id = world.submit()
    world.at_next_slot()
    handle = world.service.open_reply(thread_id, WRITER).thread_id
    world.counted()
    reply = world.service.reply(handle, WRITER, "Los viernes.", "view:R2", accepted=lambda: None)
    assert world.courier.posts == []
    draft = world.service.open_reply(handle, WRITER)
    assert draft.history[-1] == FeedbackLine(Author.WRITER, "Los viernes.", waiting=True)
    assert world.at_next_slot() == (0, 0)  # no card this time: only the message
    assert world.courier.posts == [
        (Destination(f"D{MANAGER}", "en", "2.000"), ThreadMessage(reply.message))  # the card's
    ]
    assert world.service.open_reply(handle, WRITER).history[-1].waiting is False


def test_only_the_two_sides_may_open_reply_or_act(world: World) -> None:
    thread_id = world.submit()
    writers = world.service.open_reply(thread_id, WRITER)
    assert writers.to_manager
    assert writers.thread_id != thread_id  # a handle of the writer's own
    assert world.service.open_reply(writers.thread_id, WRITER).to_manager
    assert writers.history == (FeedbackLine(Author.WRITER, "Las urgencias nos queman.", True),)
    managers = world.service.open_reply(thread_id, MANAGER)
    assert (managers.to_manager, managers.history) == (False, ())
    refusals: list[Callable[[], object]] = [
        lambda: world.service.open_reply(thread_id, OTHER),
        lambda: world.service.open_reply(writers.thread_id, OTHER),
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


def test_resolving_tells_the_writer_once_at_the_slot_and_a_reply_reopens(world: World) -> None:
    thread_id = world.submit()
    world.at_next_slot()
    world.counted()
    world.service.set_status(thread_id, MANAGER, ThreadStatus.RESOLVED)
    world.service.set_status(thread_id, MANAGER, ThreadStatus.RESOLVED)
    assert world.courier.posts == []
    world.at_next_slot()
    assert [type(note) for note in world.courier.to(WRITER)] == [WriterNews]
    reply = world.service.reply(thread_id, WRITER, "Sigue pasando.", "view:R3", lambda: None)
    assert reply.reopened
    assert reply.thread.status is ThreadStatus.OPEN


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
    [receipt] = world.courier.to(WRITER)
    assert isinstance(receipt, WriterReceipt)
    assert receipt.routed_to_admins
    world.at_next_slot()
    assert [type(note) for note in world.courier.to(ADMIN)] == [ManagerCard]


def test_a_new_manager_takes_over_and_gets_the_card_before_the_next_message(world: World) -> None:
    thread_id = world.submit()
    world.at_next_slot()
    world.teams.set_team(TeamSpec("Logistics", NEW_MANAGER, [WRITER, OTHER]))
    reply = world.service.reply(thread_id, WRITER, "¿Alguna novedad?", "view:R4", lambda: None)
    world.counted()
    world.at_next_slot()
    assert world.store.opened == 5  # claims of cards, messages, news; upkeep; where it landed
    card = ManagerCard(replace(reply.thread, manager_id=NEW_MANAGER))
    assert world.courier.to(NEW_MANAGER) == [card, ThreadMessage(reply.message)]
    assert world.courier.posts[-1][0] == Destination(f"D{NEW_MANAGER}", "en", "1.000")
    with pytest.raises(DomainError):
        world.service.open_reply(thread_id, MANAGER)  # the old manager no longer sees it
    world.counted()
    world.service.reply(thread_id, NEW_MANAGER, "Lo miro.", "view:R5", lambda: None)
    assert [type(note) for note in world.courier.to(NEW_MANAGER)] == [ThreadMessage]


def test_a_refused_card_tells_the_writer_without_their_words_and_is_never_retried(
    world: World,
) -> None:
    thread_id = world.submit("Los tickets se pierden.")
    world.courier.refused.add(MANAGER)
    assert world.at_next_slot() == (0, 1)
    [failed] = [n for n in world.courier.to(WRITER) if isinstance(n, DeliveryFailedNotice)]
    assert world.thread_of(failed) == thread_id
    assert "tickets" not in repr(world.courier.to(WRITER))
    assert world.at_next_slot() == (0, 0)
    draft = world.service.open_reply(failed.handle, WRITER)
    assert draft.history[0].text == "Los tickets se pierden."  # to copy, in the modal


def test_nothing_leaves_before_its_slot_and_everything_leaves_once(world: World) -> None:
    world.submit()
    assert world.service.deliver_due(world.clock() + timedelta(minutes=1)).sent == 0
    assert world.courier.to(MANAGER) == []
    world.counted()
    assert world.at_next_slot() == (1, 0)
    assert world.store.opened == 5  # claims of cards, messages, news; upkeep; where it landed
    assert world.service.deliver_due(world.clock() + timedelta(hours=7)).sent == 0
    assert [type(note) for note in world.courier.to(MANAGER)] == [ManagerCard]


def test_a_slot_with_many_cards_due_claims_them_a_page_per_transaction_and_sends_each_once(
    world: World,
) -> None:
    threads = world.submit_many(due := 2 * CLAIM_PAGE + 10)
    world.counted()
    assert world.at_next_slot() == (due, 0)
    cards = [note for note in world.courier.to(MANAGER) if isinstance(note, ManagerCard)]
    assert sorted(card.thread.thread_id for card in cards) == sorted(threads)
    # three pages of cards, one of messages, one of news, the upkeep, three pages of landings:
    # no transaction holds the writers' lock for more than a page
    assert world.store.opened == 3 + 1 + 1 + 1 + 3
    assert world.at_next_slot() == (0, 0)


def test_a_run_starting_while_another_posts_a_card_never_posts_it_or_its_message_again(
    world: World,
) -> None:
    thread_id = world.submit()
    later = world.service.reply(thread_id, WRITER, "Y los turnos.", "view:R7", lambda: None)
    world.clock.set(next_slot(world.clock()))
    with world.store.database.unit_of_work() as uow:  # another run has claimed a page of cards
        page = claim_cards(uow, world.sealer, world.clock(), after="")
    assert [d.message for d in page.items] == [None, later.message]  # the card, its message
    assert world.service.deliver_due(world.clock()).sent == 0
    assert world.courier.to(MANAGER) == []  # that run posts them; this one finds nothing


def test_cards_claimed_before_the_database_went_away_are_still_posted(
    world: World, database: Database
) -> None:
    world.submit_many(due := 2 * CLAIM_PAGE)
    world.counted()
    world.clock.set(next_slot(world.clock()))
    world.store.down_from = 3  # two pages of cards claimed, then the database is down
    with pytest.raises(DatabaseWentAway):
        world.service.deliver_due(world.clock())
    cards = [note for note in world.courier.to(MANAGER) if isinstance(note, ManagerCard)]
    assert len(cards) == due  # marked delivered already: no later run would post them
    world.store.down_from = None
    with database.unit_of_work() as uow:
        assert uow.feedback.undelivered(world.clock() + timedelta(days=1)) == []
    assert world.service.deliver_due(world.clock()).sent == 0


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
    [mine] = world.service.conversations(WRITER).as_writer
    assert mine.thread_id != thread_id  # the writer's list carries handles
    assert world.thread_of(WriterNews(mine.thread_id)) == thread_id
    assert world.service.conversations(WRITER).as_manager == ()
    assert [v.thread_id for v in world.service.conversations(MANAGER).as_manager] == [thread_id]
    assert world.service.conversations(OTHER) == world.service.conversations(NEW_MANAGER)


def test_the_form_offers_every_team_and_warns_a_small_one(world: World) -> None:
    form = world.service.compose(WRITER)
    assert [team.name for team in form.teams] == ["Logistics"]
    assert form.default_team_id == world.team_id
    assert form.small_team_warning  # two members, k = 5
    assert world.service.compose(NEW_MANAGER).default_team_id is None


def test_more_words_before_the_first_slot_follow_the_card_in_the_same_run(world: World) -> None:
    thread_id = world.submit()
    handle = world.service.open_reply(thread_id, WRITER).thread_id
    reply = world.service.reply(handle, WRITER, "Y otra cosa.", "view:R6", accepted=lambda: None)
    world.counted()
    assert world.at_next_slot() == (1, 0)
    [(to_card, card), (to_message, message)] = world.courier.posts
    assert isinstance(card, ManagerCard)
    assert to_card == Destination(MANAGER, "en")
    assert (to_message, message) == (
        Destination(f"D{MANAGER}", "en", "1.000"),  # in the card's thread, not a second card
        ThreadMessage(reply.message),
    )


def test_tokens_carry_no_time_and_the_job_seals_old_ones_anew_under_the_current_key(
    world: World, database: Database, clock: ManualClock
) -> None:
    """Rotation: after one run with `Sealer(new, old)`, backups made from then on need only
    the new key, and the old one can be retired with the backups that still need it."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    thread_id = world.submit()
    fernet_era = Fernet(old.encode()).encrypt(f'{{"u":"{WRITER}"}}'.encode()).decode()
    with database.unit_of_work() as uow:
        thread = uow.feedback.get(thread_id)
        assert thread is not None
        thread.writer_token = fernet_era  # bytes 1-8 of a Fernet token are its creation time
        uow.feedback.save(thread)
    rotated = world.service_with_keys(new, old)
    assert rotated.conversations(WRITER).as_writer  # the old token still opens
    rotated.deliver_due(clock())
    with database.unit_of_work() as uow:
        thread = uow.feedback.get(thread_id)
        assert thread is not None
        token = thread.writer_token or ""
    assert token.startswith("a1.")
    assert Sealer(new).unseal(token) == {"u": WRITER}
    assert Sealer(old).unseal(token) is None
    later = Sealer(new)
    clock.set(clock() + timedelta(days=40))
    assert len(later.seal({"u": WRITER})) == len(token)  # nothing in it grows with time


def test_with_one_key_the_job_seals_only_fernet_era_tokens_anew_and_leaves_current_ones(
    world: World, database: Database, clock: ManualClock
) -> None:
    """The common case (no older key): current tokens are not even opened again, so the job
    costs nothing as feedback piles up; a Fernet-era token of the same secret is still found."""
    assert world.sealer is not None
    current_id, fernet_id = world.submit(), world.submit("Otra idea.", view="V2")
    secret = world.sealer_secret
    fernet_era = Fernet(secret.encode()).encrypt(f'{{"u":"{WRITER}"}}'.encode()).decode()
    with database.unit_of_work() as uow:
        current, legacy = uow.feedback.get(current_id), uow.feedback.get(fernet_id)
        assert current is not None
        assert legacy is not None
        current_token = current.writer_token
        legacy.writer_token = fernet_era
        uow.feedback.save(legacy)
    world.service.deliver_due(clock())
    with database.unit_of_work() as uow:
        current, legacy = uow.feedback.get(current_id), uow.feedback.get(fernet_id)
        assert current is not None
        assert legacy is not None
        assert current.writer_token == current_token
        assert (legacy.writer_token or "").startswith("a1.")
        assert world.sealer.unseal(legacy.writer_token) == {"u": WRITER}


def test_after_a_rotation_the_job_seals_an_older_keys_tokens_under_the_new_key(
    world: World, database: Database, clock: ManualClock
) -> None:
    old = world.sealer_secret
    thread_id = world.submit()
    new = Fernet.generate_key().decode()
    rotated = world.service_with_keys(new, old)
    rotated.deliver_due(clock())
    with database.unit_of_work() as uow:
        thread = uow.feedback.get(thread_id)
        assert thread is not None
        token = thread.writer_token or ""
    assert Sealer(new).unseal(token) == {"u": WRITER}
    assert Sealer(old).unseal(token) is None
