"""The ballot box: a click stores only a sealed ballot; answers are written in shuffled batches
of at least k from one team, week and question (or the whole group), never in the click's
transaction; nothing else records when a person acted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import inspect, text

from bot.adapters.pulse_messenger import SlackPulseMessenger
from engagement.errors import DomainError
from engagement.feedback_model import FeedbackKind, FeedbackRequest
from engagement.pulse import PulseService, ensure_bank
from engagement.sealing import Sealer
from engagement.teams import TeamSpec
from storage.models import Attempt, ClaimStatus, Person
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import EMMA, LUIS, NOAH, TUESDAY, WEEK, make_team, rows, run

KEY = "recognition_valued"
CLOSED = TUESDAY + timedelta(days=8)


def team_of(app: RunningApp, size: int, name: str = "Ops") -> tuple[int, list[str]]:
    """A team of `size` people (Luis and made-up colleagues), all sent this week's pulse."""
    team = make_team(app, name, EMMA, [LUIS])
    people = [LUIS, *(f"U{name.upper()}{n:02d}" for n in range(size - 1))]
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
        for user_id in people[1:]:
            uow.people.upsert(Person(user_id=user_id, synced_at=TUESDAY))
        uow.teams.add_members(team, people[1:])
    send(app, people)
    return team, people


def send(app: RunningApp, people: list[str]) -> None:
    with app.database.unit_of_work() as uow:
        for user_id in people:
            uow.pulse.claim(user_id, WEEK, [KEY], TUESDAY)
            uow.pulse.mark_delivery(user_id, WEEK, Attempt(ClaimStatus.SENT), ("D", "1"))


def answer(app: RunningApp, user_id: str, score: int, comment: str | None = None) -> None:
    app.clock.set(TUESDAY)
    if comment is None:
        assert app.runtime.services.pulse.answer(user_id, WEEK, KEY, score).recorded
    else:
        app.runtime.services.pulse.comment(user_id, WEEK, KEY, score, comment)


def counted(app: RunningApp) -> int:
    return int(rows(app, "SELECT count(*) FROM pulse_answers")[0][0])


def waiting(app: RunningApp) -> int:
    return int(rows(app, "SELECT count(*) FROM pulse_ballots")[0][0])


def test_a_click_leaves_only_a_sealed_ballot_of_one_length_whatever_was_written(
    app: RunningApp,
) -> None:
    team_of(app, 6)
    answer(app, LUIS, 2, "ñ" * 500)
    answer(app, "UOPS00", 5)
    assert (counted(app), waiting(app)) == (0, 2)
    with app.database.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("pulse_ballots")}
        sealed = [bytes(s) for (s,) in connection.execute(text("SELECT sealed FROM pulse_ballots"))]
    assert columns == {"id", "week_start", "team_id", "question_key", "sealed"}  # no person
    assert len({len(s) for s in sealed}) == 1  # a 500-character comment looks like none
    assert all("ñ".encode() * 4 not in s for s in sealed)
    key = app.runtime.settings.secret_key
    assert key is not None
    assert sorted(Sealer(key).open_ballot(s)["s"] for s in sealed) == [2, 5]  # type: ignore[index]
    stranger = Sealer(Fernet.generate_key().decode())
    assert [stranger.open_ballot(s) for s in sealed] == [None, None]


def test_a_complete_team_is_counted_at_once_as_one_shuffled_batch(app: RunningApp) -> None:
    _, people = team_of(app, 3)
    for score, user_id in enumerate(people, start=1):
        answer(app, user_id, score, f"comment {score}" if score == 2 else None)
    assert (counted(app), waiting(app)) == (3, 0)
    found = sorted(rows(app, "SELECT score, comment FROM pulse_answers"), key=str)
    assert found == sorted([(1, None), (2, "comment 2"), (3, None)], key=str)


def test_with_2k_waiting_all_but_k_are_counted_and_the_rest_at_close(app: RunningApp) -> None:
    _, people = team_of(app, 12)
    for n, user_id in enumerate(people[:11], start=1):  # the twelfth never answers
        answer(app, user_id, 3)
        expected = (0, n) if n < 10 else (5, n - 5)  # k = 5 stay behind, so no batch is small
        assert (counted(app), waiting(app)) == expected
    app.runtime.services.pulse.close_weeks(CLOSED)
    assert (counted(app), waiting(app)) == (11, 0)


