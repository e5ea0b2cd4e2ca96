"""The transaction side of feedback: helpers that take the open unit of work.

Internal to `FeedbackService` (and `reroute_team`, which team changes call inside their own
transaction). Nothing here calls Slack; what leaves is frozen data, never a row.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from engagement.directory import ProfileFetcher, ensure_person, is_targetable, language_of
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.feedback_model import (
    Author,
    Destination,
    FeedbackKind,
    FeedbackMessageView,
    FeedbackRequest,
    FeedbackThreadView,
    Posted,
    Reply,
    Submitted,
    TeamChoice,
    ThreadStatus,
)
from engagement.feedback_rules import check_daily_limit, choose_recipient, role_of
from engagement.local_time import local_now
from engagement.sealing import Sealer
from storage.models import FeedbackThread, Person, Team
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WriterRoute:
    """The way back to a writer, as unsealed from the thread's token."""

    user_id: str
    channel_id: str | None
    ts: str | None


@dataclass(frozen=True)
class Outgoing:
    """A feedback just stored, and where its first posts go (`recipient` None: delayed)."""

    submitted: Submitted
    writer: Destination
    recipient: Destination | None


@dataclass(frozen=True)
class Relay:
    """A reply just stored, and both sides' threads; `card_first` when the recipient has none."""

    reply: Reply
    writer: Destination | None
    manager: Destination
    card_first: FeedbackThreadView | None


@dataclass(frozen=True)
class Delivery:
    thread: FeedbackThreadView
    recipient: Destination
    writer: Destination | None


# ---- look-ups ---------------------------------------------------------------------------


def team_choices(uow: UnitOfWork) -> list[TeamChoice]:
    return [TeamChoice(t.id, t.name) for t in uow.teams.all() if t.id is not None]


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


def open_thread_views(uow: UnitOfWork, manager_id: str) -> list[FeedbackThreadView]:
    return [view_of(uow, thread) for thread in uow.feedback.for_manager(manager_id)]


def require_thread(
    uow: UnitOfWork, thread_id: str, *, missing: str = "feedback.errors.unknown_thread"
) -> FeedbackThread:
    thread = uow.feedback.get(thread_id) if thread_id else None
    if thread is None:
        raise DomainError(missing)
    return thread


def writer_route(sealer: Sealer, thread: FeedbackThread) -> WriterRoute | None:
    data = sealer.unseal(thread.writer_token)
    if data is None or not data.get("u"):
        return None
    return WriterRoute(str(data["u"]), data.get("c"), data.get("ts"))


def require_role(
    sealer: Sealer, thread: FeedbackThread, user_id: str
) -> tuple[Author, WriterRoute | None]:
    """The recipient or the writer; anyone else is refused."""
    route = writer_route(sealer, thread)
    role = role_of(user_id, thread.manager_id, route.user_id if route else None)
    if role is None:
        raise DomainError("feedback.errors.not_yours")
    return role, route


def _lang(uow: UnitOfWork, user_id: str) -> str:
    """From the cache: a post never waits on Slack for a locale."""
    return language_of(uow.people.get(user_id), uow.settings.get().default_language)


def _writer_at(uow: UnitOfWork, route: WriterRoute | None) -> Destination | None:
    if route is None:
        return None  # the token was forgotten: the conversation is over
    return Destination(route.channel_id or route.user_id, _lang(uow, route.user_id), route.ts)


def writer_destination(
    uow: UnitOfWork, sealer: Sealer | None, thread: FeedbackThread
) -> Destination | None:
    return _writer_at(uow, writer_route(sealer, thread)) if sealer is not None else None


def _manager_at(uow: UnitOfWork, thread: FeedbackThread) -> Destination:
    channel = thread.manager_channel or thread.manager_id
    return Destination(channel, _lang(uow, thread.manager_id), thread.manager_ts)


def _known_person(
    uow: UnitOfWork, user_id: str, fetch: ProfileFetcher, now: datetime
) -> Person | None:
    """As the prefetch found them; the cached entry (or nobody) when Slack could not say."""
    try:
        return ensure_person(uow, user_id, fetch, now)
    except (DirectoryUnavailable, DomainError):
        return uow.people.get(user_id)


# ---- routing ----------------------------------------------------------------------------


