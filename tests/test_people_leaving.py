"""People who leave the workspace: once Slack says they were deactivated (`user_change` with
`deleted: true`, or the daily `rosters` job's directory read), they leave every team, their
unanswered pulse questions go, no pulse or reminder reaches them, and their kudos stay. A team
whose manager left is reported to every admin, in the admin's language."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n import t
from bot.views.blocks import MESSAGE_BLOCKS_MAX, SECTION_TEXT_MAX
from bot.views.rosters import manager_left
from engagement.teams_model import ManagerLeft
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import (
    ANA,
    CARMEN,
    EMMA,
    LUIS,
    NOAH,
    TUESDAY,
    make_team,
    pulses_to,
    rows,
    run,
)


def leaves(app: RunningApp, user_id: str) -> None:
    """An admin deactivates them in Slack, and Slack sends `user_change`."""
    app.fake.deactivate_user(user_id)
    assert app.slack.user_change(user_id).status == 200
    app.settle()


def members(app: RunningApp, team: str) -> list[str]:
    return app.runtime.services.teams.team(team).summary.member_ids


def pending_of(app: RunningApp, user_id: str) -> list[tuple[object, ...]]:
    return rows(app, "SELECT question_key FROM pulse_pending WHERE user_id = :u", u=user_id)


def admin_dms(app: RunningApp, admin_id: str) -> list[str]:
    app.settle()
    return [str(m.get("text")) for m in app.fake.dm_messages(admin_id) if m.get("bot_id")]


def test_someone_deactivated_leaves_their_teams_and_is_sent_no_pulse(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, ANA])
    make_team(app, "Support", EMMA, [LUIS, NOAH])
    leaves(app, LUIS)
    assert members(app, "Ops") == [ANA]
    assert members(app, "Support") == [NOAH]
    run(app, "pulse", TUESDAY.replace(hour=20))
    assert pulses_to(app, LUIS) == []
    assert len(pulses_to(app, ANA)) == 1


def test_their_unanswered_questions_go_and_no_reminder_follows(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, ANA])
    run(app, "pulse", TUESDAY.replace(hour=20))
    assert pending_of(app, LUIS) != []
    leaves(app, LUIS)
    assert pending_of(app, LUIS) == []
    assert pending_of(app, ANA) != []
    report = run(app, "reminders", TUESDAY.replace(hour=21) + timedelta(days=2))
    assert report.startswith("reminders: sent 1")  # Ana's
    assert len(pulses_to(app, LUIS)) == 1  # the pulse sent before they left, no reminder


def test_the_kudos_they_gave_and_received_stay(app: RunningApp) -> None:
    make_team(app, "Ops", EMMA, [LUIS, ANA])
    app.slack.slash_command("/kudos", f"<@{LUIS}> #helpful gracias", user_id=ANA)
    app.slack.slash_command("/kudos", f"<@{ANA}> #helpful gracias", user_id=LUIS)
    app.settle()
    count = "SELECT count(*) FROM kudos"
    assert rows(app, count) == [(2,)]
    leaves(app, LUIS)
    assert rows(app, count) == [(2,)]
    received = "SELECT count(*) FROM kudos_receivers WHERE receiver_id = :u"
    assert rows(app, received, u=LUIS) == [(1,)]


def test_a_profile_change_that_is_not_a_deactivation_keeps_them_on_their_teams(
    app: RunningApp,
) -> None:
    make_team(app, "Ops", EMMA, [LUIS, ANA])
    assert app.slack.user_change(LUIS).status == 200
    app.settle()
    assert members(app, "Ops") == [ANA, LUIS]


def test_every_admin_is_told_in_their_language_which_team_lost_its_manager(
    app: RunningApp,
) -> None:
    admin = app.runtime.services.admin
    admin.add_admin(EMMA)  # English
    admin.add_admin(CARMEN)  # Spanish
    make_team(app, "Ops", NOAH, [LUIS, ANA])
    make_team(app, "Sales & Care", NOAH, [ANA])
    leaves(app, NOAH)
    for admin_id, lang in ((EMMA, "en"), (CARMEN, "es")):
        [dm] = admin_dms(app, admin_id)
        for team in ("Ops", "Sales &amp; Care"):
            line = t(lang, "roster.manager_left", team=team, manager=f"<@{NOAH}>")
            assert line in dm
        assert "--manager" in dm
    assert "has no manager" in admin_dms(app, EMMA)[0]
    assert "sin responsable" in admin_dms(app, CARMEN)[0]
    leaves(app, NOAH)  # Slack tells again (another profile change): no second message
    assert len(admin_dms(app, EMMA)) == 1


def test_a_member_who_leaves_is_no_news_for_the_admins(app: RunningApp) -> None:
    app.runtime.services.admin.add_admin(EMMA)
    make_team(app, "Ops", NOAH, [LUIS, ANA])
    leaves(app, LUIS)
    assert admin_dms(app, EMMA) == []


def test_the_daily_job_catches_a_deactivation_whose_event_was_missed(app: RunningApp) -> None:
    app.runtime.services.admin.add_admin(EMMA)
    make_team(app, "Ops", NOAH, [LUIS, ANA])
    run(app, "pulse", TUESDAY.replace(hour=20))
    app.fake.deactivate_user(LUIS)  # no event reaches the app
    app.fake.deactivate_user(NOAH)
    report = run(app, "rosters", TUESDAY.replace(hour=23))
    assert report.startswith("rosters: sent 1")  # the one admin, about Ops
    assert "people who left taken off teams: 1" in report
    assert members(app, "Ops") == [ANA]
    assert pending_of(app, LUIS) == []
    [dm] = admin_dms(app, EMMA)
    assert t("en", "roster.manager_left", team="Ops", manager=f"<@{NOAH}>") in dm
    assert run(app, "rosters", TUESDAY + timedelta(days=1, hours=23)).startswith("rosters: sent 0")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_admins_message_fits_slack_however_many_teams_lost_their_manager(lang: str) -> None:
    teams = [ManagerLeft(f"{n:02d} <Team> " + "x" * 80, NOAH) for n in range(60)]
    text, blocks = manager_left(teams, lang)
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    assert all(len(block["text"]["text"]) <= SECTION_TEXT_MAX for block in blocks)
    shown = "\n".join(block["text"]["text"] for block in blocks)
    assert shown.count(f"<@{NOAH}>") == 60  # every team, none cut
    assert "<Team>" not in shown  # a name cannot become markup
    assert "&lt;Team&gt;" in shown
    assert text
