"""Welcome claims, kudos DM preferences, daily summary claims and daily celebration threads.

Every claim is an INSERT ... ON CONFLICT DO NOTHING or one UPDATE ... RETURNING, so two
instances racing for the same send learn which one of them won.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, bindparam, or_, update
from sqlmodel import Session, col, select

from storage.models.kudos import Kudos, KudosReceiver
from storage.models.pulse import Attempt
from storage.models.welcome import (
    CelebrationThread,
    KudosDmPreference,
    KudosSummaryClaim,
    Welcome,
)
from storage.repositories._sql import dialect_insert, insert_ignoring_duplicates

PENDING, CLAIMED, SENT, RETRY, FAILED = "pending", "claimed", "sent", "retry", "failed"


class WelcomeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def enlist(self, user_id: str, role: str, now: datetime) -> bool:
        """Owes `user_id` a welcome in `role` unless one was ever owed; True when new."""
        statement = (
            dialect_insert(self._session)(Welcome)
            .values(user_id=user_id, role=role, status=PENDING, attempts=0, created_at=now)
            .on_conflict_do_nothing()
            .returning(col(Welcome.user_id))
        )
        return self._session.execute(statement).first() is not None

    def take_pending(self, now: datetime) -> list[tuple[str, str]]:
        """Claims the welcomes never tried: (user id, role) of each."""
        return self._take(col(Welcome.status) == PENDING, now)

    def take_resends(self, now: datetime, stale_before: datetime) -> list[tuple[str, str]]:
        """Claims retries that fell due and claims a dead run left before `stale_before`."""
        due = or_(
            and_(col(Welcome.status) == RETRY, col(Welcome.retry_at) <= now),
            and_(col(Welcome.status) == CLAIMED, col(Welcome.claimed_at) < stale_before),
        )
        return self._take(due, now)

    def _take(self, where: ColumnElement[bool], now: datetime) -> list[tuple[str, str]]:
        statement = (
            update(Welcome)
            .where(where)
            .values(status=CLAIMED, claimed_at=now)
            .returning(col(Welcome.user_id), col(Welcome.role))
        )
        return [(user_id, role) for user_id, role in self._session.execute(statement)]

    def attempts(self, user_id: str, role: str) -> int:
        row = self._session.get(Welcome, (user_id, role))
        return row.attempts if row else 0

    def mark(self, user_id: str, role: str, attempt: Attempt, *, at: datetime) -> None:
        row = self._session.get(Welcome, (user_id, role))
        if row is None:
            return
        row.status, row.error, row.retry_at = attempt
        if attempt.status == SENT:
            row.sent_at = at
        elif attempt.error is not None:
            row.attempts += 1
        self._session.add(row)

    def enlist_again(self, user_id: str, role: str) -> None:
        """Forgets a welcome never sent, so the next team that takes them owes it afresh."""
        row = self._session.get(Welcome, (user_id, role))
        if row is not None and row.status != SENT:
            self._session.delete(row)


_QUIET_AMONG = select(KudosDmPreference.user_id).where(  # built once: every kudos asks
    col(KudosDmPreference.user_id).in_(bindparam("ids", expanding=True)),
    col(KudosDmPreference.mode) != "each",
)


class QuietKudosRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def quiet_among(self, user_ids: Sequence[str]) -> set[str]:
        """Those of these people who chose a daily summary, or no DMs, over one DM a kudos."""
        if not user_ids:
            return set()
        found = self._session.connection().execute(_QUIET_AMONG, {"ids": list(user_ids)})
        return set(found.scalars())

    def set_dm_mode(self, user_id: str, mode: str) -> None:
        row = self._session.get(KudosDmPreference, user_id)
        if mode == "each":
            if row is not None:
                self._session.delete(row)
            return
        if row is None:
            row = KudosDmPreference(user_id=user_id, mode=mode)
        row.mode = mode
        self._session.add(row)

    def daily_people(self) -> list[str]:
        query = select(KudosDmPreference.user_id).where(col(KudosDmPreference.mode) == "daily")
        return list(self._session.exec(query))

    def claim_summary(self, user_id: str, day: date, now: datetime) -> bool:
        values = {"user_id": user_id, "day": day, "status": CLAIMED, "claimed_at": now}
        return insert_ignoring_duplicates(self._session, KudosSummaryClaim, values)

    def mark_summary(self, user_id: str, day: date, status: str) -> None:
        row = self._session.get(KudosSummaryClaim, (user_id, day))
        if row is not None:
            row.status = status
            self._session.add(row)

    def free_summary(self, user_id: str, day: date) -> None:
        """A passing failure: the next run claims the day again."""
        row = self._session.get(KudosSummaryClaim, (user_id, day))
        if row is not None:
            self._session.delete(row)

    def received_between(self, user_id: str, start: datetime, end: datetime) -> list[Kudos]:
        """Kudos `user_id` received in [start, end), not taken back, oldest first."""
        query = (
            select(Kudos)
            .join(KudosReceiver, col(KudosReceiver.kudos_id) == col(Kudos.id))
            .where(
                col(KudosReceiver.receiver_id) == user_id,
                col(Kudos.created_at) >= start,
                col(Kudos.created_at) < end,
                col(Kudos.withdrawn_at).is_(None),
            )
            .order_by(col(Kudos.created_at))
        )
        return list(self._session.exec(query))

    def claim_thread(self, channel_id: str, day: date, now: datetime) -> bool:
        values = {"channel_id": channel_id, "day": day, "claimed_at": now}
        return insert_ignoring_duplicates(self._session, CelebrationThread, values)

    def thread_ts(self, channel_id: str, day: date) -> str | None:
        row = self._session.get(CelebrationThread, (channel_id, day))
        return row.ts if row else None

    def set_thread_ts(self, channel_id: str, day: date, ts: str | None) -> None:
        """Records the parent's ts; None gives the day up so the next kudos tries again."""
        row = self._session.get(CelebrationThread, (channel_id, day))
        if row is None:
            return
        if ts is None:
            self._session.delete(row)
        else:
            row.ts = ts
            self._session.add(row)
