"""Send claims, the same rules for pulse deliveries and digest claims: heartbeats, take-overs
of claims whose run died, retries that fell due, and failures kept for admins.

Every take-over is one UPDATE ... RETURNING, so two runs never both take the same claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Session, col, select

from storage.models.pulse import ClaimStatus, SendClaimState

ClaimT = TypeVar("ClaimT", bound=SendClaimState)

FAILURES = (ClaimStatus.RETRY, ClaimStatus.FAILED)


class SendClaims(Generic[ClaimT]):
    """Claims of one table; `owner` is the random id of the run holding them."""

    def __init__(self, session: Session, model: type[ClaimT]) -> None:
        self._session = session
        self._model = model

    def beat(self, owner: str, at: datetime) -> None:
        """The run is alive: its claims in flight are not to be taken over."""
        model = self._model
        self._session.execute(
            update(model)
            .where(col(model.claimed_by) == owner, col(model.status) == ClaimStatus.CLAIMED)
            .values(heartbeat_at=at)
        )

    def in_flight(self, owner: str) -> dict[int, datetime | None]:
        """Claims other runs are sending, with their last heartbeat."""
        model = self._model
        query = select(col(model.id), col(model.heartbeat_at)).where(
            col(model.status) == ClaimStatus.CLAIMED,
            or_(col(model.claimed_by).is_(None), col(model.claimed_by) != owner),
        )
        return {key: beat for key, beat in self._session.exec(query) if key is not None}

    def take_abandoned(
        self, silent_since: datetime, owner: str, at: datetime, **values: Any
    ) -> list[ClaimT]:
        """Claims whose run has not beaten since `silent_since` (it died), now this run's."""
        model = self._model
        silent = or_(col(model.heartbeat_at).is_(None), col(model.heartbeat_at) < silent_since)
        return self._take([col(model.status) == ClaimStatus.CLAIMED, silent], owner, at, values)

    def take_due_retries(
        self, now: datetime, open_from: date, owner: str, at: datetime, **values: Any
    ) -> list[ClaimT]:
        """Failed claims of weeks from `open_from` on whose next attempt has come, claimed
        again by this run."""
        model = self._model
        due = [
            col(model.status) == ClaimStatus.RETRY,
            col(model.retry_at) <= now,
            col(model.week_start) >= open_from,
        ]
        return self._take(due, owner, at, {**values, "status": ClaimStatus.CLAIMED})

    def give_up(self, open_from: date) -> list[ClaimT]:
        """Retries of weeks before `open_from` (their period closed): failed for good, with
        their last reason."""
        model = self._model
        statement = (
            update(model)
            .where(col(model.status) == ClaimStatus.RETRY, col(model.week_start) < open_from)
            .values(status=ClaimStatus.FAILED, retry_at=None)
            .returning(col(model.id))
        )
        return self._rows([row[0] for row in self._session.execute(statement)])

    def failures(self, since: date) -> list[ClaimT]:
        """Claims of weeks from `since` on that failed for good or wait for a retry."""
        model = self._model
        query = select(model).where(col(model.status).in_(FAILURES), col(model.week_start) >= since)
        return list(self._session.exec(query.order_by(col(model.week_start), col(model.id))))

    def outcome(self, status: str, error: str | None, retry_at: datetime | None) -> dict[str, Any]:
        """The values that record one attempt's outcome; a failure counts one more attempt."""
        values: dict[str, Any] = {"status": status, "error": error, "retry_at": retry_at}
        if status in FAILURES:
            values["attempts"] = col(self._model.attempts) + 1
        return values

    def _take(
        self, where: Sequence[ColumnElement[bool]], owner: str, at: datetime, values: dict[str, Any]
    ) -> list[ClaimT]:
        model = self._model
        statement = (
            update(model)
            .where(*where)
            .values(claimed_by=owner, heartbeat_at=at, **values)
            .returning(col(model.id))
        )
        return self._rows([row[0] for row in self._session.execute(statement)])

    def _rows(self, ids: list[int]) -> list[ClaimT]:
        if not ids:
            return []
        query = (
            select(self._model).where(col(self._model.id).in_(ids)).order_by(col(self._model.id))
        )
        return list(self._session.exec(query.execution_options(populate_existing=True)))
