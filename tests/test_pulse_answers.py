"""Answering the pulse: score buttons, the comment modal, skipping the week, stopping surveys."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.views import pulse as views
from engagement.errors import DomainError
from engagement.pulse import clean_answer
from engagement.pulse_bank import DEFAULT_BANK, ENPS_QUESTION_KEY
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import (
    EMMA,
    LUIS,
    NOAH,
    TUESDAY,
    WEEK,
    click_score,
    make_team,
    press,
    pulses_to,
    question_keys,
    rows,
    run,
)

LIKERT = DEFAULT_BANK[0]
ENPS = next(q for q in DEFAULT_BANK if q.key == ENPS_QUESTION_KEY)


@pytest.mark.parametrize(
    ("question", "score", "comment", "stored"),
    [
        (LIKERT, 1, None, None),
        (LIKERT, 5, "  Fine  ", "Fine"),
        (LIKERT, None, "   ", None),  # a skip, and a blank comment is no comment
        (ENPS, 0, None, None),
        (ENPS, 10, "x" * 500, "x" * 500),
    ],
)
def test_an_answer_on_the_scale_keeps_its_trimmed_comment(
    question: Any, score: int | None, comment: str | None, stored: str | None
) -> None:
    assert clean_answer(question, score, comment) == stored


@pytest.mark.parametrize(
    ("question", "score", "comment", "key", "field"),
    [
        (None, 3, None, "pulse.errors.unknown_question", None),
        (LIKERT, 0, None, "pulse.errors.bad_score", "score"),
        (LIKERT, 6, None, "pulse.errors.bad_score", "score"),
        (ENPS, 11, None, "pulse.errors.bad_score", "score"),
        (LIKERT, 3, "x" * 501, "pulse.errors.comment_too_long", "comment"),
    ],
)
def test_an_answer_off_the_scale_or_too_long_is_refused_naming_its_input(
    question: Any, score: int, comment: str | None, key: str, field: str | None
) -> None:
    with pytest.raises(DomainError) as refused:
        clean_answer(question, score, comment)
    assert (refused.value.key, refused.value.field) == (key, field)
    assert views.comment_errors(field, "why") == {
        views.COMMENT_TEXT_BLOCK if field == "comment" else views.COMMENT_SCORE_BLOCK: "why"
    }


def test_an_answer_is_recorded_once_and_the_dm_shows_it_even_after_a_double_click(
    app: RunningApp,
) -> None:
    team = make_team(app, "Ops", EMMA, [LUIS, NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    key = question_keys(message)[0]
    assert click_score(app, NOAH, message, key, 4).status == 200
    click_score(app, NOAH, message, key, 2)
    assert rows(app, "SELECT team_id FROM pulse_ballots WHERE question_key = :k", k=key) == [
        (team,)
    ]  # one sealed ballot, waiting for Luis (or the close) to be counted
    [updated] = pulses_to(app, NOAH)
    assert f"a_{key}" not in json.dumps(updated)  # the buttons for that question are gone
    run(app, "reminders", TUESDAY + timedelta(days=8))
    sql = "SELECT team_id, score FROM pulse_answers WHERE question_key = :k"
    assert rows(app, sql, k=key) == [(team, 4)]


def test_a_late_click_after_the_week_closed_is_told_so(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, LUIS)
    key = question_keys(message)[0]
    app.clock.set(TUESDAY + timedelta(days=7))
    press(app, LUIS, f"{views.SCORE_ACTION_PREFIX}3", views.score_value(str(WEEK), key, 3), message)
    [reply] = app.visible("response_url")
    assert "cerrado" in reply["text"]
    assert "cerrado" in json.dumps(pulses_to(app, LUIS), ensure_ascii=False)  # the DM says so too
    assert rows(app, "SELECT count(*) FROM pulse_answers") == [(0,)]


def test_skip_answers_nothing_and_closes_the_dm(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    press(app, NOAH, views.SKIP_ACTION, WEEK.isoformat(), message)
    assert "Skipped this week" in json.dumps(pulses_to(app, NOAH))
    scores = [score for (score,) in rows(app, "SELECT score FROM pulse_answers")]
    assert scores
    assert all(s is None for s in scores)
    with app.database.unit_of_work() as uow:
        assert uow.pulse.pending_keys(NOAH, WEEK) == []


def test_stopping_the_surveys_from_the_dm_or_the_command_means_no_more_pulses(
    app: RunningApp,
) -> None:
    make_team(app, "Ops", EMMA, [NOAH, LUIS])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    press(app, NOAH, views.STOP_ACTION, "", message)
    assert "won't get pulse surveys" in json.dumps(pulses_to(app, NOAH))
    app.slack.slash_command("/aplauso", "pulse off", user_id=LUIS)
    app.settle()
    assert "Ya no recibirás" in app.visible("response_url")[-1]["text"]
    with app.database.unit_of_work() as uow:
        assert uow.pulse.pending_keys(LUIS, WEEK) == []  # open questions count nowhere
    run(app, "pulse", TUESDAY.replace(hour=20) + timedelta(days=7))
    assert len(pulses_to(app, NOAH)) == 1
    assert len(pulses_to(app, LUIS)) == 1
    app.slack.slash_command("/aplauso", "pulse on", user_id=LUIS)
    app.settle()
    run(app, "pulse", TUESDAY.replace(hour=20) + timedelta(days=14))
    assert len(pulses_to(app, LUIS)) == 2


def test_someone_never_seen_before_can_opt_out_and_back_in(app: RunningApp) -> None:
    pulse = app.runtime.services.pulse
    assert pulse.opt_out("U22ISABEL") is True  # looked up in Slack first, outside the write
    assert pulse.opt_out("U22ISABEL") is False
    assert pulse.opt_in("U22ISABEL") is True
    assert pulse.opt_in("U22ISABEL") is False


def _submit(app: RunningApp, modal: dict[str, Any], score: str, comment: str) -> Any:
    state = {
        views.COMMENT_SCORE_BLOCK: {
            views.COMMENT_SCORE_ACTION: {
                "type": "static_select",
                "selected_option": {"value": score},
            }
        },
        views.COMMENT_TEXT_BLOCK: {
            views.COMMENT_TEXT_ACTION: {"type": "plain_text_input", "value": comment}
        },
    }
    return app.slack.view_submission(
        views.COMMENT_MODAL, user_id=NOAH, view_id=modal["id"], state_values=state,
        private_metadata=modal["private_metadata"],
    )  # fmt: skip


def test_a_comment_is_given_with_its_answer_and_the_modal_warns_it_may_identify(
    app: RunningApp,
) -> None:
    make_team(app, "Ops", EMMA, [NOAH])
    run(app, "pulse", TUESDAY.replace(hour=20))
    [message] = pulses_to(app, NOAH)
    key = question_keys(message)[0]
    press(app, NOAH, views.COMMENT_ACTION, json.dumps({"w": WEEK.isoformat(), "q": key}), message)
    [modal] = app.fake.open_modals(NOAH)
    assert "may still say who you are" in json.dumps(modal)
    too_long = _submit(app, modal, "2", "x" * 501)
    assert too_long.json is not None
    assert too_long.json["response_action"] == "errors"
    assert set(too_long.json["errors"]) == {views.COMMENT_TEXT_BLOCK}
    assert _submit(app, modal, "2", "More hands on Fridays, please").status == 200
    app.settle()
    assert rows(app, "SELECT score, comment FROM pulse_answers") == [
        (2, "More hands on Fridays, please")
    ]
    assert f"a_{key}" not in json.dumps(pulses_to(app, NOAH)[0])
    again = _submit(app, modal, "4", "And one more thing")
    assert again.json is not None
    assert set(again.json["errors"]) == {views.COMMENT_SCORE_BLOCK}  # already answered
    assert len(rows(app, "SELECT score FROM pulse_answers")) == 1