def test_a_team_that_never_completes_is_counted_whole_when_the_week_closes(
    app: RunningApp,
) -> None:
    _, people = team_of(app, 6)
    for user_id in people[:4]:
        answer(app, user_id, 4)
    app.runtime.services.pulse.close_weeks(TUESDAY + timedelta(days=6))  # not closed yet
    assert (counted(app), waiting(app)) == (0, 4)
    app.runtime.services.pulse.close_weeks(CLOSED)
    assert (counted(app), waiting(app)) == (4, 0)


def test_a_late_ballot_that_would_stand_alone_is_never_written(app: RunningApp) -> None:
    team, people = team_of(app, 5)
    for user_id in people:
        answer(app, user_id, 4)
    assert counted(app) == 5
    with app.database.unit_of_work() as uow:  # joins after the team's answers were counted
        uow.people.upsert(Person(user_id="UNEWCOMER", synced_at=TUESDAY))
        uow.teams.add_members(team, ["UNEWCOMER"])
    send(app, ["UNEWCOMER"])
    answer(app, "UNEWCOMER", 1)
    assert waiting(app) == 1
    app.runtime.services.pulse.close_weeks(CLOSED)
    assert (counted(app), waiting(app)) == (5, 0)
    assert [s for (s,) in rows(app, "SELECT score FROM pulse_answers")] == [4] * 5


def test_a_comment_of_someone_in_two_teams_goes_with_one_of_them(app: RunningApp) -> None:
    _, ops = team_of(app, 5, "Ops")
    _, sales = team_of(app, 5, "Sales")  # Luis is in both
    for user_id in {*ops, *sales} - {LUIS}:
        answer(app, user_id, 3)
    answer(app, LUIS, 1, "Only I would say this.")
    assert waiting(app) == 0
    found = rows(app, "SELECT team_id, comment FROM pulse_answers WHERE score = 1")
    assert len(found) == 2  # his score counts for both teams
    assert sorted(c for _, c in found if c) == ["Only I would say this."]  # his words, once


def test_without_the_key_an_answer_is_refused_and_the_question_stays_open(
    app: RunningApp,
) -> None:
    team_of(app, 6)
    services = app.runtime.services
    keyless = PulseService(
        app.database, services.people, SlackPulseMessenger(app.runtime.client), app.clock
    )
    app.clock.set(TUESDAY)
    with pytest.raises(DomainError, match=r"pulse\.errors\.secret_missing"):
        keyless.answer(LUIS, WEEK, KEY, 3)
    with app.database.unit_of_work() as uow:
        assert uow.pulse.pending_keys(LUIS, WEEK) == [KEY]
    assert waiting(app) == 0


def test_no_stamp_in_storage_says_when_someone_acted(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    at = datetime(2026, 11, 25, 15, 37, 12, tzinfo=UTC)
    app.clock.set(at)
    app.slack.slash_command("/aplauso", "help", user_id=NOAH)  # a first action of the day
    app.settle()
    app.runtime.services.pulse.opt_out(LUIS)
    with app.database.unit_of_work() as uow:
        noah = uow.people.get(NOAH)
        assert noah is not None
        assert noah.synced_at == datetime(2026, 11, 25, tzinfo=UTC)  # the day, not 15:37
    [(since,)] = rows(app, "SELECT since FROM pulse_optouts")
    assert "15:37" not in str(since)


def test_writing_feedback_never_refreshes_the_writer_in_the_same_transaction(
    app: RunningApp,
) -> None:
    team = app.runtime.services.teams.set_team(TeamSpec("Ops", EMMA, [NOAH])).team
    assert team.id is not None
    app.clock.set(TUESDAY + timedelta(days=3))  # Noah's cached entry is days old
    with app.database.unit_of_work() as uow:
        before = uow.people.get(NOAH)
    request = FeedbackRequest(NOAH, team.id, FeedbackKind.IDEA, "Idea", True, True, "view:X")
    app.runtime.services.feedback.submit(request, lambda: None)
    with app.database.unit_of_work() as uow:
        after = uow.people.get(NOAH)
    assert before is not None
    assert after is not None
    assert after.synced_at == before.synced_at
