"""Anonymous feedback: who it reaches, how the writer stays anonymous, and how it flows back.

An anonymous thread never stores the writer in a readable column. The way back to them (id and
DM thread) is sealed with APLAUSO_SECRET_KEY, which never enters the database. The daily limit
counts under a keyed hash of the person that changes every day.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from engagement.directory import is_targetable
from engagement.errors import DomainError
from engagement.feedback_model import (
    TEXT_MAX,
    Author,
    FeedbackKind,
    FeedbackMessageView,
    FeedbackThreadView,
    TeamChoice,
    ThreadStatus,
)
from engagement.local_time import local_now
from engagement.sealing import Sealer
from storage.models import FeedbackThread, Team
from storage.unit_of_work import Database, UnitOfWork

FORGET_WRITER_AFTER = timedelta(days=30)
DELAY_MIN_MINUTES = 120
DELAY_MAX_MINUTES = 300


@dataclass(frozen=True)
class FeedbackRequest:
    writer_id: str
    team_id: int
    kind: FeedbackKind
    text: str
    anonymous: bool
    delay: bool
    source_key: str


@dataclass(frozen=True)
class StartedFeedback:
    thread: FeedbackThreadView
    duplicate: bool
    deliver_now: bool
    routed_to_admins: bool


@dataclass(frozen=True)
class WriterRoute:
    user_id: str
    channel_id: str | None
    ts: str | None


@dataclass(frozen=True)
class Reply:
    message: FeedbackMessageView
    thread: FeedbackThreadView
    duplicate: bool
    reopened: bool


class FeedbackCourier(Protocol):
    def deliver(self, thread_id: str) -> None: ...


def team_choices(uow: UnitOfWork) -> list[TeamChoice]:
    return [TeamChoice(t.id, t.name) for t in uow.teams.all() if t.id is not None]


def own_team(uow: UnitOfWork, user_id: str) -> Team | None:
    teams = uow.teams.teams_of(user_id)
    return teams[0] if teams else None


def is_small_team(uow: UnitOfWork, team: Team | None) -> bool:
    """Writers in small teams are warned: the manager may guess who wrote."""
    if team is None or team.id is None:
        return False
    return len(uow.teams.member_ids(team.id)) < uow.settings.get().anonymity_k


def recipient_for(uow: UnitOfWork, team: Team) -> tuple[str, bool]:
    """The team's manager, or with none active the first active admin; (user id, via admins)."""
    manager = uow.people.get(team.manager_id)
    if manager is not None and is_targetable(manager):
        return manager.user_id, False
    for admin_id in uow.admins.all_ids():
        admin = uow.people.get(admin_id)
        if admin is not None and is_targetable(admin):
            return admin.user_id, True
    raise DomainError("feedback.errors.no_recipient")


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


def _require_thread(uow: UnitOfWork, thread_id: str) -> FeedbackThread:
    thread = uow.feedback.get(thread_id)
    if thread is None:
        raise DomainError("feedback.errors.unknown_thread")
    return thread


def validate_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise DomainError("feedback.errors.empty")
    if len(cleaned) > TEXT_MAX:
        raise DomainError("feedback.errors.too_long", max=TEXT_MAX, length=len(cleaned))
    return cleaned


def start_feedback(
    uow: UnitOfWork, sealer: Sealer, request: FeedbackRequest, now: datetime
) -> StartedFeedback:
    existing = uow.feedback.by_source_key(request.source_key)
    if existing is not None:  # a double submit: the first one stands
        return StartedFeedback(view_of(uow, existing), True, False, False)
    text = validate_text(request.text)
    team = uow.teams.get(request.team_id)
    if team is None:
        raise DomainError("feedback.errors.unknown_team")
    writer = uow.people.get(request.writer_id)
    today = local_now(writer, now).date()
    writer_key = sealer.daily_key(request.writer_id, today)
    limit = uow.settings.get().feedback_daily_limit
    if uow.feedback.count_today(writer_key, today) >= limit:
        raise DomainError("feedback.errors.daily_limit", limit=limit)
    recipient, via_admins = recipient_for(uow, team)
    delay = (
        timedelta(
            minutes=DELAY_MIN_MINUTES + secrets.randbelow(DELAY_MAX_MINUTES - DELAY_MIN_MINUTES)
        )
        if request.delay
        else None
    )
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
            "delivered": False,
        }
    )
    if not created:
        existing = uow.feedback.by_source_key(request.source_key)
        assert existing is not None
        return StartedFeedback(view_of(uow, existing), True, False, False)
    uow.feedback.add_message(
        thread_id, Author.WRITER.value, text, f"{request.source_key}:first", now.date()
    )
    uow.feedback.bump_today(writer_key, today)
    thread = _require_thread(uow, thread_id)
    return StartedFeedback(view_of(uow, thread), False, delay is None, via_admins)


