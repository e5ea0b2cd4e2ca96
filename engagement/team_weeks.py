"""Who was in each team in a given pulse week: frozen when the week's pulse first goes out.

Answers are filed under these teams and results are judged against them
(`engagement.anonymity`), so a team changed later in the week, or just before the digest
(`aplauso team set`), can neither move an answer nor make two reports comparable. People who
join a team after the freeze count in it from the next week; someone new to every team is
filed when their own pulse goes out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from storage.unit_of_work import UnitOfWork


def freeze_membership(uow: UnitOfWork, weeks: Iterable[date]) -> None:
    """Called where the pulse is sent, before anyone of `weeks` is sent it: never where an
    answer is stored, so nothing written here can be matched with an answer."""
    for week in sorted(set(weeks)):
        uow.digest.freeze_members(week)


def teams_in_week(uow: UnitOfWork, user_id: str, week: date) -> list[int]:
    """The teams a person's answers of `week` are filed under: as frozen for that week, or,
    for a week from before memberships were frozen, the person's teams now."""
    frozen = uow.digest.week_teams_of(user_id, week)
    if frozen is not None:
        return frozen
    return sorted(team.id for team in uow.teams.teams_of(user_id) if team.id is not None)
