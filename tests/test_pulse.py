"""Weekly pulse end to end: the real job, DMs through the fake Slack, buttons as signed requests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, text

from bot.views.pulse import SCORE_ACTION_PREFIX, SKIP_ACTION, STOP_ACTION, score_value
from engagement.errors import DomainError
from engagement.local_time import monday_of
from engagement.pulse import due_week, ensure_bank, participation, record_answer, team_results
from engagement.teams import TeamSpec, set_team
from schedules.jobs import JOBS
from storage.models import Person, TeamMember
from tests.support.app_harness import RunningApp

# Madrid, Los Angeles, New York, Mexico City, Madrid
LUIS, NOAH, EMMA, ANA, CARMEN = "U03LUIS", "U10NOAH", "U04EMMA", "U02ANA", "U01CARMEN"
TUESDAY = datetime(2026, 11, 24, tzinfo=UTC)


def make_team(app: RunningApp, name: str, manager: str, members: list[str]) -> int:
    with app.database.unit_of_work() as uow:
        team = set_team(
            uow,
            TeamSpec(name, manager, members),
            app.runtime.context.directory.fetch_profile,
            app.clock(),
        ).team
        assert team.id is not None
        return team.id


def run(app: RunningApp, job: str, at: datetime) -> str:
    app.clock.set(at)
    return JOBS[job].run(app.runtime.job_dependencies(), at).summary()


def pulses_to(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def click_score(
    app: RunningApp, user_id: str, message: dict[str, Any], key: str, score: int
) -> Any:
    week = monday_of(app.clock().date()).isoformat()
    response = app.slack.block_action(
        f"{SCORE_ACTION_PREFIX}{score}",
        user_id=user_id,
        value=score_value(week, key, score),
        message=message,
        channel_id=f"D{user_id}",
    )
    app.settle()
    return response


def question_keys(message: dict[str, Any]) -> list[str]:
    return [b["block_id"][2:] for b in message["blocks"] if b.get("block_id", "").startswith("a_")]


def person(tz: str) -> Person:
    return Person(user_id="U", tz=tz, synced_at=TUESDAY)


@pytest.mark.parametrize(
    ("tz", "moment", "expected"),
    [
        (
            "Europe/Madrid",
            datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
            date(2026, 11, 23),
        ),  # 10:00 local
        ("Europe/Madrid", datetime(2026, 11, 24, 8, 59, tzinfo=UTC), None),
        ("America/Los_Angeles", datetime(2026, 11, 24, 9, 0, tzinfo=UTC), None),  # 01:00 local
        ("America/Los_Angeles", datetime(2026, 11, 24, 18, 0, tzinfo=UTC), date(2026, 11, 23)),
        # Sunday night still belongs to the week; Monday morning is a new week, before pulse day
        ("Europe/Madrid", datetime(2026, 11, 29, 22, 0, tzinfo=UTC), date(2026, 11, 23)),
        ("Europe/Madrid", datetime(2026, 11, 29, 23, 30, tzinfo=UTC), None),
        # daylight saving ended on 1 November in Los Angeles: 10:00 moved from 17:00 to 18:00 UTC
        ("America/Los_Angeles", datetime(2026, 10, 27, 17, 0, tzinfo=UTC), date(2026, 10, 26)),
        ("America/Los_Angeles", datetime(2026, 11, 3, 17, 0, tzinfo=UTC), None),
        ("America/Los_Angeles", datetime(2026, 11, 3, 18, 0, tzinfo=UTC), date(2026, 11, 2)),
    ],
)
def test_a_pulse_is_due_from_pulse_day_and_hour_in_the_persons_own_time(
    tz: str, moment: datetime, expected: date | None
) -> None:
    assert due_week(person(tz), moment, weekday=1, hour=10) == expected


def test_the_job_reaches_madrid_in_the_morning_and_los_angeles_later(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, NOAH])
    run(app, "pulse", TUESDAY.replace(hour=9, minute=15))
    assert len(pulses_to(app, LUIS)) == 1
    assert pulses_to(app, NOAH) == []
    run(app, "pulse", TUESDAY.replace(hour=18, minute=15))
    assert len(pulses_to(app, NOAH)) == 1
    assert len(pulses_to(app, LUIS)) == 1


def test_running_the_job_twice_sends_nothing_twice(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, ANA])
    first = run(app, "pulse", TUESDAY.replace(hour=20))
    second = run(app, "pulse", TUESDAY.replace(hour=20, minute=15))
    assert first.startswith("pulse: sent 2")
    assert second.startswith("pulse: sent 0")
    assert len(pulses_to(app, LUIS)) == 1


def test_everyone_gets_the_same_questions_in_their_own_language(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [spanish] = pulses_to(app, LUIS)
    [english] = pulses_to(app, NOAH)
    assert question_keys(spanish) == question_keys(english)
    assert len(question_keys(english)) >= 3
    assert "Tu pulso semanal" in json.dumps(spanish, ensure_ascii=False)
    assert "Your weekly pulse" in json.dumps(english)


def test_an_answer_is_recorded_once_and_the_dm_shows_it_even_after_a_double_click(
    app: RunningApp,
) -> None:
    team = make_team(app, "Ops", EMMA, [LUIS, NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    key = question_keys(message)[0]
    assert click_score(app, NOAH, message, key, 4).status == 200
    click_score(app, NOAH, message, key, 2)
    with app.database.unit_of_work() as uow:
        rows = uow.session.execute(
            text("SELECT team_id, score FROM pulse_answers WHERE question_key = :k"), {"k": key}
        ).all()
    assert [tuple(r) for r in rows] == [(team, 4)]
    [updated] = pulses_to(app, NOAH)
    assert f"a_{key}" not in json.dumps(updated)  # the buttons for that question are gone


def test_a_person_in_two_teams_gives_one_row_per_team(app: RunningApp) -> None:
    sales = make_team(app, "Sales", EMMA, [ANA])
    it = make_team(app, "IT", EMMA, [ANA, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, ANA)
    click_score(app, ANA, message, question_keys(message)[0], 5)
    with app.database.unit_of_work() as uow:
        teams = sorted(r[0] for r in uow.session.execute(text("SELECT team_id FROM pulse_answers")))
    assert teams == sorted([sales, it])


def test_a_late_click_after_the_week_closed_is_told_so(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, LUIS)
    key = question_keys(message)[0]
    week = monday_of(app.clock().date()).isoformat()
    app.clock.set(TUESDAY + timedelta(days=7))
    app.slack.block_action(
        f"{SCORE_ACTION_PREFIX}3", user_id=LUIS, value=score_value(week, key, 3),
        message=message, channel_id=f"D{LUIS}",
    )  # fmt: skip
    app.settle()
    [reply] = app.visible("response_url")
    assert "cerrado" in reply["text"]
    with app.database.unit_of_work() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM pulse_answers")).scalar() == 0


def test_skip_answers_nothing_and_closes_the_dm(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    app.slack.block_action(
        SKIP_ACTION, user_id=NOAH, value=monday_of(app.clock().date()).isoformat(),
        message=message, channel_id=f"D{NOAH}",
    )  # fmt: skip
    app.settle()
    assert "Skipped this week" in json.dumps(pulses_to(app, NOAH))
    with app.database.unit_of_work() as uow:
        scores = uow.session.execute(text("SELECT score FROM pulse_answers")).scalars().all()
        assert scores
        assert all(s is None for s in scores)
        assert uow.pulse.pending_keys(NOAH, monday_of(app.clock().date())) == []


def test_stopping_the_surveys_from_the_dm_or_the_command_means_no_more_pulses(
    app: RunningApp,
) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    app.slack.block_action(
        STOP_ACTION, user_id=NOAH, value="", message=message, channel_id=f"D{NOAH}"
    )
    app.slack.slash_command("/aplauso", "pulse off", user_id=LUIS)
    app.settle()
    assert "Ya no recibirás" in app.visible("response_url")[-1]["text"]
    run(app, "pulse", TUESDAY.replace(hour=20) + timedelta(days=7))
    assert len(pulses_to(app, NOAH)) == 1
    assert len(pulses_to(app, LUIS)) == 1
    app.slack.slash_command("/aplauso", "pulse on", user_id=LUIS)
    app.settle()
    run(app, "pulse", TUESDAY.replace(hour=20) + timedelta(days=14))
    assert len(pulses_to(app, LUIS)) == 2


def test_one_reminder_goes_two_days_later_to_those_who_have_not_answered(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    for key in question_keys(message):
        click_score(app, NOAH, message, key, 3)
    assert run(app, "reminders", TUESDAY.replace(hour=21) + timedelta(days=1)).startswith(
        "reminders: sent 0"
    )
    assert run(app, "reminders", TUESDAY.replace(hour=21) + timedelta(days=2)).startswith(
        "reminders: sent 1"
    )
    run(app, "reminders", TUESDAY.replace(hour=22) + timedelta(days=3))
    assert len(pulses_to(app, LUIS)) == 2
    assert "recordatorio" in json.dumps(pulses_to(app, LUIS)[-1], ensure_ascii=False)
    assert len(pulses_to(app, NOAH)) == 1


def test_a_dm_slack_refuses_is_recorded_and_not_retried(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    app.fake.fail_next("chat.postMessage", status=200, error="user_disabled")
    report = run(app, "pulse", TUESDAY.replace(hour=20))
    assert "failed 1" in report
    assert "sent 0" in run(app, "pulse", TUESDAY.replace(hour=20, minute=15))


def test_results_are_refused_below_five_respondents(app: RunningApp) -> None:
    members = ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"]
    team = make_team(app, "IT", "U16PRIYA", members)
    run(app, "pulse", TUESDAY.replace(hour=23))
    week = monday_of(TUESDAY.date())
    for count, user_id in enumerate(members, start=1):
        [message] = pulses_to(app, user_id)
        click_score(app, user_id, message, question_keys(message)[0], 4)
        with app.database.unit_of_work() as uow:
            if count < 5:
                with pytest.raises(DomainError) as refused:
                    team_results(uow, team, week)
                assert refused.value.params == {"have": count, "need": 5}
            else:
                assert team_results(uow, team, week).respondents == count
    with app.database.unit_of_work() as uow:
        [it] = [p for p in participation(uow, week) if p.team_name == "IT"]
    assert (it.invited, it.answered) == (6, 6)


def dump(app: RunningApp) -> dict[str, list[dict[str, Any]]]:
    engine = app.database.engine
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for name in inspect(engine).get_table_names():
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).mappings().all()  # noqa: S608
            tables[name] = [dict(row) for row in rows]
    return tables


def test_a_full_dump_after_answering_links_no_person_to_a_score(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS, ANA])
    run(app, "pulse", TUESDAY.replace(hour=20))
    for user_id, score in ((NOAH, 1), (LUIS, 5), (ANA, 3)):
        [message] = pulses_to(app, user_id)
        for key in question_keys(message):
            click_score(app, user_id, message, key, score)
    everyone = {NOAH, LUIS, ANA}
    for table, rows in dump(app).items():
        for row in rows:
            values = {str(v) for v in row.values()}
            if values & everyone:
                assert not {"score", "comment"} & set(row), f"{table} links a person to an answer"
        if table == "pulse_answers":
            assert set(rows[0]) == {
                "id",
                "week_start",
                "question_key",
                "team_id",
                "score",
                "comment",
            }


def test_storage_order_does_not_follow_the_order_people_answered(app: RunningApp) -> None:
    """Forty people answer in the order they were sent the pulse; reading the answers in their
    physical order (SQLite's key order, PostgreSQL's heap order) must not give that order back."""
    team = make_team(app, "Ops", EMMA, [LUIS])
    week = monday_of(TUESDAY.date())
    key = "recognition_valued"
    people = [f"UFAKE{i:02d}" for i in range(40)]
    with app.database.unit_of_work() as uow:
        ensure_bank(uow)
        for user_id in people:
            uow.people.upsert(Person(user_id=user_id, synced_at=TUESDAY))
            uow.session.add(TeamMember(team_id=team, user_id=user_id))
        uow.session.flush()
        for user_id in people:
            uow.pulse.claim(user_id, week, [key], TUESDAY)
    for i in range(40):
        with app.database.unit_of_work() as uow:
            record_answer(uow, f"UFAKE{i:02d}", week, key, 3, TUESDAY, lang="en", comment=f"#{i}")
    order_by = "ORDER BY ctid" if app.database.engine.dialect.name == "postgresql" else ""
    with app.database.engine.connect() as connection:
        comments = (
            connection.execute(text(f"SELECT comment FROM pulse_answers {order_by}"))  # noqa: S608
            .scalars()
            .all()
        )
    positions = [int(c[1:]) for c in comments]
    assert sorted(positions) == list(range(40))
    assert abs(spearman(positions)) < 0.7, positions  # random order: |rho| > 0.7 about 1 in 80,000


def spearman(ranks: list[int]) -> float:
    n = len(ranks)
    d2 = sum((position - rank) ** 2 for position, rank in enumerate(ranks))
    return 1 - 6 * d2 / (n * (n * n - 1))


def test_answers_carry_no_hidden_row_number(app: RunningApp) -> None:
    """SQLite would otherwise number rows in insert order behind the random key."""
    with app.database.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("pulse_answers")}
        assert columns == {"id", "week_start", "question_key", "team_id", "score", "comment"}
        if app.database.engine.dialect.name == "sqlite":
            with pytest.raises(Exception, match="rowid"):
                connection.execute(text("SELECT rowid FROM pulse_answers"))


def test_a_comment_is_given_with_its_answer_and_the_modal_warns_it_may_identify(
    app: RunningApp,
) -> None:
    from bot.views import pulse as pulse_views

    make_team(app, "Ops", EMMA, [NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    key = question_keys(message)[0]
    week = monday_of(app.clock().date()).isoformat()
    app.slack.block_action(
        pulse_views.COMMENT_ACTION, user_id=NOAH, value=json.dumps({"w": week, "q": key}),
        message=message, channel_id=f"D{NOAH}",
    )  # fmt: skip
    app.settle()
    [modal] = app.fake.open_modals(NOAH)
    assert "may still say who you are" in json.dumps(modal)

    def submit(comment: str) -> Any:
        state = {
            pulse_views.COMMENT_SCORE_BLOCK: {
                pulse_views.COMMENT_SCORE_ACTION: {
                    "type": "static_select",
                    "selected_option": {"value": "2"},
                }
            },
            pulse_views.COMMENT_TEXT_BLOCK: {
                pulse_views.COMMENT_TEXT_ACTION: {"type": "plain_text_input", "value": comment}
            },
        }
        return app.slack.view_submission(
            pulse_views.COMMENT_MODAL, user_id=NOAH, view_id=modal["id"], state_values=state,
            private_metadata=modal["private_metadata"],
        )  # fmt: skip

    too_long = submit("x" * 501)
    assert too_long.json is not None
    assert too_long.json["response_action"] == "errors"
    assert submit("More hands on Fridays, please").status == 200
    app.settle()
    with app.database.unit_of_work() as uow:
        rows = uow.session.execute(text("SELECT score, comment FROM pulse_answers")).all()
    assert [tuple(r) for r in rows] == [(2, "More hands on Fridays, please")]
    assert f"a_{key}" not in json.dumps(pulses_to(app, NOAH)[0])


ENPS_TUESDAY = datetime(2026, 12, 8, 20, 0, tzinfo=UTC)  # the week of the first Monday of December


def service_keys(message: dict[str, Any]) -> list[str]:
    return [k for k in question_keys(message) if k.startswith("svc_")]


def test_once_a_month_people_rate_the_teams_that_serve_their_team(app: RunningApp) -> None:
    from engagement.pulse import service_results

    sales_members = ["U02ANA", "U03LUIS", "U05DIEGO", "U06OLIVIA", "U07SOFIA"]
    it = make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    with app.database.unit_of_work() as uow:
        set_team(
            uow,
            TeamSpec("Sales", CARMEN, sales_members, served_by=["IT"]),
            app.runtime.context.directory.fetch_profile,
            app.clock(),
        )
    run(app, "pulse", TUESDAY.replace(hour=20))
    assert service_keys(pulses_to(app, "U02ANA")[0]) == []  # not the monthly week
    run(app, "pulse", ENPS_TUESDAY)
    month = date(2026, 12, 1)
    for count, user_id in enumerate(sales_members, start=1):
        message = pulses_to(app, user_id)[-1]
        [key] = service_keys(message)
        assert "How well did IT serve Sales" in json.dumps(
            message
        ) or "atendió IT a Sales" in json.dumps(message, ensure_ascii=False)
        click_score(app, user_id, message, key, 2 + count % 3)
        with app.database.unit_of_work() as uow:
            if count < 5:
                with pytest.raises(DomainError):
                    service_results(uow, it, month)
            else:
                assert service_results(uow, it, month).raters == 5
    with app.database.unit_of_work() as uow:
        columns = {
            c["name"] for c in inspect(uow.session.connection()).get_columns("service_ratings")
        }
    assert columns == {"id", "month", "rating_team_id", "rated_team_id", "score", "comment"}


def test_without_chosen_suppliers_the_teams_its_people_thank_are_suggested(app: RunningApp) -> None:
    from engagement.pulse import suppliers_of

    sales = make_team(app, "Sales", CARMEN, ["U02ANA"])
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    make_team(app, "Legal", "U22ISABEL", ["U23DANIEL"])
    app.slack.slash_command("/kudos", "<@U17PABLO> thanks", user_id="U02ANA")
    app.settle()
    app.slack.slash_command("/kudos", "<@U23DANIEL> thanks", user_id="U02ANA")
    app.settle()
    app.slack.slash_command("/kudos", "<@U17PABLO> again", user_id="U02ANA")
    app.settle()
    with app.database.unit_of_work() as uow:
        assert [t.name for t in suppliers_of(uow, sales, app.clock())] == ["IT", "Legal"]


def test_a_claim_left_by_a_crash_is_sent_once_by_a_later_run(app: RunningApp) -> None:
    from bot.pulse_messenger import SlackPulseMessenger
    from engagement.pulse import PulseInvite, person_questions

    make_team(app, "Ops", EMMA, [LUIS, NOAH])
    week = monday_of(TUESDAY.date())
    claimed_at = TUESDAY.replace(hour=20)
    with app.database.unit_of_work() as uow:
        from engagement.pulse import ensure_bank

        ensure_bank(uow)
        for user_id in (LUIS, NOAH):
            keys = [q.key for q in person_questions(uow, user_id, week, claimed_at)]
            uow.pulse.claim(user_id, week, keys, claimed_at)
        noah_questions = person_questions(uow, NOAH, week, claimed_at)
    # Noah's DM went out just before the crash; Luis's never did.
    SlackPulseMessenger(app.runtime.context.client).send_pulse(
        PulseInvite(NOAH, "en", week, noah_questions)
    )
    report = run(app, "pulse", claimed_at + timedelta(minutes=5))
    assert report.startswith("pulse: sent 0")  # too soon to call the claims abandoned
    report = run(app, "pulse", claimed_at + timedelta(minutes=15))
    assert report.startswith("pulse: sent 1"), (report, app.fake.dm_messages(NOAH))
    assert len(pulses_to(app, LUIS)) == 1
    assert len(pulses_to(app, NOAH)) == 1
    assert run(app, "pulse", claimed_at + timedelta(minutes=30)).startswith("pulse: sent 0")
    with app.database.unit_of_work() as uow:
        statuses = {uow.pulse.delivery(u, week).status for u in (LUIS, NOAH)}  # type: ignore[union-attr]
    assert statuses == {"sent"}


def test_once_a_week_closes_its_answers_are_rewritten_once_in_random_order(app: RunningApp) -> None:
    team = make_team(app, "Ops", EMMA, [LUIS, NOAH, ANA])
    run(app, "pulse", TUESDAY.replace(hour=20))
    for user_id in (LUIS, NOAH, ANA):
        [message] = pulses_to(app, user_id)
        click_score(app, user_id, message, question_keys(message)[0], 4)

    def ids() -> set[str]:
        with app.database.engine.connect() as connection:
            return set(connection.execute(text("SELECT id FROM pulse_answers")).scalars())

    before = ids()
    run(app, "reminders", TUESDAY + timedelta(days=6))  # Monday: the week is still open
    assert ids() == before
    run(app, "reminders", TUESDAY + timedelta(days=8))  # it closed overnight
    after = ids()
    assert len(after) == len(before)
    assert not after & before
    run(app, "reminders", TUESDAY + timedelta(days=9))
    assert ids() == after  # once only
    with app.database.unit_of_work() as uow:
        assert [score for _, score in uow.pulse.scores(team, monday_of(TUESDAY.date()))] == [
            4,
            4,
            4,
        ]
