"""The ballot box: a pulse answer waits sealed, and is counted only in a shuffled batch.

Why: storage keeps history. A SQLite WAL, a PostgreSQL WAL archive, or two backups an hour
apart show which transaction deleted whose pending row and what that transaction inserted. So
the click's transaction inserts only a ballot, sealed with a key derived from
APLAUSO_SECRET_KEY, of one fixed length, and in clear only what the deleted pending row said
already (week, question, and the team it counts for). Plaintext answers appear in a later
transaction that opens a batch of ballots of one group (week, team, question), deletes them,
and writes their answers in random order. Whoever reads the history learns who took part and
which batch holds their answer, never which answer of the batch is theirs.

A group's ballots are counted when:

* the group is complete: everyone in the team who gets the pulse has been sent this week's
  and nobody still has the question open. The batch is the whole group, exactly what the
  answers table shows at the end anyway;
* 2k ballots wait: all but k of them, chosen at random, so that k stay behind and no later
  batch (the last one, at close) can be smaller than k;
* the week closes: whatever is left. A group that was counted already (complete) and later
  gets fewer than k ballots (someone joined the team late) is not counted: that batch would
  show whose answer it is.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from engagement.periods import month_of
from engagement.sealing import Sealer
from engagement.service_ratings import parse_service_key, store_rating
from engagement.team_weeks import teams_in_week
from storage.models import PulseAnswer
from storage.models.pulse import PulseBallot
from storage.unit_of_work import UnitOfWork

_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Group:
    """One week's ballots for one team and question."""

    week_start: date
    team_id: int
    question_key: str


class BatchRaced(Exception):
    """Another run counted some of these ballots first: this transaction must roll back."""


@dataclass(frozen=True)
class Answer:
    """One person's answer to one question of one week; `score` None is a skip."""

    user_id: str
    week_start: date
    key: str
    score: int | None
    comment: str | None = None


def cast(uow: UnitOfWork, sealer: Sealer, answer: Answer) -> list[Group]:
    """Drops the answer in the box: one ballot per team it counts for (a person in two teams
    answers for both). A comment goes with one of them, picked at random: the same words in
    two teams' batches would point at whoever is in both. Returns the groups touched."""
    week_start, key = answer.week_start, answer.key
    rating = parse_service_key(key)
    teams = [rating[0]] if rating else teams_in_week(uow, answer.user_id, week_start)
    if not teams:
        return []
    with_comment = _random.choice(teams)
    ballots = [
        PulseBallot(
            id=uuid.uuid4().hex,
            week_start=week_start,
            team_id=team_id,
            question_key=key,
            sealed=sealer.seal_ballot(
                {"s": answer.score, "c": answer.comment if team_id == with_comment else None}
            ),
        )
        for team_id in teams
    ]
    uow.pulse.add_ballots(ballots)
    return [Group(week_start, team_id, key) for team_id in teams]


def count_if_ready(uow: UnitOfWork, sealer: Sealer, group: Group, k: int) -> int:
    """Counts the group's ballots when the rules above allow it; the answers written."""
    ballots = uow.pulse.ballots(group.week_start, group.team_id, group.question_key)
    if not ballots:
        return 0
    complete = uow.pulse.group_complete(group.week_start, group.team_id, group.question_key)
    if complete and (len(ballots) >= k or not _counted_before(uow, group)):
        return _count(uow, sealer, group, ballots)
    if len(ballots) >= 2 * k:
        _random.shuffle(ballots)
        return _count(uow, sealer, group, ballots[: len(ballots) - k])
    return 0


def count_at_close(uow: UnitOfWork, sealer: Sealer, group: Group, k: int) -> tuple[int, int]:
    """The week has closed: every ballot left is counted, except a batch of fewer than k in a
    group counted before, which is dropped. (answers written, ballots dropped)"""
    ballots = uow.pulse.ballots(group.week_start, group.team_id, group.question_key)
    if ballots and len(ballots) < k and _counted_before(uow, group):
        _take(uow, ballots)
        return 0, len(ballots)
    return _count(uow, sealer, group, ballots), 0


def waiting(uow: UnitOfWork, week_start: date) -> dict[tuple[int, str], int]:
    """Ballots not yet counted, by team and question: people who took part, answers unknown."""
    return {(g.team_id, g.question_key): g.waiting for g in uow.pulse.waiting_groups([week_start])}


def _counted_before(uow: UnitOfWork, group: Group) -> bool:
    rating = parse_service_key(group.question_key)
    if rating is not None:
        return uow.pulse.has_ratings(month_of(group.week_start), *rating)
    return uow.pulse.has_answers(group.week_start, group.team_id, group.question_key)


def _take(uow: UnitOfWork, ballots: list[PulseBallot]) -> None:
    if uow.pulse.take_ballots([b.id for b in ballots]) != len(ballots):
        raise BatchRaced()


def _count(uow: UnitOfWork, sealer: Sealer, group: Group, ballots: list[PulseBallot]) -> int:
    """Opens the ballots, deletes them and writes their answers, shuffled, in this transaction.
    A ballot the key cannot open (a rotated-away key) is dropped: nobody can read it."""
    if not ballots:
        return 0
    opened = [sealer.open_ballot(b.sealed) for b in ballots]
    _take(uow, ballots)
    answers = [(p.get("s"), p.get("c")) for p in opened if p is not None]
    _random.shuffle(answers)
    rating = parse_service_key(group.question_key)
    if rating is not None:
        for score, comment in answers:
            if isinstance(score, int):  # a skipped rating leaves nothing behind
                store_rating(uow, rating, group.week_start, score, _text(comment))
        return len(answers)
    uow.pulse.write_batch(list(_answer_rows(group, answers)))
    return len(answers)


def _answer_rows(group: Group, answers: Iterable[tuple[object, object]]) -> Iterable[PulseAnswer]:
    for score, comment in answers:
        yield PulseAnswer(
            id=uuid.uuid4().hex,
            week_start=group.week_start,
            question_key=group.question_key,
            team_id=group.team_id,
            score=score if isinstance(score, int) else None,
            comment=_text(comment),
        )


def _text(comment: object) -> str | None:
    return comment if isinstance(comment, str) and comment else None
