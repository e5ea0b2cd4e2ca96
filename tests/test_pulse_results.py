"""Reading pulse results through the k-anonymity rules, as the managers' digests show them."""

from __future__ import annotations

import json
from datetime import date

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


def digest_of(app: RunningApp, team: str, week: date) -> DigestData:
    [letter] = [x for x in app.runtime.services.digest.letters(week) if x.data.team_name == team]
    return letter.data


def test_results_are_refused_below_five_respondents(app: RunningApp) -> None:
    members = ["U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", "U04EMMA"]
    make_team(app, "IT", "U16PRIYA", members)
    run(app, "pulse", TUESDAY.replace(hour=23))
    week = monday_of(TUESDAY.date())
    for count, user_id in enumerate(members, start=1):
        [message] = pulses_to(app, user_id)
        click_score(app, user_id, message, question_keys(message)[0], 4)
        digest = digest_of(app, "IT", week)
        assert (digest.answered, digest.k) == (count, 5)
        if count < 5:
            assert digest.hidden_reason == "threshold"
            assert (digest.drivers, digest.enps, digest.comments) == (None, None, ())
        else:
            assert digest.drivers is not None
            assert [score.score for score in digest.drivers] == [4.0]
    with app.database.unit_of_work() as uow:
        [it] = [p for p in participation(uow, week) if p.team_name == "IT"]
    assert (it.invited, it.answered) == (6, 6)


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
        if count < 5:
            assert (rated.service, rated.service_raters_short) == (None, count)
        else:
            assert rated.service_raters_short is None
            assert rated.service is not None
            assert rated.service.raters == 5
    columns = {c["name"] for c in inspect(app.database.engine).get_columns("service_ratings")}
    assert columns == {"id", "month", "rating_team_id", "rated_team_id", "score", "comment"}
