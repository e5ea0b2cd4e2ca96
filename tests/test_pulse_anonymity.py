"""What storage keeps of an answer: no person, no order, nothing that joins the two back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, text

from engagement.pulse import ensure_bank
from storage.models import Person
from storage.repositories.pulse import PulseRepository
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import (
    ANA,
    EMMA,
    LUIS,
    NOAH,
    TUESDAY,
    WEEK,
    click_score,
    make_team,
    pulses_to,
    question_keys,
    rows,
    run,
)

ANSWER_COLUMNS = {"id", "week_start", "question_key", "team_id", "score", "comment"}


def test_a_person_in_two_teams_gives_one_row_per_team(app: RunningApp) -> None:
    sales = make_team(app, "Sales", EMMA, [ANA])
    it = make_team(app, "IT", EMMA, [ANA, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, ANA)
    click_score(app, ANA, message, question_keys(message)[0], 5)
    assert rows(app, "SELECT team_id FROM pulse_answers") == [(sales,)]  # all of Sales answered
    assert rows(app, "SELECT team_id FROM pulse_ballots") == [(it,)]  # IT's waits for Luis
    run(app, "reminders", TUESDAY + timedelta(days=8))  # the week closes: every ballot counts
    assert sorted(rows(app, "SELECT team_id FROM pulse_answers")) == sorted([(sales,), (it,)])


def dump(app: RunningApp) -> dict[str, list[dict[str, Any]]]:
    engine = app.database.engine
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for name in inspect(engine).get_table_names():
            found = connection.execute(text(f'SELECT * FROM "{name}"')).mappings().all()  # noqa: S608
            tables[name] = [dict(row) for row in found]
    return tables


def test_a_full_dump_after_answering_links_no_person_to_a_score(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS, ANA])
    run(app, "pulse", TUESDAY.replace(hour=20))
    for user_id, score in ((NOAH, 1), (LUIS, 5), (ANA, 3)):
        [message] = pulses_to(app, user_id)
        for key in question_keys(message):
            click_score(app, user_id, message, key, score)
    everyone = {NOAH, LUIS, ANA}
    mid_week = dump(app)
    run(app, "reminders", TUESDAY + timedelta(days=8))  # closed: every answer is written
    for tables in (mid_week, dump(app)):
        for table, found in tables.items():
            for row in found:
                values = {str(v) for v in row.values()}
                if values & everyone:
                    assert not {"score", "comment", "sealed"} & set(row), f"{table} links"
    answers = dump(app)["pulse_answers"]
    assert answers
    assert set(answers[0]) == ANSWER_COLUMNS


def test_the_pending_row_goes_only_with_the_answer_it_makes_way_for(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: if storing the answer's ballot fails, the question is still open, so the
    person can answer again and is never counted as having answered."""
    make_team(app, "Ops", EMMA, [NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    key = question_keys(message)[0]

    def failing(self: PulseRepository, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(PulseRepository, "add_ballots", failing)
        with pytest.raises(RuntimeError):
            app.runtime.services.pulse.answer(NOAH, WEEK, key, 4)
    with app.database.unit_of_work() as uow:
        assert key in uow.pulse.pending_keys(NOAH, WEEK)
    assert rows(app, "SELECT count(*) FROM pulse_ballots") == [(0,)]
    assert rows(app, "SELECT count(*) FROM pulse_answers") == [(0,)]
    assert app.runtime.services.pulse.answer(NOAH, WEEK, key, 4).recorded
    with app.database.unit_of_work() as uow:
        assert key not in uow.pulse.pending_keys(NOAH, WEEK)


def test_storage_order_does_not_follow_the_order_people_answered(app: RunningApp) -> None:
    """Forty people answer in the order they were sent the pulse; reading the answers in their
    physical order (SQLite's key order, PostgreSQL's heap order) must not give that order back."""
    team = make_team(app, "Ops", EMMA, [LUIS])
    key = "recognition_valued"
    people = [f"UFAKE{i:02d}" for i in range(40)]
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
        for user_id in people:
            uow.people.upsert(Person(user_id=user_id, synced_at=TUESDAY))
        uow.teams.add_members(team, people)
        for user_id in people:
            uow.pulse.claim(user_id, WEEK, [key], TUESDAY)
    app.clock.set(TUESDAY)
    for i, user_id in enumerate(people):
        app.runtime.services.pulse.comment(user_id, WEEK, key, 3, f"#{i}")
    order_by = "ORDER BY ctid" if app.database.engine.dialect.name == "postgresql" else ""
    comments = [c for (c,) in rows(app, f"SELECT comment FROM pulse_answers {order_by}")]  # noqa: S608
    answered = [int(c[1:]) for c in comments]
    # Luis never answers, so the last five ballots wait for the close (k stay in the box)
    assert len(answered) == 35
    assert set(answered) < set(range(40))
    positions = [sorted(answered).index(n) for n in answered]
    assert abs(spearman(positions)) < 0.7, positions  # random order: |rho| > 0.7 about 1 in 50,000


def spearman(ranks: list[int]) -> float:
    n = len(ranks)
    d2 = sum((position - rank) ** 2 for position, rank in enumerate(ranks))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_answers_carry_no_hidden_row_number(app: RunningApp) -> None:
    """SQLite would otherwise number rows in insert order behind the random key."""
    with app.database.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("pulse_answers")}
        assert columns == ANSWER_COLUMNS
        if app.database.engine.dialect.name == "sqlite":
            with pytest.raises(Exception, match="rowid"):
                connection.execute(text("SELECT rowid FROM pulse_answers"))


def test_once_a_week_closes_its_answers_are_rewritten_once_in_random_order(app: RunningApp) -> None:
    team = make_team(app, "Ops", EMMA, [LUIS, NOAH, ANA])
    run(app, "pulse", TUESDAY.replace(hour=20))
    for user_id in (LUIS, NOAH, ANA):
        [message] = pulses_to(app, user_id)
        click_score(app, user_id, message, question_keys(message)[0], 4)

    def ids() -> set[str]:
        return {answer_id for (answer_id,) in rows(app, "SELECT id FROM pulse_answers")}

    before = ids()
    run(app, "reminders", TUESDAY + timedelta(days=6))  # Monday: the week is still open
    assert ids() == before
    report = run(app, "reminders", TUESDAY + timedelta(days=8))  # it closed overnight
    assert "rewrote 3 answers of closed weeks" in report
    after = ids()
    assert len(after) == len(before)
    assert not after & before
    run(app, "reminders", TUESDAY + timedelta(days=9))
    assert ids() == after  # once only
    with app.database.unit_of_work() as uow:
        assert [score for _, score in uow.pulse.scores(team, WEEK)] == [4, 4, 4]
