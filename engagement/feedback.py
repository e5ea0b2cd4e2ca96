"""Anonymous feedback: who it reaches, how the writer stays anonymous, and how it flows back.

An anonymous thread never stores the writer in a readable column. The way back to them (id and
DM thread) is sealed with APLAUSO_SECRET_KEY, which never enters the database. The daily limit
counts under a keyed hash of the person that changes every day.

Every operation of `FeedbackService` reads what it needs, writes in one short transaction, and
only then posts through the courier port; what Slack answered (where a card or a receipt
landed) is recorded in a second short transaction.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

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
    RoutedToAdminsNotice,
    StatusNotice,
    Submitted,
    ThreadMessage,
    ThreadStatus,
    WriterReceipt,
)
from engagement.feedback_rules import (
    DELAY_SPAN_MINUTES,
    delivery_delay,
    is_small_team,
    require_recipient,
    validate_text,
)
from engagement.feedback_threads import (
    Delivery,
    Outgoing,
    Relay,
    add_reply,
    claim_delivery,
    open_thread_views,
    record_card,
    remember_writer_thread,
    require_role,
    require_thread,
    reroute_team,
    start_feedback,
    team_choices,
    view_of,
    writer_destination,
    writer_route,
)
from engagement.people import PeopleService
from engagement.ports import FeedbackCourier, FeedbackDeliveryFailed, Transactions
from engagement.sealing import Sealer

__all__ = ["FeedbackService", "reroute_team"]

logger = logging.getLogger(__name__)

FORGET_WRITER_AFTER = timedelta(days=30)


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
        self._store = store
        self._people = people
        self._courier = courier
        self._clock = clock
        self._sealer = sealer

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
        """Stores the feedback once, calls `accepted` (the modal may close), then posts.

        Raises `DomainError` (with `field`) only before `accepted` is called. A double submit
        of the same form is accepted and posts nothing.
        """
        sealer = self._require_sealer()
        text = validate_text(request.text)
        fetch = self._people.prefetch([request.writer_id])
        draw = secrets.randbelow(DELAY_SPAN_MINUTES)
        delay = delivery_delay(request.delay, draw)
        with self._store.unit_of_work() as uow:
            out = start_feedback(uow, sealer, request, text, fetch, self._clock(), delay)
        accepted()
        if not out.submitted.duplicate:
            self._send_first_posts(sealer, out)
        return out.submitted

    def _send_first_posts(self, sealer: Sealer, out: Outgoing) -> None:
        thread = out.submitted.thread
        receipt = self._post(out.writer, WriterReceipt(thread, out.submitted.delayed))
        writer = out.writer.in_thread(receipt)
        if out.submitted.routed_to_admins:
            self._post(writer, RoutedToAdminsNotice(thread.team_name))
        card: Posted | None = None
        if out.recipient is not None:
            card = self._post(out.recipient, ManagerCard(thread))
            if card is None:
                self._post(writer, DeliveryFailedNotice(thread.first_text))
        with self._store.unit_of_work() as uow:
            if receipt is not None:
                remember_writer_thread(uow, sealer, thread.thread_id, receipt)
            if out.recipient is not None:
                record_card(uow, thread.thread_id, card)

    def conversations(self, user_id: str) -> Conversations:
        """The threads someone wrote (found by unsealing tokens) and the ones they receive."""
        sealer = self._require_sealer()
        with self._store.unit_of_work() as uow:
            written = [
                view_of(uow, thread)
                for thread in uow.feedback.with_tokens()
                if thread.status != ThreadStatus.RESOLVED.value
                and (route := writer_route(sealer, thread)) is not None
                and route.user_id == user_id
            ]
            return Conversations(tuple(written), tuple(open_thread_views(uow, user_id)))

    # ---- both sides -------------------------------------------------------------------

    def open_reply(self, thread_id: str, user_id: str) -> ReplyDraft:
        """The reply form, for the writer or the recipient of the thread and nobody else."""
        sealer = self._require_sealer()
        with self._store.unit_of_work() as uow:
            thread = require_thread(uow, thread_id, missing="feedback.errors.not_yours")
            role, _ = require_role(sealer, thread, user_id)
            quoted = uow.feedback.first_text(thread.id)
            return ReplyDraft(thread.id, role is Author.WRITER, quoted, thread.anonymous)

    def reply(
        self,
        thread_id: str,
        user_id: str,
        text: str,
        source_key: str,
        accepted: Callable[[], object],
    ) -> Reply:
        """Adds a message once, calls `accepted`, then posts it to both sides of the thread."""
        sealer = self._require_sealer()
        cleaned = validate_text(text)
        with self._store.unit_of_work() as uow:
            relay = add_reply(uow, sealer, thread_id, user_id, cleaned, source_key, self._clock())
        accepted()
        if not relay.reply.duplicate:
            self._relay(relay)
        return relay.reply

    def _relay(self, relay: Relay) -> None:
        """The message goes to the other side, and a copy into the author's own thread.

        A recipient without a thread yet (a new manager, or a card Slack refused) gets the card
        first, so they read the conversation from its start and can answer it.
        """
        message, writer = relay.reply.message, relay.writer
        if writer is not None:
            self._post(writer, ThreadMessage(message, for_writer=True))
        manager = relay.manager
        card: Posted | None = None
        if relay.card_first is not None:
            card = self._post(manager, ManagerCard(relay.card_first))
            manager = manager.in_thread(card)
        reached = (relay.card_first is None or card is not None) and self._post(
            manager, ThreadMessage(message, for_writer=False)
        ) is not None
        if not reached and message.author is Author.WRITER and writer is not None:
            self._post(writer, DeliveryFailedNotice(message.text))
        if relay.reply.reopened and writer is not None:
            self._post(writer, StatusNotice(relay.reply.thread))
        if relay.card_first is not None:
            with self._store.unit_of_work() as uow:
                record_card(uow, message.thread_id, card)

    # ---- the recipient's side ---------------------------------------------------------

    def set_status(self, thread_id: str, user_id: str, status: ThreadStatus) -> FeedbackThreadView:
        """Acknowledge or resolve; the writer hears of it when something changed."""
        with self._store.unit_of_work() as uow:
            thread = require_thread(uow, thread_id)
            require_recipient(user_id, thread.manager_id)
            changed = thread.status != status.value
            if changed:
                thread.status = status.value
                resolved = status is ThreadStatus.RESOLVED
                thread.resolved_on = self._clock().date() if resolved else None
                uow.feedback.save(thread)
            view = view_of(uow, thread)
            writer = writer_destination(uow, self._sealer, thread) if changed else None
        if writer is not None:
            self._post(writer, StatusNotice(view))
        return view

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
        """Delayed feedback whose time has come; writers of long-resolved threads forgotten.

        Each due thread is claimed in the same transaction that finds it, so two runs at once
        never post the same card twice.
        """
        with self._store.unit_of_work() as uow:
            due = [claim_delivery(uow, self._sealer, t) for t in uow.feedback.undelivered(now)]
            forgotten = uow.feedback.forget_writers(now.date() - FORGET_WRITER_AFTER)
        cards = {delivery.thread.thread_id: self._deliver(delivery) for delivery in due}
        if cards:
            with self._store.unit_of_work() as uow:
                for thread_id, card in cards.items():
                    record_card(uow, thread_id, card)
        sent = sum(card is not None for card in cards.values())
        return DeliveryReport(sent=sent, failed=len(cards) - sent, forgotten=forgotten)

    def _deliver(self, delivery: Delivery) -> Posted | None:
        card = self._post(delivery.recipient, ManagerCard(delivery.thread))
        if card is None and delivery.writer is not None:
            self._post(delivery.writer, DeliveryFailedNotice(delivery.thread.first_text))
        return card

    # ---- plumbing ---------------------------------------------------------------------

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
