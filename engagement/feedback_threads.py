"""The transaction side of feedback: helpers that take the open unit of work.

Internal to `FeedbackService` (and `reroute_team`, which team changes call inside their own
transaction). Nothing here calls Slack, and nothing refreshes the people directory: a refresh
stamp written in a feedback transaction would say who wrote it. What leaves is frozen data.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar

from engagement.directory import is_targetable, language_of
from engagement.errors import DomainError
from engagement.feedback_model import (
    Author,
    Destination,
    FeedbackKind,
    FeedbackLine,
    FeedbackMessageView,
    FeedbackRequest,
    FeedbackThreadView,
    Posted,
    Reply,
    Submitted,
    ThreadStatus,
)
from engagement.feedback_rules import check_daily_limit, choose_recipient, next_slot, role_of
from engagement.local_time import local_now
from engagement.sealing import SEAL_MARK, Sealer
from engagement.teams_model import TeamRef
from storage.models import FeedbackMessage, FeedbackThread, Team
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Outgoing:
    """A feedback just stored.

    Its receipt goes to `writer` now; its card waits for the next delivery slot."""

    submitted: Submitted
    writer: Destination


@dataclass(frozen=True)
class Relay:
    """A reply just stored. A writer's reply waits for its slot (`manager_copy` False); a
    recipient's own words go back into their thread now, after the card when they have none."""

    reply: Reply
    manager: Destination
    card_first: FeedbackThreadView | None
    manager_copy: bool


@dataclass(frozen=True)
class Delivery:
    """Something due at this slot: a card (`message` None) or a writer's later message."""

    thread: FeedbackThreadView
    recipient: Destination
    writer: Destination | None
    message: FeedbackMessageView | None = None
    card_first: bool = False


CLAIM_PAGE = 25
"""Items claimed per transaction. A claim costs about a millisecond an item, and on SQLite
every writer waits while one is open: a slot with thousands due must hold the lock for a few
milliseconds at a time, not for seconds."""

_Item = TypeVar("_Item")
_Key = TypeVar("_Key", str, int)


@dataclass(frozen=True)
class Page(Generic[_Item, _Key]):
    """What one claim transaction took, and where the next one starts (None: nothing left)."""

    items: list[_Item]
    next_after: _Key | None


def _next_after(rows: list[_Key]) -> _Key | None:
    """The last key of a full page; None once a page comes back short."""
    return rows[-1] if len(rows) == CLAIM_PAGE else None


# ---- look-ups ---------------------------------------------------------------------------


def team_choices(uow: UnitOfWork) -> list[TeamRef]:
    return [TeamRef(t.id, t.name) for t in uow.teams.all() if t.id is not None]


def _active(uow: UnitOfWork, user_id: str) -> bool:
    person = uow.people.get(user_id)
    return person is not None and is_targetable(person)


def recipient_for(uow: UnitOfWork, team: Team) -> tuple[str, bool]:
    """The team's manager, or with none active the first active admin; (user id, via admins)."""
    manager = team.manager_id if _active(uow, team.manager_id) else None
    admins = [admin_id for admin_id in uow.admins.all_ids() if _active(uow, admin_id)]
    return choose_recipient(manager, admins)


def view_of(uow: UnitOfWork, thread: FeedbackThread) -> FeedbackThreadView:
    team = uow.teams.get(thread.team_id)
    return FeedbackThreadView(
        thread_id=thread.id,
        team_name=team.name if team else "?",
        kind=FeedbackKind(thread.kind),
        status=ThreadStatus(thread.status),
        first_text=uow.feedback.first_text(thread.id),
        anonymous=thread.anonymous,
        writer_id=None if thread.anonymous else thread.writer_id,
        manager_id=thread.manager_id,
        flagged=thread.flagged,
    )


def writer_view(uow: UnitOfWork, sealer: Sealer, thread: FeedbackThread) -> FeedbackThreadView:
    """The writer's line in `/feedback list`: a fresh handle instead of the thread id."""
    return replace(view_of(uow, thread), thread_id=sealer.handle(thread.id))


