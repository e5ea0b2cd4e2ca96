"""The App Home's medal board for the month, reused for a minute once the month is big.

The board counts every kudos of the month; read again on every App Home open, a busy month
costs each open a scan of tens of thousands of rows (the soak: a quarter of the app's
database time after half an hour). A small month is always read fresh, so the board a team
of ten watches moves at once; a big one may lag by up to a minute, which no one can tell
from a month's standings. Names are rendered fresh every time (who left is unnamed at once).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from engagement.kudos_model import TeamLeaders, podium
from engagement.privacy import shown_leaders
from storage.repositories.kudos import TeamThanks
from storage.unit_of_work import UnitOfWork

BIG_MONTH_KUDOS = 2_000
"""Counted kudos at which a month's board is reused (a team of 50 reaches it in about a month)."""
REUSE_SECONDS = 60.0


@dataclass(frozen=True)
class _Kept:
    rows: Sequence[TeamThanks]
    until: float


class MonthBoard:
    """This process's copy of the month's counts, kept only while the month is big.

    Kept by the month's first moment: people in other time zones start their month at other
    instants, and each of their boards is kept apart (one per zone in use)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: dict[datetime, _Kept] = {}

    def leaders(self, uow: UnitOfWork, month: datetime) -> tuple[TeamLeaders, ...]:
        """Per team, everyone who earns a medal: all of a tie or none of it, never cut by id."""
        now = self._clock()
        kept = self._kept.get(month)
        if kept is not None and kept.until > now:
            rows = kept.rows
        else:
            rows = uow.kudos.most_thanked_by_team(month)
            big = sum(row.kudos for row in rows) >= BIG_MONTH_KUDOS
            with self._lock:
                self._kept = {m: k for m, k in self._kept.items() if k.until > now and m != month}
                if big:
                    self._kept[month] = _Kept(rows, now + REUSE_SECONDS)
        per_team: dict[str, list[tuple[str, int]]] = {}
        for team, receiver, count in rows:
            per_team.setdefault(team, []).append((receiver, count))
        leaders = [
            TeamLeaders(
                team,
                tuple(
                    (user_id, place.kudos)
                    for place in podium(all_thanked)
                    for user_id in place.user_ids
                ),
            )
            for team, all_thanked in per_team.items()
        ]
        return shown_leaders(uow, leaders)