def writer_route(sealer: Sealer, thread: FeedbackThread) -> WriterRoute | None:
    data = sealer.unseal(thread.writer_token)
    if data is None or not data.get("u"):
        return None
    return WriterRoute(str(data["u"]), data.get("c"), data.get("ts"))


def remember_writer_thread(
    uow: UnitOfWork, sealer: Sealer, thread_id: str, channel_id: str, ts: str
) -> None:
    """Seals the writer's DM thread into the token, so replies can be threaded there too."""
    thread = _require_thread(uow, thread_id)
    route = writer_route(sealer, thread)
    if route is None:
        return
    thread.writer_token = sealer.seal({"u": route.user_id, "c": channel_id, "ts": ts})
    uow.feedback.save(thread)


def mark_delivered(uow: UnitOfWork, thread_id: str, channel_id: str, ts: str) -> None:
    thread = _require_thread(uow, thread_id)
    thread.delivered = True
    thread.manager_channel, thread.manager_ts = channel_id, ts
    uow.feedback.save(thread)


def role_in(sealer: Sealer, thread: FeedbackThread, user_id: str) -> Author | None:
    if user_id == thread.manager_id:
        return Author.MANAGER
    route = writer_route(sealer, thread)
    if route is not None and route.user_id == user_id:
        return Author.WRITER
    return None


def add_reply(
    uow: UnitOfWork,
    sealer: Sealer,
    thread_id: str,
    user_id: str,
    text: str,
    source_key: str,
    now: datetime,
) -> Reply:
    thread = _require_thread(uow, thread_id)
    role = role_in(sealer, thread, user_id)
    if role is None:
        raise DomainError("feedback.errors.not_yours")
    cleaned = validate_text(text)
    reopened = False
    if thread.status == ThreadStatus.RESOLVED.value:
        thread.status, thread.resolved_on = ThreadStatus.OPEN.value, None
        uow.feedback.save(thread)
        reopened = True
    added = uow.feedback.add_message(thread.id, role.value, cleaned, source_key[:255], now.date())
    view = view_of(uow, thread)
    message = FeedbackMessageView(
        thread.id, view.team_name, role, cleaned, thread.anonymous, view.writer_id
    )
    return Reply(message, view, duplicate=not added, reopened=reopened)


def set_status(
    uow: UnitOfWork, thread_id: str, user_id: str, status: ThreadStatus, now: datetime
) -> tuple[FeedbackThreadView, bool]:
    """Only the recipient acknowledges or resolves. Returns the view and whether it changed."""
    thread = _require_thread(uow, thread_id)
    if user_id != thread.manager_id:
        raise DomainError("feedback.errors.not_yours")
    changed = thread.status != status.value
    if changed:
        thread.status = status.value
        thread.resolved_on = now.date() if status is ThreadStatus.RESOLVED else None
        uow.feedback.save(thread)
    return view_of(uow, thread), changed


def flag(uow: UnitOfWork, thread_id: str, user_id: str) -> FeedbackThreadView:
    thread = _require_thread(uow, thread_id)
    if user_id != thread.manager_id:
        raise DomainError("feedback.errors.not_yours")
    thread.flagged = True
    uow.feedback.save(thread)
    return view_of(uow, thread)


def reroute_team(uow: UnitOfWork, team: Team) -> int:
    """Open conversations follow the team's current manager (or the admins)."""
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


def threads_for_writer(uow: UnitOfWork, sealer: Sealer, user_id: str) -> list[FeedbackThreadView]:
    """Found by unsealing tokens: the database alone cannot answer this question."""
    found = []
    for thread in uow.feedback.with_tokens():
        route = writer_route(sealer, thread)
        if route is not None and route.user_id == user_id and thread.status != "resolved":
            found.append(view_of(uow, thread))
    return found


def threads_for_manager(uow: UnitOfWork, user_id: str) -> list[FeedbackThreadView]:
    return [view_of(uow, thread) for thread in uow.feedback.for_manager(user_id)]


def deliver_due(database: Database, courier: FeedbackCourier, now: datetime) -> int:
    """Delayed feedback whose time has come, then forgetting writers of long-resolved threads."""
    with database.unit_of_work() as uow:
        due = [thread.id for thread in uow.feedback.undelivered(now)]
    for thread_id in due:
        courier.deliver(thread_id)
    with database.unit_of_work() as uow:
        uow.feedback.forget_writers(now.date() - FORGET_WRITER_AFTER)
    return len(due)