def history(uow: UnitOfWork, thread: FeedbackThread) -> tuple[FeedbackLine, ...]:
    """The conversation for its writer; the first message waits as long as its card does."""
    card_waits = not thread.delivered and thread.deliver_after is not None
    return tuple(
        FeedbackLine(Author(m.author), m.text, waiting=not m.delivered or (i == 0 and card_waits))
        for i, m in enumerate(uow.feedback.messages(thread.id))
    )


def open_thread_views(uow: UnitOfWork, manager_id: str) -> list[FeedbackThreadView]:
    return [view_of(uow, thread) for thread in uow.feedback.for_manager(manager_id)]


def require_thread(
    uow: UnitOfWork, thread_id: str, *, missing: str = "feedback.errors.unknown_thread"
) -> FeedbackThread:
    thread = uow.feedback.get(thread_id) if thread_id else None
    if thread is None:
        raise DomainError(missing)
    return thread


def writer_of(sealer: Sealer | None, thread: FeedbackThread) -> str | None:
    """The writer's user id, unsealed from the thread's token; None once forgotten."""
    data = sealer.unseal(thread.writer_token) if sealer is not None else None
    return str(data["u"]) if data and data.get("u") else None


def require_role(sealer: Sealer, thread: FeedbackThread, user_id: str) -> Author:
    """The recipient or the writer; anyone else is refused."""
    role = role_of(user_id, thread.manager_id, writer_of(sealer, thread))
    if role is None:
        raise DomainError("feedback.errors.not_yours")
    return role


def _lang(uow: UnitOfWork, user_id: str) -> str:
    """From the cache: a post never waits on Slack for a locale."""
    return language_of(uow.people.get(user_id), uow.settings.get().default_language)


def writer_destination(
    uow: UnitOfWork, sealer: Sealer | None, thread: FeedbackThread
) -> Destination | None:
    """The writer's DM (opened by their id); None once the writer was forgotten."""
    writer = writer_of(sealer, thread)
    return Destination(writer, _lang(uow, writer)) if writer else None


def _manager_at(uow: UnitOfWork, thread: FeedbackThread) -> Destination:
    channel = thread.manager_channel or thread.manager_id
    return Destination(channel, _lang(uow, thread.manager_id), thread.manager_ts)


# ---- routing ----------------------------------------------------------------------------


def reroute_team(uow: UnitOfWork, team: Team) -> int:
    """Open conversations follow the team's current manager (or the admins).

    A moved conversation has no thread in the new recipient's DM yet: the next message posts
    the card there first. Feedback not yet delivered simply goes to the new recipient.
    """
    if team.id is None:
        return 0
    threads = uow.feedback.open_for_team(team.id)
    if not threads:
        return 0
    recipient, _ = recipient_for(uow, team)
    return sum(_hand_to(uow, thread, recipient) for thread in threads)


def _hand_to(uow: UnitOfWork, thread: FeedbackThread, recipient: str) -> bool:
    """Moves the thread to `recipient`; True if it moved. The new recipient has no card in
    their DM yet, so the channel and timestamp are cleared for the next message to post one."""
    if thread.manager_id == recipient:
        return False
    thread.manager_id, thread.manager_channel, thread.manager_ts = recipient, None, None
    uow.feedback.save(thread)
    return True


def _routed(
    uow: UnitOfWork, thread: FeedbackThread, recipients: dict[int, str | None] | None = None
) -> FeedbackThread:
    """The thread after handing it to whoever receives its team's feedback now.

    Only this thread: rerouting all the team's open threads for each one delivered made a
    slot's claims grow with the square of the feedback (the 30-minute soak's job held the
    write lock 140 s). `recipients` keeps each team's recipient for one run."""
    known = {} if recipients is None else recipients
    if thread.team_id not in known:
        team = uow.teams.get(thread.team_id)
        known[thread.team_id] = None
        if team is not None:
            with contextlib.suppress(DomainError):  # nobody to hand over to: keep the recipient
                known[thread.team_id] = recipient_for(uow, team)[0]
    recipient = known[thread.team_id]
    if recipient is not None:
        _hand_to(uow, thread, recipient)
    return thread


# ---- writes -----------------------------------------------------------------------------


def _stored(
    uow: UnitOfWork, thread: FeedbackThread, writer_id: str, *, duplicate: bool, via_admins: bool
) -> Outgoing:
    submitted = Submitted(view_of(uow, thread), duplicate, True, via_admins)
    return Outgoing(submitted, Destination(writer_id, _lang(uow, writer_id)))


