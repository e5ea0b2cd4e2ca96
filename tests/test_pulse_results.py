"""Reading pulse results through the k-anonymity rules, as the managers' digests show them."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import inspect

from engagement.digest_model import DigestData
from engagement.local_time import monday_of
from engagement.pulse import participation
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import (
    CARMEN,
    ENPS_TUESDAY,
    TUESDAY,
    click_score,
    make_team,
    pulses_to,
    question_keys,
    run,
)

LEGAL = ["U23DANIEL", "U24CHLOE", "U25MATEO"]


def digest_of(app: RunningApp, team: str, week: date) -> DigestData:
    [letter] = [x for x in app.runtime.services.digest.letters(week) if x.data.team_name == team]
    return letter.data


def test_results_are_refused_below_five_respondents(app: RunningApp) -> None:
    members = ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"]
    make_team(app, "IT", "U16PRIYA", members)
    make_team(app, "Legal", "U22ISABEL", LEGAL)
    run(app, "pulse", TUESDAY.replace(hour=23))
    week = monday_of(TUESDAY.date())
    for count, user_id in enumerate(members, start=1):
        [message] = pulses_to(app, user_id)
        click_score(app, user_id, message, question_keys(message)[0], 4)
        digest = digest_of(app, "IT", week)
        with app.database.unit_of_work() as uow:
            [it] = [p for p in participation(uow, week) if p.team_name == "IT"]
        assert (it.invited, it.answered) == (6, count)  # who took part is a head count
        if count < len(members):  # sealed in the box until the whole team has answered
            assert (digest.answered, digest.hidden_reason) == (0, "threshold")
            assert (digest.drivers, digest.enps, digest.comments) == (None, None, ())
        else:
            assert (digest.answered, digest.k) == (6, 5)
            assert digest.drivers is not None
            assert [score.score for score in digest.drivers] == [4.0]
    for user_id in LEGAL:
        [message] = pulses_to(app, user_id)
        click_score(app, user_id, message, question_keys(message)[0], 2)
    legal = digest_of(app, "Legal", week)
    assert (legal.answered, legal.hidden_reason, legal.drivers) == (3, "threshold", None)


def service_keys(message: dict[str, object]) -> list[str]:
    return [k for k in question_keys(message) if k.startswith("svc_")]


def test_once_a_month_people_rate_the_teams_that_serve_their_team(app: RunningApp) -> None:
    sales_members = ["U02ANA", "U03LUIS", "U05DIEGO", "U06OLIVIA", "U07SOFIA"]
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    make_team(app, "Sales", CARMEN, sales_members, served_by=["IT"])
    run(app, "pulse", TUESDAY.replace(hour=20))
    assert service_keys(pulses_to(app, "U02ANA")[0]) == []  # not the monthly week
    run(app, "pulse", ENPS_TUESDAY)
    for count, user_id in enumerate(sales_members, start=1):
        message = pulses_to(app, user_id)[-1]
        [key] = service_keys(message)
        assert "How well did IT serve Sales" in json.dumps(
            message
        ) or "atendió IT a Sales" in json.dumps(message, ensure_ascii=False)
        click_score(app, user_id, message, key, 2 + count % 3)
        rated = digest_of(app, "IT", monday_of(ENPS_TUESDAY.date()))
        if count < 5:  # sealed in the box until every rater of Sales has answered
            assert (rated.service, rated.service_raters_short) == (None, None)
        else:
            assert rated.service_raters_short is None
            assert rated.service is not None
            assert rated.service.raters == 5
    columns = {c["name"] for c in inspect(app.database.engine).get_columns("service_ratings")}
    assert columns == {"id", "month", "rating_team_id", "rated_team_id", "score", "comment"}


def test_fewer_than_k_ratings_show_only_how_many_once_the_week_closes(app: RunningApp) -> None:
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    make_team(app, "Legal", "U22ISABEL", LEGAL, served_by=["IT"])
    run(app, "pulse", ENPS_TUESDAY)
    for user_id in LEGAL[:2]:
        message = pulses_to(app, user_id)[-1]
        [key] = service_keys(message)
        click_score(app, user_id, message, key, 4)
    week = monday_of(ENPS_TUESDAY.date())
    assert digest_of(app, "IT", week).service_raters_short is None  # Mateo may still answer
    run(app, "reminders", ENPS_TUESDAY + timedelta(days=8))  # closed: the two are counted
    rated = digest_of(app, "IT", week)
    assert (rated.service, rated.service_raters_short) == (None, 2)
