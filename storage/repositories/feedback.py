"""Feedback conversations and the writers' daily limit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import FeedbackDailyCount, FeedbackMessage, FeedbackThread, ThreadStatus
from storage.repositories._sql import dialect_insert, insert_ignoring_duplicates

_Held = TypeVar("_Held", FeedbackThread, FeedbackMessage)
_Row = TypeVar("_Row")


def _held_until(table: type[_Held], due_by: datetime) -> SelectOfScalar[_Held]:
    """Threads and messages wait for a delivery slot the same way: not yet delivered, with a
    `deliver_after` that has come by `due_by`."""
    return select(table).where(
        col(table.delivered).is_(False),
        col(table.deliver_after).is_not(None),
        col(table.deliver_after) <= due_by,
    )


def _page(
    query: SelectOfScalar[_Row], key: Any, after: object, limit: int | None
) -> SelectOfScalar[_Row]:
    """`query`'s rows in order of `key`, from the first after `after`: a page of `limit`, the
    next one starting after the last key of this one (the delivery job's claims)."""
    return query.where(key > after).order_by(key).limit(limit)


class FeedbackRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def create_thread(self, values: dict[str, object]) -> bool:
        return insert_ignoring_duplicates(self._session, FeedbackThread, values)

    def by_source_key(self, source_key: str) -> FeedbackThread | None:
        query = select(FeedbackThread).where(col(FeedbackThread.source_key) == source_key)
        return self._session.exec(query).first()

    def get(self, thread_id: str) -> FeedbackThread | None:
        return self._session.get(FeedbackThread, thread_id, populate_existing=True)

    def save(self, thread: FeedbackThread) -> None:
        self._session.add(thread)
        self._session.flush()

    def add_message(
        self,
        thread_id: str,
        author: str,
        text: str,
        source_key: str,
        day: date,
        *,
        deliver_after: datetime | None = None,
    ) -> bool:
        """`deliver_after`: the slot a writer's later message waits for (None: no wait)."""
        return insert_ignoring_duplicates(
            self._session,
            FeedbackMessage,
            {
                "thread_id": thread_id,
                "author": author,
                "text": text,
                "source_key": source_key,
                "created_on": day,
                "deliver_after": deliver_after,
                "delivered": deliver_after is None,
            },
        )

    def messages(self, thread_id: str) -> list[FeedbackMessage]:
        query = (
            select(FeedbackMessage)
            .where(col(FeedbackMessage.thread_id) == thread_id)
            .order_by(col(FeedbackMessage.id))
        )
        return list(self._session.exec(query))

    def undelivered_messages(
        self, due_by: datetime, *, after: int = 0, limit: int | None = None
    ) -> list[FeedbackMessage]:
        """In order of id, from the first after `after` (a page of `limit`)."""
        query = _held_until(FeedbackMessage, due_by)
        return list(self._session.exec(_page(query, col(FeedbackMessage.id), after, limit)))

    def undelivered_messages_of(
        self, thread_ids: Sequence[str], due_by: datetime
    ) -> list[FeedbackMessage]:
        """The messages of these threads due by `due_by`, in order of id: one query for a
        page of cards."""
        query = _held_until(FeedbackMessage, due_by).where(
            col(FeedbackMessage.thread_id).in_(list(thread_ids))
        )
        return list(self._session.exec(query.order_by(col(FeedbackMessage.id))))

    def mark_delivered(self, message: FeedbackMessage) -> None:
        message.delivered = True
        self._session.add(message)
        self._session.flush()

    def news_due(
        self, due_by: datetime, *, after: str = "", limit: int | None = None
    ) -> list[FeedbackThread]:
        """In order of id, from the first after `after` (a page of `limit`)."""
        query = select(FeedbackThread).where(
            col(FeedbackThread.writer_news_after).is_not(None),
            col(FeedbackThread.writer_news_after) <= due_by,
        )
        return list(self._session.exec(_page(query, col(FeedbackThread.id), after, limit)))

    def first_text(self, thread_id: str) -> str:
        query = (
            select(FeedbackMessage.text)
            .where(col(FeedbackMessage.thread_id) == thread_id)
            .order_by(col(FeedbackMessage.id))
        )
        return self._session.exec(query).first() or ""

    def for_manager(self, user_id: str) -> list[FeedbackThread]:
        query = select(FeedbackThread).where(
            col(FeedbackThread.manager_id) == user_id,
            col(FeedbackThread.status) != ThreadStatus.RESOLVED,
        )
        return list(self._session.exec(query.order_by(col(FeedbackThread.created_on))))

    def with_tokens(self, lacking_prefix: str | None = None) -> list[FeedbackThread]:
        """Threads whose writer can still be reached; with `lacking_prefix`, only those whose
        token does not start with it (tokens of an older format)."""
        query = select(FeedbackThread).where(col(FeedbackThread.writer_token).is_not(None))
        if lacking_prefix is not None:
            query = query.where(col(FeedbackThread.writer_token).not_like(f"{lacking_prefix}%"))
        return list(self._session.exec(query))

    def undelivered(
        self, due_by: datetime, *, after: str = "", limit: int | None = None
    ) -> list[FeedbackThread]:
        """In order of id, from the first after `after` (a page of `limit`)."""
        query = _held_until(FeedbackThread, due_by)
        return list(self._session.exec(_page(query, col(FeedbackThread.id), after, limit)))

    def open_for_team(self, team_id: int) -> list[FeedbackThread]:
        query = select(FeedbackThread).where(
            col(FeedbackThread.team_id) == team_id,
            col(FeedbackThread.status) != ThreadStatus.RESOLVED,
        )
        return list(self._session.exec(query))

    def remove_for_team(self, team_id: int) -> int:
        """A removed team's conversations go, their messages with them (ON DELETE CASCADE):
        nobody is left to read them. Returns how many."""
        statement = (
            delete(FeedbackThread)
            .where(col(FeedbackThread.team_id) == team_id)
            .returning(col(FeedbackThread.id))
        )
        return len(self._session.execute(statement).all())

    def forget_writers(self, resolved_before: date) -> int:
        statement = (
            update(FeedbackThread)
            .where(
                col(FeedbackThread.status) == ThreadStatus.RESOLVED,
                col(FeedbackThread.resolved_on) < resolved_before,
                col(FeedbackThread.writer_token).is_not(None),
            )
            .values(writer_token=None)
            .returning(col(FeedbackThread.id))
        )
        return len(self._session.execute(statement).all())

    def flagged_count(self) -> int:
        query = (
            select(func.count())
            .select_from(FeedbackThread)
            .where(col(FeedbackThread.flagged).is_(True))
        )
        return int(self._session.exec(query).one())

    def count_today(self, writer_key: str, day: date) -> int:
        row = self._session.get(FeedbackDailyCount, writer_key)
        return row.count if row is not None and row.day == day else 0

    def bump_today(self, writer_key: str, day: date) -> None:
        """Old days' rows are deleted as they are touched: yesterday's keys mean nothing today."""
        self._session.execute(delete(FeedbackDailyCount).where(col(FeedbackDailyCount.day) < day))
        insert = dialect_insert(self._session)
        statement = insert(FeedbackDailyCount).values(writer_key=writer_key, day=day, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["writer_key"], set_={"count": FeedbackDailyCount.count + 1}
        )
        self._session.execute(statement)