def reroute_team(uow: UnitOfWork, team: Team) -> int:
    """Open conversations follow the team's current manager (or the admins).

    A moved conversation has no thread in the new recipient's DM yet: the next message posts
    the card there first. Delayed feedback not yet delivered simply goes to the new recipient.
    """
    if team.id is None:
        return 0
    threads = uow.feedback.open_for_team(team.id)
    if not threads:
        return 0
    recipient, _ = recipient_for(uow, team)
    moved = 0
    for thread in threads:
        if thread.manager_id != recipient:
            thread.manager_id, thread.manager_channel, thread.manager_ts = recipient, None, None
            thread.delivered = False if thread.deliver_after is None else thread.delivered
            uow.feedback.save(thread)
            moved += 1
    return moved


def _routed(uow: UnitOfWork, thread: FeedbackThread) -> FeedbackThread:
    """The thread after handing it to whoever receives its team's feedback now."""
    team = uow.teams.get(thread.team_id)
    if team is not None:
        with contextlib.suppress(DomainError):  # nobody to hand over to: keep the recipient
            reroute_team(uow, team)
    return require_thread(uow, thread.id)


# ---- writes -----------------------------------------------------------------------------


def _stored(
    uow: UnitOfWork, thread: FeedbackThread, writer_id: str, *, duplicate: bool, via_admins: bool
) -> Outgoing:
    view = view_of(uow, thread)
    delayed = thread.deliver_after is not None
    submitted = Submitted(view, duplicate, delayed, via_admins)
    writer = Destination(writer_id, _lang(uow, writer_id))
    recipient = None if delayed else _manager_at(uow, thread)
    return Outgoing(submitted, writer, recipient)


def start_feedback(
    uow: UnitOfWork,
    sealer: Sealer,
    request: FeedbackRequest,
    text: str,
    fetch: ProfileFetcher,
    now: datetime,
    delay: timedelta | None,
) -> Outgoing:
    """Stores a new conversation and its first message; a second submit finds the first."""
    existing = uow.feedback.by_source_key(request.source_key)
    if existing is not None:
        return _stored(uow, existing, request.writer_id, duplicate=True, via_admins=False)
    team = uow.teams.get(request.team_id) if request.team_id else None
    if team is None or team.id is None:
        raise DomainError("feedback.errors.unknown_team", field="team")
    today = local_now(_known_person(uow, request.writer_id, fetch, now), now).date()
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
            "deliver_after": now + delay if delay else None,
            "delivered": delay is None,  # claimed now: this request posts the card itself
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


def remember_writer_thread(uow: UnitOfWork, sealer: Sealer, thread_id: str, at: Posted) -> None:
    """Seals the writer's DM thread into the token, so replies can be threaded there too."""
    thread = uow.feedback.get(thread_id)
    route = writer_route(sealer, thread) if thread else None
    if thread is None or route is None:
        return
    thread.writer_token = sealer.seal({"u": route.user_id, "c": at.channel, "ts": at.ts})
    uow.feedback.save(thread)


def record_card(uow: UnitOfWork, thread_id: str, card: Posted | None) -> None:
    """Where the recipient's card landed; a refused card was handed back to the writer, so
    it is released and never retried (the writer's next reply tries again)."""
    thread = uow.feedback.get(thread_id)
    if thread is None:
        return
    if card is None:
        thread.delivered, thread.deliver_after = False, None
    else:
        thread.delivered = True
        thread.manager_channel, thread.manager_ts = card.channel, card.ts
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
    """Stores a message of either side, reopening a resolved conversation."""
    thread = require_thread(uow, thread_id)
    role, route = require_role(sealer, thread, user_id)
    reopened = thread.status == ThreadStatus.RESOLVED.value
    if reopened:
        thread.status, thread.resolved_on = ThreadStatus.OPEN.value, None
        uow.feedback.save(thread)
    added = uow.feedback.add_message(thread.id, role.value, text, source_key[:255], now.date())
    if added:
        thread = _routed(uow, thread)
    view = view_of(uow, thread)
    message = FeedbackMessageView(
        thread.id, view.team_name, role, text, thread.anonymous, view.writer_id
    )
    card_first = added and thread.manager_ts is None
    if card_first:
        thread.delivered = True  # claimed: this reply posts the card before itself
        uow.feedback.save(thread)
    return Relay(
        Reply(message, view, duplicate=not added, reopened=reopened),
        _writer_at(uow, route),
        _manager_at(uow, thread),
        view if card_first else None,
    )


def claim_delivery(uow: UnitOfWork, sealer: Sealer | None, thread: FeedbackThread) -> Delivery:
    """A delayed thread whose time has come, marked delivered before anything is posted."""
    thread = _routed(uow, thread)
    thread.delivered = True
    uow.feedback.save(thread)
    return Delivery(
        view_of(uow, thread), _manager_at(uow, thread), writer_destination(uow, sealer, thread)
    )
