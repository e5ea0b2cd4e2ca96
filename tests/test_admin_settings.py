"""Admins change kudos settings and values from Slack; everyone else is told kindly."""

from __future__ import annotations

import json

from engagement.admins import add_admin
from tests.support.app_harness import RunningApp

CARMEN, EMMA, ANA = "U01CARMEN", "U04EMMA", "U02ANA"


def make_admin(app: RunningApp, user_id: str) -> None:
    with app.database.unit_of_work() as uow:
        add_admin(uow, user_id, app.runtime.context.directory.fetch_profile, app.clock())


def last_reply(app: RunningApp) -> str:
    return str(app.visible("response_url")[-1]["text"])


def test_only_admins_see_or_change_settings(app: RunningApp) -> None:
    app.slack.slash_command("/aplauso", "settings", user_id=EMMA)
    assert "Only Aplauso admins" in last_reply(app)
    app.slack.slash_command("/aplauso", "set kudos_limit 9", user_id=EMMA)
    app.settle()
    with app.database.unit_of_work() as uow:
        assert uow.settings.get().kudos_daily_limit == 5


def test_an_admin_changes_the_limit_reactions_and_leaderboard(app: RunningApp) -> None:
    make_admin(app, CARMEN)
    app.slack.slash_command("/aplauso", "set kudos_limit 7", user_id=CARMEN)
    app.settle()
    app.slack.slash_command("/aplauso", "set reactions :raised_hands:, clap", user_id=CARMEN)
    app.settle()
    app.slack.slash_command("/aplauso", "set leaderboard off", user_id=CARMEN)
    app.settle()
    assert "Guardado" in last_reply(app)  # Carmen reads Spanish
    with app.database.unit_of_work() as uow:
        settings = uow.settings.get()
        assert settings.kudos_daily_limit == 7
        assert settings.kudos_reactions == ["raised_hands", "clap"]
        assert settings.show_leaderboard is False


def test_a_bad_setting_value_is_explained(app: RunningApp) -> None:
    make_admin(app, EMMA)
    app.slack.slash_command("/aplauso", "set kudos_limit lots", user_id=EMMA)
    assert "whole number from 1 to 50" in last_reply(app)


def test_an_admin_adds_renames_and_retires_a_value(app: RunningApp) -> None:
    make_admin(app, EMMA)
    app.slack.slash_command(
        "/aplauso", "value add ownership :muscle: Ownership | Compromiso", user_id=EMMA
    )
    app.settle()
    app.slack.slash_command("/kudos", f"<@{ANA}> #compromiso you owned it", user_id=EMMA)
    app.settle()
    app.slack.slash_command("/aplauso", "value rename ownership Owner | Dueño", user_id=EMMA)
    app.settle()
    app.slack.slash_command("/aplauso", "value retire ownership", user_id=EMMA)
    app.settle()
    assert "retired" in last_reply(app)
    with app.database.unit_of_work() as uow:
        assert "ownership" not in [v.key for v in uow.settings.values()]
        kudos = uow.kudos.recent_received(ANA)
        assert [k.value_key for k in kudos] == ["ownership"]  # old kudos keep their value
    app.slack.slash_command("/kudos", f"<@{ANA}> #compromiso again", user_id=EMMA)
    app.settle()
    assert "compromiso" in json.dumps(app.visible("response_url")[-1])


def test_an_admin_adds_a_custom_question_to_a_drivers_rotation_and_retires_one(
    app: RunningApp,
) -> None:
    make_admin(app, EMMA)
    app.slack.slash_command(
        "/aplauso",
        "question add recognition Did someone thank you this week? | ¿Alguien te dio las gracias esta semana?",
        user_id=EMMA,
    )
    app.settle()
    assert "custom_" in last_reply(app)
    app.slack.slash_command("/aplauso", "question retire recognition_valued", user_id=EMMA)
    app.settle()
    app.slack.slash_command(
        "/aplauso", "question add moonshots Too far? | ¿Muy lejos?", user_id=EMMA
    )
    app.settle()
    assert "Pick a driver" in last_reply(app)
    with app.database.unit_of_work() as uow:
        active = {q.key: q for q in uow.pulse.questions()}
    assert "recognition_valued" not in active
    [custom] = [q for q in active.values() if q.custom]
    assert (custom.driver, custom.text_es) == (
        "recognition",
        "¿Alguien te dio las gracias esta semana?",
    )


def test_only_admins_add_questions(app: RunningApp) -> None:
    app.slack.slash_command("/aplauso", "question add growth I learn | Aprendo", user_id=ANA)
    assert "Solo los administradores" in last_reply(app)


def test_a_manager_names_the_teams_whose_service_their_team_rates(app: RunningApp) -> None:
    from engagement.teams import TeamSpec, list_teams, set_team

    fetch = app.runtime.context.directory.fetch_profile
    with app.database.unit_of_work() as uow:
        set_team(uow, TeamSpec("Sales", CARMEN, [ANA]), fetch, app.clock())
        set_team(uow, TeamSpec("IT", "U16PRIYA", ["U17PABLO"]), fetch, app.clock())
        set_team(uow, TeamSpec("Logistics", "U08JAMES", ["U09JAVIER"]), fetch, app.clock())
    app.slack.slash_command("/aplauso", "suppliers Sales: IT, Logistics", user_id=ANA)
    assert "Solo el responsable de Sales" in last_reply(app)
    app.slack.slash_command("/aplauso", "suppliers Sales: IT, Logistics", user_id=CARMEN)
    app.settle()
    assert "Sales valora ahora el servicio de: IT, Logistics" in last_reply(app)
    with app.database.unit_of_work() as uow:
        sales = next(t for t in list_teams(uow) if t.name == "Sales")
    assert sales.served_by == ["IT", "Logistics"]


def test_anyone_sees_what_aplauso_keeps_about_them_and_that_answers_are_not_linked(
    app: RunningApp,
) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> thanks", user_id=EMMA)
    app.settle()
    app.slack.slash_command("/aplauso", "my data", user_id=ANA)
    app.settle()
    reply = app.visible("response_url")[-1]
    shown = str(reply["blocks"])
    assert "1 recibidos" in shown
    assert "sin ningún vínculo contigo" in shown


def test_admins_get_a_company_report_with_the_team_by_team_kudos_map(app: RunningApp) -> None:
    from engagement.teams import TeamSpec, set_team

    fetch = app.runtime.context.directory.fetch_profile
    with app.database.unit_of_work() as uow:
        set_team(uow, TeamSpec("Sales", CARMEN, [ANA]), fetch, app.clock())
        set_team(uow, TeamSpec("IT", "U16PRIYA", ["U17PABLO"]), fetch, app.clock())
    app.slack.slash_command("/kudos", "<@U17PABLO> gracias", user_id=ANA)
    app.settle()
    app.slack.slash_command("/aplauso", "report", user_id=ANA)
    app.settle()
    assert "Solo los administradores" in last_reply(app)
    make_admin(app, CARMEN)
    app.slack.slash_command("/aplauso", "report", user_id=CARMEN)
    app.settle()
    report = str(app.visible("response_url")[-1]["blocks"])
    assert "Sales" in report
    assert "IT" in report