def start_feedback(
    uow: UnitOfWork, sealer: Sealer, request: FeedbackRequest, text: str, now: datetime
) -> Outgoing:
    """Stores a new conversation and its first message, due at the next delivery slot; a
    second submit finds the first. The daily limit reads the writer's day from the cache."""
    existing = uow.feedback.by_source_key(request.source_key)
    if existing is not None:
        return _stored(uow, existing, request.writer_id, duplicate=True, via_admins=False)
    team = uow.teams.get(request.team_id) if request.team_id else None
    if team is None or team.id is None:
        raise DomainError("feedback.errors.unknown_team", field="team")
    today = local_now(uow.people.get(request.writer_id), now).date()
    writer_key = sealer.daily_key(request.writer_id, today)
    check_daily_limit(
        uow.feedback.count_today(writer_key, today), uow.settings.get().feedback_daily_limit
    )
    recipient, via_admins = recipient_for(uow, team)
    thread_id = uuid.uuid4().hex
    created = uow.feedback.create_thread(
        {
            "id": thread_id,
            "team_id": team.id,
            "manager_id": recipient,
            "kind": request.kind.value,
            "anonymous": request.anonymous,
            "writer_id": None if request.anonymous else request.writer_id,
            "writer_token": sealer.seal({"u": request.writer_id}),
            "status": ThreadStatus.OPEN.value,
            "flagged": False,
            "source_key": request.source_key[:255],
            "created_on": now.date(),
            "deliver_after": next_slot(now),
            "delivered": False,
        }
    )
    if not created:  # the same form, submitted twice at once: the first one stands
        existing = uow.feedback.by_source_key(request.source_key)
        assert existing is not None
        return _stored(uow, existing, request.writer_id, duplicate=True, via_admins=False)
    first_key = f"{request.source_key}:first"[:255]
    uow.feedback.add_message(thread_id, Author.WRITER.value, text, first_key, now.date())
    uow.feedback.bump_today(writer_key, today)
    thread = require_thread(uow, thread_id)
    return _stored(uow, thread, request.writer_id, duplicate=False, via_admins=via_admins)


def record_card(uow: UnitOfWork, thread_id: str, card: Posted | None) -> None:
    """Where the recipient's card landed; a refused card is released and never retried (the
    writer hears of it, and their next reply tries again)."""
    thread = uow.feedback.get(thread_id)
    if thread is None:
        return
    if card is None:
        thread.delivered, thread.deliver_after = False, None
    else:
        thread.delivered = True
        thread.manager_channel, thread.manager_ts = card.channel, card.ts
    uow.feedback.save(thread)


def news_for_writer(uow: UnitOfWork, thread: FeedbackThread, now: datetime) -> None:
    """The writer hears at the next slot that something happened, never what or when."""
    if thread.writer_news_after is None:
        thread.writer_news_after = next_slot(now)
        uow.feedback.save(thread)


def add_reply(
    uow: UnitOfWork,
    sealer: Sealer,
    thread_id: str,
    user_id: str,
    text: str,
    source_key: str,
    now: datetime,
) -> Relay:
    """Stores a message of either side, reopening a resolved conversation. The writer's waits
    for the next slot; the recipient's is there for the writer now, who hears of it at the
    next slot."""
    thread = require_thread(uow, thread_id)
    role = require_role(sealer, thread, user_id)
    reopened = thread.status == ThreadStatus.RESOLVED.value
    if reopened:
        thread.status, thread.resolved_on = ThreadStatus.OPEN.value, None
        uow.feedback.save(thread)
    writes = role is Author.WRITER
    added = uow.feedback.add_message(
        thread.id,
        role.value,
        text,
        source_key[:255],
        now.date(),
        deliver_after=next_slot(now) if writes else None,
    )
    if added:
        thread = _routed(uow, thread)
        if not writes:
            news_for_writer(uow, thread, now)
    view = view_of(uow, thread)
    message = FeedbackMessageView(
        thread.id, view.team_name, role, text, thread.anonymous, view.writer_id
    )
    card_first = added and not writes and thread.manager_ts is None
    if card_first:
        thread.delivered = True  # claimed: this reply posts the card before itself
        uow.feedback.save(thread)
    return Relay(
        Reply(message, view, duplicate=not added, reopened=reopened),
        _manager_at(uow, thread),
        view if card_first else None,
        manager_copy=added and not writes,
    )


