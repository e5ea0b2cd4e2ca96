"""No Slack call stands between a click and its answer: a slow `users.info` (Slack's 429s, an
outage) never expires a trigger nor turns a modal's answer into the hand-off's empty one.

`users.info` is made slower than the three seconds Slack gives a trigger and an answer; the
app must still open modals and answer submissions at once, and tell the giver afterwards what
only Slack could say.
"""

from __future__ import annotations

import time
from typing import Any

from bot.views import kudos as views
from bot.views import kudos_modal as modal
from tests.support.app_harness import RunningApp
from tests.test_kudos_e2e import kudos_rows, modal_state, open_modal, text_of

EMMA, ROSA, DEPLOY_BOT = "U04EMMA", "U26ROSA", "U90DEPLOYBOT"
SLOWER_THAN_A_TRIGGER = 3.5
AT_ONCE = 1.0  # seconds; the hand-off answers empty at 2.5 s, Slack gives up at 3


def slow_users_info(app: RunningApp, calls: int = 4) -> None:
    app.fake.delay_next("users.info", SLOWER_THAN_A_TRIGGER, times=calls)


def modal_open_while_slack_slows(app: RunningApp) -> dict[str, Any]:
    """Emma opens the kudos modal; then users.info turns slower than a trigger lives."""
    app.slack.global_shortcut("give_kudos", user_id=EMMA)
    view = open_modal(app, EMMA)
    slow_users_info(app)
    return view


def timed_submit(app: RunningApp, view: dict[str, Any], *receivers: str) -> tuple[Any, float]:
    started = time.perf_counter()
    answer = app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=EMMA, view_id=view["id"],
        state_values=modal_state(list(receivers), "thanks for the robot"),
        private_metadata=view.get("private_metadata", ""),
    )  # fmt: skip
    return answer, time.perf_counter() - started


def bot_dms(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def test_a_modal_opens_for_someone_never_met_while_users_info_is_slow(app: RunningApp) -> None:
    slow_users_info(app)
    app.slack.slash_command("/kudos", "", user_id=ROSA)  # Rosa speaks Spanish; unknown yet
    app.settle()
    [opened] = app.fake.calls_to("views.open")
    assert opened.ok, opened.response  # not expired_trigger_id
    assert open_modal(app, ROSA)["title"]["text"] == "Give kudos"  # the workspace's language

    app.slack.global_shortcut("give_kudos", user_id=ROSA)  # met after the first answer
    app.settle()
    assert app.fake.open_modals(ROSA)[-1]["title"]["text"] == "Dar reconocimiento"


def test_a_submission_is_answered_at_once_and_confirmed_once_slack_answers(
    app: RunningApp,
) -> None:
    view = modal_open_while_slack_slows(app)
    answer, took = timed_submit(app, view, ROSA)  # Rosa was never met: Slack must say who
    assert took < AT_ONCE
    assert (answer.status, answer.body) == (200, "")  # accepted: the modal closes
    assert kudos_rows(app) == [(EMMA, (ROSA,), None, "modal")]
    [confirmation] = [m for m in bot_dms(app, EMMA) if views.UNDO_ACTION in text_of(m)]
    assert ROSA in text_of(confirmation)


def test_someone_known_to_be_a_bot_is_refused_inline_by_name_at_once(app: RunningApp) -> None:
    app.runtime.services.people.refresh_directory()  # the directory has met the deploy bot
    view = modal_open_while_slack_slows(app)
    answer, took = timed_submit(app, view, DEPLOY_BOT)
    assert took < AT_ONCE
    assert answer.json["response_action"] == "errors"
    error = answer.json["errors"][modal.RECEIVERS_BLOCK]
    assert error.startswith("Deploy Bot can't receive kudos")
    assert "<@" not in error  # modals show mrkdwn mentions as raw text
    assert kudos_rows(app) == []


def test_a_bot_never_met_is_refused_after_the_answer_with_the_words_given_back(
    app: RunningApp,
) -> None:
    view = modal_open_while_slack_slows(app)
    answer, took = timed_submit(app, view, DEPLOY_BOT)
    assert took < AT_ONCE
    assert answer.body == ""
    [refusal] = [m for m in bot_dms(app, EMMA) if "thanks for the robot" in text_of(m)]
    assert "can't receive kudos" in text_of(refusal)
    assert kudos_rows(app) == []
