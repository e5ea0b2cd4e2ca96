"""Closed weeks rolled up for the digest (issue #13): the digest read from them is the very one
computed live, whatever changed since; each is written once; none holds a hidden figure.

The history is the digest bench's workload at a small size (teams under k, people in two
teams, kudos across teams, a withdrawn share), loaded into the test's own database.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlmodel import col

from bench.workloads.digest_history import LAST_WEEK, NOW, Shape, generate
from engagement.digest_model import DigestData
from engagement.digest_week import TREND_WEEKS, week_digests
from engagement.privacy_model import FORMER_COLLEAGUE
from storage.db import session_scope
from storage.models import (
    DigestRollup,
    DigestRollupFigure,
    DigestRollupKudos,
    Kudos,
    KudosTeamLink,
    TeamMember,
    WorkspaceSettings,
)
from storage.models.digest import TeamWeekMember
from storage.repositories.rollups import KUDOS, PULSE, drop_rollups
from storage.unit_of_work import Database, UnitOfWork

SHAPE = Shape(people=240, teams=30, weeks=TREND_WEEKS + 2, answer_rate=0.9, seed=13)
OLDER_WEEKS = TREND_WEEKS - 1


@pytest.fixture
def history(database_url: str, database: Database) -> Database:
    generate(database_url, SHAPE)
    return database


def compute(database: Database) -> dict[int, DigestData]:
    with database.unit_of_work() as uow:
        return week_digests(uow, LAST_WEEK, NOW).digests


def live(database: Database) -> dict[int, DigestData]:
    """Every week read from its raw rows: the roll-ups are forgotten first."""
    with session_scope(database.engine) as session:
        drop_rollups(session, PULSE)
        drop_rollups(session, KUDOS)
    return compute(database)


def headers(database: Database) -> list[tuple[object, ...]]:
    with session_scope(database.engine) as session:
        rows = session.execute(
            select(
                col(DigestRollup.week_start), col(DigestRollup.part), col(DigestRollup.rolled_at)
            )
        )
        return sorted(tuple(row) for row in rows)


def test_the_digest_from_roll_ups_is_the_one_computed_live(history: Database) -> None:
    first = compute(history)  # reads every week live, rolls the closed older ones up
    rolled = headers(history)
    assert {(w, p) for w, p, _ in rolled} == {
        (LAST_WEEK - timedelta(weeks=n), part)
        for n in range(1, TREND_WEEKS)
        for part in (PULSE, KUDOS)
    }
    again = compute(history)
    assert again == first
    assert any(d.drivers for d in first.values())
    assert any(d.hidden_reason for d in first.values())
    assert any(sum(d.kudos_per_week[:-1]) for d in first.values())
    assert headers(history) == rolled  # read, not written again


def test_a_withdrawn_kudos_of_a_rolled_up_week_counts_no_more(history: Database) -> None:
    compute(history)
    week = LAST_WEEK - timedelta(weeks=3)
    begins = datetime.combine(week, datetime.min.time(), UTC)
    with session_scope(history.engine) as session:
        uow = UnitOfWork(session)
        kudos_id = session.execute(
            select(col(Kudos.id))
            .join(KudosTeamLink, col(KudosTeamLink.kudos_id) == col(Kudos.id))
            .where(
                col(Kudos.created_at) >= begins,
                col(Kudos.created_at) < begins + timedelta(weeks=1),
                col(Kudos.withdrawn_at).is_(None),
                col(KudosTeamLink.role) == "receiver",
            )
            .limit(1)
        ).scalar_one()
        kudos = uow.kudos.get(kudos_id)
        assert kudos is not None
        assert uow.kudos.withdraw(kudos, NOW)  # a deleted message, weeks later
    after = compute(history)
    assert after == live(history)
    assert sum(sum(d.kudos_per_week) for d in after.values()) < sum(
        sum(d.kudos_per_week) for d in compute_before_withdrawal(history, kudos_id).values()
    )


def compute_before_withdrawal(database: Database, kudos_id: int) -> dict[int, DigestData]:
    with session_scope(database.engine) as session:
        session.execute(update(Kudos).where(col(Kudos.id) == kudos_id).values(withdrawn_at=None))
        drop_rollups(session, KUDOS)
    return compute(database)


def test_deleting_someones_data_changes_rolled_up_weeks_as_it_changes_live_ones(
    history: Database,
) -> None:
    with session_scope(history.engine) as session:  # frozen memberships, as the pulse files them
        pairs = session.execute(select(col(TeamMember.team_id), col(TeamMember.user_id))).all()
        for n in range(OLDER_WEEKS + 1):
            session.add_all(
                TeamWeekMember(week_start=LAST_WEEK - timedelta(weeks=n), team_id=t, user_id=u)
                for t, u in pairs
            )
    before = compute(history)
    with session_scope(history.engine) as session:
        receiver = session.execute(
            select(col(KudosTeamLink.user_id)).where(col(KudosTeamLink.role) == "receiver").limit(1)
        ).scalar_one()
        counts = UnitOfWork(session).privacy.forget(receiver, FORMER_COLLEAGUE, NOW)
    assert counts["kudos_received"]
    assert counts["team_week_members"]
    after = compute(history)
    assert after == live(history)
    assert after != before


@pytest.mark.parametrize("change", ["k", "teams"])
def test_a_new_k_or_new_teams_are_judged_again(history: Database, change: str) -> None:
    compute(history)
    with session_scope(history.engine) as session:
        if change == "k":
            session.execute(update(WorkspaceSettings).values(anonymity_k=3))
        else:  # weeks from before memberships were frozen are judged against today's teams
            moved = session.execute(select(TeamMember).limit(3)).scalars().all()
            for member in moved:
                session.execute(
                    delete(TeamMember).where(
                        col(TeamMember.team_id) == member.team_id,
                        col(TeamMember.user_id) == member.user_id,
                    )
                )
    after = compute(history)
    assert after == live(history)


def test_two_runs_at_once_write_each_roll_up_once(history: Database) -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: compute(history), range(2)))
    assert results[0] == results[1]
    written = headers(history)
    assert len(written) == 2 * OLDER_WEEKS
    with session_scope(history.engine) as session:
        figures = session.execute(select(func.count()).select_from(DigestRollupFigure))
        kudos = session.execute(select(func.count()).select_from(DigestRollupKudos))
        counted = (figures.scalar_one(), kudos.scalar_one())
    assert compute(history) == results[0]  # a retry reads them, and writes nothing more
    assert headers(history) == written
    with session_scope(history.engine) as session:
        figures = session.execute(select(func.count()).select_from(DigestRollupFigure))
        kudos = session.execute(select(func.count()).select_from(DigestRollupKudos))
        assert (figures.scalar_one(), kudos.scalar_one()) == counted


def test_a_roll_up_holds_counts_and_sums_of_shown_groups_only(history: Database) -> None:
    compute(history)
    assert set(DigestRollupFigure.model_fields) == {
        "week_start",
        "team_id",
        "question_key",
        "answers",
        "shown",
        "reason",
        "score_sum",
        "promoters",
        "passives",
        "detractors",
    }  # no person, no comment
    assert set(DigestRollupKudos.model_fields) == {"week_start", "team_id", "role", "kudos"}
    with history.unit_of_work() as uow:
        k = uow.settings.get().anonymity_k
    with session_scope(history.engine) as session:
        rows = session.execute(select(DigestRollupFigure)).scalars().all()
    hidden = [r for r in rows if not r.shown or r.answers < k]
    assert hidden
    assert any(r.answers < k for r in hidden)
    assert all((r.score_sum, r.promoters, r.passives, r.detractors) == (0, 0, 0, 0) for r in hidden)
    assert any(r.score_sum for r in rows if r.shown and r.answers >= k)


def test_weeks_closed_only_at_a_pinned_moment_ahead_of_the_real_clock_are_not_rolled_up(
    history: Database,
) -> None:
    """`jobs run digest --at` a year ahead: the trend's weeks are still open in the world."""
    ahead = timedelta(weeks=52)
    with history.unit_of_work() as uow:
        pinned = week_digests(uow, LAST_WEEK + ahead, NOW + ahead).digests
    assert pinned  # the teams' digests were made, read live
    assert headers(history) == []
