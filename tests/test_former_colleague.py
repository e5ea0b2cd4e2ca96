"""Kudos from someone who left (deactivated in Slack) or who erased their data stay in the
receiver's App Home, from "a former colleague", never under the name of the person gone."""

from __future__ import annotations

import json

from tests.support.app_harness import RunningApp
from tests.support.pulse_app import ANA, EMMA, LUIS
from tests.test_delete_my_data import aplauso, confirm
from tests.test_people_leaving import leaves


def home_of(app: RunningApp, user_id: str) -> str:
    assert app.slack.app_home_opened(user_id).status == 200
    app.settle()
    view = app.fake.home_view(user_id)
    assert view is not None
    return json.dumps(view, ensure_ascii=False)


def thank(app: RunningApp, giver: str, receiver: str, words: str) -> None:
    app.slack.slash_command("/kudos", f"<@{receiver}> #helpful {words}", user_id=giver)
    app.settle()


def test_a_deactivated_giver_reads_as_a_former_colleague_in_english(app: RunningApp) -> None:
    thank(app, LUIS, EMMA, "great pairing session")
    assert f"<@{LUIS}>" in home_of(app, EMMA)
    leaves(app, LUIS)
    home = home_of(app, EMMA)
    assert "great pairing session" in home  # the kudos stays
    assert "a former colleague" in home
    assert f"<@{LUIS}>" not in home


def test_a_deactivated_giver_reads_as_someone_gone_in_spanish(app: RunningApp) -> None:
    thank(app, EMMA, ANA, "gracias por la demo")
    leaves(app, EMMA)
    home = home_of(app, ANA)
    assert "gracias por la demo" in home
    assert "una persona que ya no está" in home
    assert f"<@{EMMA}>" not in home


def test_a_giver_who_erased_their_data_reads_as_a_former_colleague(app: RunningApp) -> None:
    thank(app, ANA, EMMA, "thanks for the review")
    thank(app, LUIS, EMMA, "and for the docs")
    confirm(app, ANA, aplauso(app, ANA, "borrar mis datos"))
    home = home_of(app, EMMA)
    assert "thanks for the review" in home
    assert "and for the docs" in home
    assert "a former colleague" in home
    assert f"<@{ANA}>" not in home
    assert f"<@{LUIS}>" in home  # people still here keep their name
