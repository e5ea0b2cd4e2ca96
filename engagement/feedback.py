"""Anonymous feedback: who it reaches, how the writer stays anonymous, and how it flows back.

An anonymous thread never stores the writer in a readable column. The way back to them (their
user id) is sealed with APLAUSO_SECRET_KEY, which never enters the database, and carries no
time. The daily limit counts under a keyed hash of the person that changes every day.

Timing: a feedback, a writer's later messages and the writer's news all leave at delivery
slots (`feedback_rules.next_slot`), so neither the recipient nor storage learns when anyone
wrote. Slack's side: the writer's DM never holds their words, the team or the kind, only a
receipt and notes with a handle of their own, new each time, that opens the conversation in a
modal; the recipient's DM never holds anything that appears in the writer's.

Every operation reads what it needs, writes in one short transaction, and only then posts
through the courier port; what Slack answered is recorded in a second short transaction.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from engagement.clock import Clock
from engagement.errors import DomainError
from engagement.feedback_model import (
    Author,
    Conversations,
    DeliveryFailedNotice,
    DeliveryReport,
    Destination,
    FeedbackForm,
    FeedbackNote,
    FeedbackRequest,
    FeedbackThreadView,
    ManagerCard,
    Posted,
    Reply,
    ReplyDraft,
    Submitted,
    ThreadMessage,
    ThreadStatus,
    WriterNews,
    WriterReceipt,
)
from engagement.feedback_rules import is_small_team, require_recipient, validate_text
from engagement.feedback_threads import (
    CLAIM_PAGE,
    Delivery,
    Page,
    Relay,
    add_reply,
    claim_cards,
    claim_messages,
    claim_news,
    history,
    news_for_writer,
    open_thread_views,
    record_card,
    require_role,
    require_thread,
    reroute_team,
    reseal_tokens,
    start_feedback,
    team_choices,
    view_of,
    writer_of,
    writer_view,
)
from engagement.people import PeopleService
from engagement.ports import FeedbackCourier, FeedbackDeliveryFailed, Transactions
from engagement.sealing import Sealer
from storage.unit_of_work import UnitOfWork

__all__ = ["FeedbackService", "reroute_team"]

logger = logging.getLogger(__name__)

FORGET_WRITER_AFTER = timedelta(days=30)

PAUSE_BETWEEN_PAGES_SECONDS = 0.005
"""A job's breath between two of its transactions. Writers waiting for SQLite's lock (this
process's threads in their line, other processes polling every millisecond) would otherwise
find it taken again a microsecond after each commit, and wait for the whole run."""

_random = secrets.SystemRandom()

_Item = TypeVar("_Item")
_Key = TypeVar("_Key", str, int)


class FeedbackService:
    def __init__(
        self,
        store: Transactions,
        people: PeopleService,
        courier: FeedbackCourier,
        clock: Clock,
        *,
        sealer: Sealer | None,
    ) -> None:
        """`sealer` is None when APLAUSO_SECRET_KEY is not set: feedback then refuses politely."""
        self._store, self._people, self._clock = store, people, clock
        self._courier, self._sealer = courier, sealer

    # ---- the writer's side ------------------------------------------------------------

    def compose(self, user_id: str) -> FeedbackForm:
        """The form's choices: every team, the writer's own first, and a small-team warning."""
        with self._store.unit_of_work() as uow:
            k = uow.settings.get().anonymity_k
            mine = next(iter(uow.teams.teams_of(user_id)), None)
            own_id = mine.id if mine is not None else None
            members = len(uow.teams.member_ids(own_id)) if own_id is not None else k
            return FeedbackForm(tuple(team_choices(uow)), own_id, is_small_team(members, k), k)

    def submit(self, request: FeedbackRequest, accepted: Callable[[], object]) -> Submitted:
        """Stores the feedback once, calls `accepted` (the modal may close), then posts the
        writer's receipt; the card leaves at the next delivery slot.

        Raises `DomainError` (with `field`) only before `accepted` is called. A double submit
        of the same form is accepted and posts nothing.
        """
        sealer = self._require_sealer()
        text = validate_text(request.text)
        with self._store.unit_of_work() as uow:
            out = start_feedback(uow, sealer, request, text, self._clock())
        accepted()
        submitted = out.submitted
        if not submitted.duplicate:
            handle = sealer.handle(submitted.thread.thread_id)
            anonymous = submitted.thread.anonymous
            self._post(out.writer, WriterReceipt(handle, anonymous, submitted.routed_to_admins))
        return submitted

    def conversations(self, user_id: str) -> Conversations:
        """The threads someone wrote (found by unsealing tokens, shown with fresh handles)
        and the ones they receive."""
        sealer = self._require_sealer()
        with self._store.unit_of_work() as uow:
            written = [
                writer_view(uow, sealer, thread)
                for thread in uow.feedback.with_tokens()
                if thread.status != ThreadStatus.RESOLVED.value
                and writer_of(sealer, thread) == user_id
            ]
            return Conversations(tuple(written), tuple(open_thread_views(uow, user_id)))

    # ---- both sides -------------------------------------------------------------------

    def open_reply(self, handle_or_id: str, user_id: str) -> ReplyDraft:
        """The reply form, for the writer or the recipient of the thread and nobody else.
        The writer's shows the whole conversation, and carries a fresh handle."""
        sealer = self._require_sealer()
        with self._store.unit_of_work() as uow:
            thread_id = sealer.thread_of(handle_or_id) or handle_or_id
            thread = require_thread(uow, thread_id, missing="feedback.errors.not_yours")
            role = require_role(sealer, thread, user_id)
            quoted = uow.feedback.first_text(thread.id)
            if role is Author.MANAGER:
                return ReplyDraft(thread.id, False, quoted, thread.anonymous)
            return ReplyDraft(
                sealer.handle(thread.id),
                True,
                quoted,
                thread.anonymous,
                history=history(uow, thread),
                status=ThreadStatus(thread.status),
            )

    def reply(
        self,
        handle_or_id: str,
        user_id: str,
        text: str,
        source_key: str,
        accepted: Callable[[], object],
    ) -> Reply:
        """Adds a message once and calls `accepted`. The recipient's own copy goes into their
        thread now; a writer's message waits for the slot, and so does the writer's news."""
        sealer = self._require_sealer()
        cleaned = validate_text(text)
        with self._store.unit_of_work() as uow:
            thread_id = sealer.thread_of(handle_or_id) or handle_or_id
            relay = add_reply(uow, sealer, thread_id, user_id, cleaned, source_key, self._clock())
        accepted()
        if relay.manager_copy:
            self._relay(relay)
        return relay.reply

    def _relay(self, relay: Relay) -> None:
        """The recipient's copy of their own reply, after the card when they have none yet."""
        manager = relay.manager
        card: Posted | None = None
        if relay.card_first is not None:
            card = self._post(manager, ManagerCard(relay.card_first))
            manager = manager.in_thread(card)
        if relay.card_first is None or card is not None:
            self._post(manager, ThreadMessage(relay.reply.message))
        if relay.card_first is not None:
            with self._store.unit_of_work() as uow:
                record_card(uow, relay.reply.message.thread_id, card)

    # ---- the recipient's side ---------------------------------------------------------

    def set_status(self, thread_id: str, user_id: str, status: ThreadStatus) -> FeedbackThreadView:
        """Acknowledge or resolve; the writer hears at the next slot that there is news."""
        with self._store.unit_of_work() as uow:
            thread = require_thread(uow, thread_id)
            require_recipient(user_id, thread.manager_id)
            if thread.status != status.value:
                thread.status = status.value
                resolved = status is ThreadStatus.RESOLVED
                thread.resolved_on = self._clock().date() if resolved else None
                uow.feedback.save(thread)
                news_for_writer(uow, thread, self._clock())
            return view_of(uow, thread)

    def flag(self, thread_id: str, user_id: str) -> FeedbackThreadView:
        """Marks a message as abusive; admins see how many were, never who wrote them."""
        with self._store.unit_of_work() as uow:
            thread = require_thread(uow, thread_id)
            require_recipient(user_id, thread.manager_id)
            thread.flagged = True
            uow.feedback.save(thread)
            return view_of(uow, thread)

    def card_for(self, thread_id: str, user_id: str) -> FeedbackThreadView:
        """The card again (the digest's "oldest unanswered" button), for its recipient only."""
        with self._store.unit_of_work() as uow:
            thread = require_thread(uow, thread_id, missing="feedback.errors.not_yours")
            require_recipient(user_id, thread.manager_id)
            return view_of(uow, thread)

    # ---- the job ----------------------------------------------------------------------

    def deliver_due(self, now: datetime) -> DeliveryReport:
        """Everything due at this slot: cards, writers' messages, writers' news. Writers of
        long-resolved threads are forgotten, and tokens of an older key sealed anew.

        Each item is claimed in the transaction that finds it, so two runs at once never
        post the same thing twice; claims go a page at a time, so a slot with thousands due
        never keeps SQLite's other writers waiting for more than a few milliseconds. What was
        claimed is delivered even when a later page fails (the database went away): it is
        marked delivered already, and no later run would pick it up.
        """
        sealer = self._sealer
        threads: list[Delivery] = []
        news: list[tuple[Destination, str]] = []
        try:
            self._claim_all(lambda uow, after: claim_cards(uow, sealer, now, after), "", threads)
            carded = {d.thread.thread_id for d in threads}
            self._claim_all(
                lambda uow, after: claim_messages(uow, sealer, now, carded, after), 0, threads
            )
            self._claim_all(lambda uow, after: claim_news(uow, sealer, now, after), "", news)
        finally:
            posted = self._deliver(threads, news)
        with self._store.unit_of_work() as uow:
            forgotten = uow.feedback.forget_writers(now.date() - FORGET_WRITER_AFTER)
            if sealer is not None:  # cheap unless an older key is still configured
                reseal_tokens(uow, sealer)
        sent = sum(card is not None for card in posted.values())
        return DeliveryReport(sent=sent, failed=len(posted) - sent, forgotten=forgotten)

    def _claim_all(
        self,
        claim: Callable[[UnitOfWork, _Key], Page[_Item, _Key]],
        first: _Key,
        claimed: list[_Item],
    ) -> None:
        """Every page `claim` finds, each in its own short transaction, added to `claimed`
        as soon as its transaction has committed."""
        after: _Key | None = first
        while after is not None:
            if after != first:
                time.sleep(PAUSE_BETWEEN_PAGES_SECONDS)
            with self._store.unit_of_work() as uow:
                page = claim(uow, after)
            claimed.extend(page.items)
            after = page.next_after

    def _deliver(
        self, threads: list[Delivery], news: list[tuple[Destination, str]]
    ) -> dict[str, Posted | None]:
        """Posts what was claimed, then records where the cards landed, a page at a time."""
        posted = self._deliver_threads(threads)
        _random.shuffle(news)
        for writer, thread_id in news:
            self._post(writer, WriterNews(self._handle(thread_id)))
        landed = list(posted.items())
        for start in range(0, len(landed), CLAIM_PAGE):
            if start:
                time.sleep(PAUSE_BETWEEN_PAGES_SECONDS)
            with self._store.unit_of_work() as uow:
                for thread_id, card in landed[start : start + CLAIM_PAGE]:
                    record_card(uow, thread_id, card)
        return posted

    def _deliver_threads(self, due: list[Delivery]) -> dict[str, Posted | None]:
        """Thread by thread in random order (the order of arrival within a slot must not
        follow the order of writing); in each, the card before the messages that follow it.
        Returns the cards posted (None: refused)."""
        by_thread: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in due:
            by_thread[delivery.thread.thread_id].append(delivery)
        order = list(by_thread)
        _random.shuffle(order)
        posted: dict[str, Posted | None] = {}
        for thread_id in order:
            under: Destination | None = None
            for delivery in by_thread[thread_id]:
                if delivery.message is None:
                    card = posted[thread_id] = self._deliver_card(delivery)
                    under = delivery.recipient.in_thread(card) if card else None
                elif thread_id not in posted or under is not None:
                    card = self._deliver_message(delivery, under)
                    if delivery.card_first:
                        posted[thread_id] = card
                        under = delivery.recipient.in_thread(card) if card else None
        return posted

    def _deliver_card(self, delivery: Delivery) -> Posted | None:
        card = self._post(delivery.recipient, ManagerCard(delivery.thread))
        if card is None:
            self._tell_writer_it_failed(delivery)
        return card

    def _deliver_message(self, delivery: Delivery, under: Destination | None) -> Posted | None:
        """A writer's later message in the recipient's thread (`under` the card this run just
        posted, else where the card is; after a new card when the recipient has none).
        Returns the card when one was posted first."""
        assert delivery.message is not None
        to = under or delivery.recipient
        card: Posted | None = None
        if delivery.card_first:
            card = self._post(to, ManagerCard(delivery.thread))
            if card is None:
                self._tell_writer_it_failed(delivery)
                return None
            to = to.in_thread(card)
        if self._post(to, ThreadMessage(delivery.message)) is None:
            self._tell_writer_it_failed(delivery)
        return card

    def _tell_writer_it_failed(self, delivery: Delivery) -> None:
        if delivery.writer is not None:
            handle = self._handle(delivery.thread.thread_id)
            self._post(delivery.writer, DeliveryFailedNotice(handle))

    # ---- plumbing ---------------------------------------------------------------------

    def _handle(self, thread_id: str) -> str:
        return self._sealer.handle(thread_id) if self._sealer is not None else ""

    def _require_sealer(self) -> Sealer:
        if self._sealer is None:
            raise DomainError("feedback.errors.secret_missing", field="text")
        return self._sealer

    def _post(self, to: Destination, note: FeedbackNote) -> Posted | None:
        """None when Slack refused: each caller decides who must hear of it."""
        try:
            return self._courier.post(to, note)
        except FeedbackDeliveryFailed:
            logger.warning("feedback post refused: %s", type(note).__name__)
            return None
