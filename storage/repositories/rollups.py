"""The digest's roll-ups of closed weeks: read, written once, and dropped when a week changes.

A mixin of `DigestRepository` (reached as `uow.digest`), plus `drop_rollups` for the
repositories whose writes change a closed week (a kudos withdrawn, someone's data deleted).

Writers and droppers are serialised on PostgreSQL by a transaction-level advisory lock: a
roll-up is written under the exclusive lock from data read after taking it, and a change to
a closed week drops the roll-ups under the shared lock, so a roll-up computed from data read
before a concurrent change can never be committed after it. SQLite runs one writing
transaction at a time (BEGIN IMMEDIATE), which gives the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import delete, insert, text, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models.digest import DigestRollup, DigestRollupFigure, DigestRollupKudos
from storage.repositories._sql import insert_ignoring_duplicates

PULSE = "pulse"
KUDOS = "kudos"
LOCK_KEY = 0x61706C61  # "apla": the roll-ups' advisory lock on PostgreSQL


class RolledFigure(NamedTuple):
    """A group of a rolled-up week: its count, whether shown, the team's reason to show
    nothing (None: something is shown), and only for a shown group its sums."""

    week_start: date
    team_id: int
    question_key: str
    answers: int
    shown: bool
    reason: str | None
    score_sum: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0


class RolledKudos(NamedTuple):
    week_start: date
    team_id: int
    role: str
    kudos: int


def lock_rollups(session: Session, *, shared: bool) -> None:
    """Held until the transaction ends (PostgreSQL; SQLite already runs one writer at once)."""
    if session.get_bind().dialect.name == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        session.execute(text(f"SELECT {function}(:key)"), {"key": LOCK_KEY})


def drop_rollups(
    session: Session, part: str, since: date | None = None, until: date | None = None
) -> None:
    """Forgets the roll-ups of `part` for weeks starting in [since, until] (every week when
    not given), in the transaction that changes their data: the next digest reads them live
    and rolls them up again."""
    lock_rollups(session, shared=True)
    rows = DigestRollupFigure if part == PULSE else DigestRollupKudos
    for table in (DigestRollup, rows):
        week = col(table.week_start)
        conditions = [week >= since] if since is not None else []
        conditions += [week <= until] if until is not None else []
        if table is DigestRollup:
            conditions.append(col(DigestRollup.part) == part)
        session.execute(delete(table).where(*conditions))


class RollupQueries:
    _session: Session

    def rollups(self, weeks: Sequence[date]) -> dict[tuple[date, str], str]:
        """(week, part) -> the basis it was rolled up with."""
        query = select(DigestRollup).where(col(DigestRollup.week_start).in_(list(weeks)))
        return {(r.week_start, r.part): r.basis for r in self._session.exec(query)}

    def rolled_figures(
        self, whole: Sequence[date], trend: Sequence[date], questions: Sequence[str]
    ) -> list[RolledFigure]:
        """Every group of the `whole` weeks; of the `trend` weeks, the shown groups of
        `questions` only."""
        table = DigestRollupFigure
        columns = [
            col(table.week_start),
            col(table.team_id),
            col(table.question_key),
            col(table.answers),
            col(table.shown),
            col(table.reason),
            col(table.score_sum),
            col(table.promoters),
            col(table.passives),
            col(table.detractors),
        ]
        week = col(table.week_start)
        parts = [sa_select(*columns).where(week.in_(list(whole)))] if whole else []
        if trend and questions:
            parts.append(
                sa_select(*columns).where(
                    week.in_(list(trend)),
                    col(table.question_key).in_(list(questions)),
                    col(table.shown).is_(True),
                )
            )
        if not parts:
            return []
        query = parts[0] if len(parts) == 1 else union_all(*parts)
        # Core rows, typed by their columns: thousands per digest, so no ORM loading
        return [RolledFigure._make(row) for row in self._session.connection().execute(query).all()]

    def rolled_kudos(self, weeks: Sequence[date], role: str) -> list[tuple[date, int, int]]:
        """(week, team, kudos) in the `role` of each team."""
        if not weeks:
            return []
        table = DigestRollupKudos
        query = sa_select(col(table.week_start), col(table.team_id), col(table.kudos)).where(
            col(table.week_start).in_(list(weeks)), col(table.role) == role
        )
        return [(w, t, n) for w, t, n in self._session.connection().execute(query).all()]

    def lock_rollups(self) -> None:
        """Taken before reading the data a roll-up is written from (module docstring)."""
        lock_rollups(self._session, shared=False)

    def replace_stale_rollups(self, stale: Iterable[tuple[date, str]]) -> None:
        """Drops roll-ups whose basis no longer matches, so they can be written again."""
        for week, part in stale:
            drop_rollups(self._session, part, week, week)

    def write_rollup(
        self,
        week: date,
        part: str,
        basis: str,
        now: datetime,
        rows: Sequence[RolledFigure] | Sequence[RolledKudos],
    ) -> bool:
        """The week's roll-up of `part`, once: False (and nothing written) when another
        transaction or an earlier run wrote it first."""
        header = {"week_start": week, "part": part, "basis": basis, "rolled_at": now}
        if not insert_ignoring_duplicates(self._session, DigestRollup, header):
            return False
        if rows:
            table = DigestRollupFigure if part == PULSE else DigestRollupKudos
            self._session.execute(insert(table), [row._asdict() for row in rows])
        return True