def claim_cards(
    uow: UnitOfWork, sealer: Sealer | None, now: datetime, after: str
) -> Page[Delivery, str]:
    """A page of the cards due at this slot, marked delivered before anything is posted,
    each with the writer's later messages due with it: claimed in the same transaction, so a
    run starting meanwhile never finds a message whose card is out of its sight and posts
    the card a second time before it."""
    due: list[Delivery] = []
    recipients: dict[int, str | None] = {}
    waiting = uow.feedback.undelivered(now, after=after, limit=CLAIM_PAGE)
    messages: dict[str, list[FeedbackMessage]] = defaultdict(list)
    for row in uow.feedback.undelivered_messages_of([t.id for t in waiting], now):
        messages[row.thread_id].append(row)
    for found in waiting:
        thread = _routed(uow, found, recipients)
        thread.delivered = True
        uow.feedback.save(thread)
        writer = writer_destination(uow, sealer, thread)
        view, recipient = view_of(uow, thread), _manager_at(uow, thread)
        due.append(Delivery(view, recipient, writer))
        for row in messages[found.id]:
            uow.feedback.mark_delivered(row)
            due.append(Delivery(view, recipient, writer, _message_view(view, row)))
    return Page(due, _next_after([t.id for t in waiting]))


def claim_messages(
    uow: UnitOfWork, sealer: Sealer | None, now: datetime, carded: set[str], after: int
) -> Page[Delivery, int]:
    """A page of the writers' later messages due at this slot, each marked delivered before
    it is posted; one whose card has not gone out yet waits for it. (A card claimed in this
    run took its thread's due messages with it: `carded` are those threads.)"""
    due: list[Delivery] = []
    recipients: dict[int, str | None] = {}
    rows = uow.feedback.undelivered_messages(now, after=after, limit=CLAIM_PAGE)
    for row in rows:
        thread = _routed(uow, require_thread(uow, row.thread_id), recipients)
        if not thread.delivered and thread.deliver_after is not None:
            continue  # its card leaves at a later slot: the message follows it
        uow.feedback.mark_delivered(row)
        card_first = thread.manager_ts is None and thread.id not in carded
        if card_first:
            thread.delivered = True
            uow.feedback.save(thread)
        view = view_of(uow, thread)
        message = _message_view(view, row)
        writer = writer_destination(uow, sealer, thread)
        due.append(Delivery(view, _manager_at(uow, thread), writer, message, card_first))
    return Page(due, _next_after([row.id for row in rows if row.id is not None]))


def _message_view(view: FeedbackThreadView, row: FeedbackMessage) -> FeedbackMessageView:
    return FeedbackMessageView(
        view.thread_id, view.team_name, Author(row.author), row.text, view.anonymous, view.writer_id
    )


def claim_news(
    uow: UnitOfWork, sealer: Sealer | None, now: datetime, after: str
) -> Page[tuple[Destination, str], str]:
    """A page of the writers to tell, at this slot, that one of their conversations has news:
    (DM, thread)."""
    due = []
    threads = uow.feedback.news_due(now, after=after, limit=CLAIM_PAGE)
    for thread in threads:
        thread.writer_news_after = None
        uow.feedback.save(thread)
        writer = writer_destination(uow, sealer, thread)
        if writer is not None:
            due.append((writer, thread.id))
    return Page(due, _next_after([t.id for t in threads]))


def reseal_tokens(uow: UnitOfWork, sealer: Sealer) -> int:
    """Tokens sealed under an older key (or Fernet's, which showed the time) sealed anew under
    the current key, so backups made from now on need only the current key, and an old key
    can be retired."""
    resealed = 0
    legacy_only = not sealer.has_older_keys  # AES tokens are then all the current key's
    for thread in uow.feedback.with_tokens(lacking_prefix=SEAL_MARK if legacy_only else None):
        data = sealer.stale_payload(thread.writer_token or "")
        if data is not None and data.get("u"):
            thread.writer_token = sealer.seal({"u": data["u"]})  # no old DM thread either
            uow.feedback.save(thread)
            resealed += 1
    return resealed
