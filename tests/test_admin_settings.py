"""Admins change kudos settings and values from Slack; everyone else is told kindly."""

from __future__ import annotations

import json

import pytest

from engagement.admin import SettingChange, custom_question, emoji_name, setting_change, value_names
from engagement.errors import DomainError
from engagement.pulse_bank import Driver
from engagement.teams import TeamSpec
from tests.support.app_harness import RunningApp

CARMEN, EMMA, ANA = "U01CARMEN", "U04EMMA", "U02ANA"


def make_admin(app: RunningApp, user_id: str) -> None:
    assert app.runtime.services.admin.add_admin(user_id)


def make_team(app: RunningApp, name: str, manager: str, members: list[str]) -> None:
    app.runtime.services.teams.set_team(TeamSpec(name, manager, members))


def last_reply(app: RunningApp) -> str:
    return str(app.answers()[-1]["text"])


def test_only_admins_see_or_change_settings(app: RunningApp) -> None:
    app.slack.slash_command("/aplauso", "settings", user_id=EMMA)
    refusal = last_reply(app)
    assert "Only Aplauso admins" in refusal
    assert "aplauso admin add" not in refusal  # a server command is no use to them
    assert "\n" not in refusal
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
    assert "compromiso" in json.dumps(app.answers()[-1])


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
    app.runtime.services.people.refresh_directory()  # Ana's language comes from the directory
    app.slack.slash_command("/aplauso", "question add growth I learn | Aprendo", user_id=ANA)
    assert "Solo los administradores" in last_reply(app)


def test_a_manager_names_the_teams_whose_service_their_team_rates(app: RunningApp) -> None:
    make_team(app, "Sales", CARMEN, [ANA])
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    make_team(app, "Logistics", "U08JAMES", ["U09JAVIER"])
    app.slack.slash_command("/aplauso", "suppliers Sales: IT, Logistics", user_id=ANA)
    assert "Solo el responsable de Sales" in last_reply(app)
    app.slack.slash_command("/aplauso", "suppliers Sales: IT, Logistics", user_id=CARMEN)
    app.settle()
    assert "Sales valora ahora el servicio de: IT, Logistics" in last_reply(app)
    sales = next(t for t in app.runtime.services.teams.list_teams() if t.name == "Sales")
    assert sales.served_by == ["IT", "Logistics"]


def test_anyone_sees_what_aplauso_keeps_about_them_and_that_answers_are_not_linked(
    app: RunningApp,
) -> None:
    app.slack.slash_command("/kudos", f"<@{ANA}> thanks", user_id=EMMA)
    app.settle()
    app.slack.slash_command("/aplauso", "my data", user_id=ANA)
    app.settle()
    reply = app.answers()[-1]
    shown = str(reply["blocks"])
    assert "1 recibidos" in shown
    assert "sin ningún vínculo contigo" in shown


def test_admins_get_a_company_report_with_the_team_by_team_kudos_map(app: RunningApp) -> None:
    make_team(app, "Sales", CARMEN, [ANA])
    make_team(app, "IT", "U16PRIYA", ["U17PABLO"])
    app.slack.slash_command("/kudos", "<@U17PABLO> gracias", user_id=ANA)
    app.settle()
    app.slack.slash_command("/aplauso", "report", user_id=ANA)
    app.settle()
    assert "Solo los administradores" in last_reply(app)
    make_admin(app, CARMEN)
    app.slack.slash_command("/aplauso", "report", user_id=CARMEN)
    app.settle()
    report = str(app.answers()[-1]["blocks"])
    assert "Sales" in report
    assert "IT" in report


def test_help_lists_the_active_values_in_the_readers_language(app: RunningApp) -> None:
    app.runtime.services.people.refresh_directory()
    app.slack.slash_command("/aplauso", "", user_id=EMMA)
    english = str(app.answers()[-1]["blocks"])
    app.slack.slash_command("/aplauso", "dance", user_id=CARMEN)
    spanish = str(app.answers()[-1]["blocks"])
    values = app.runtime.services.kudos.values()
    assert values
    assert all(value.label("en") in english for value in values)
    assert all(value.label("es") in spanish for value in values)
    assert "dance" in spanish


@pytest.mark.parametrize(
    ("name", "raw", "change"),
    [
        ("kudos_limit", " 7 ", SettingChange("kudos_daily_limit", 7)),
        ("kudos_limit", "50", SettingChange("kudos_daily_limit", 50)),
        (
            "reactions",
            ":Clap:, raised_hands clap",
            SettingChange("kudos_reactions", ["clap", "raised_hands"]),
        ),
        ("leaderboard", "OFF", SettingChange("show_leaderboard", False)),
        ("leaderboard", "on", SettingChange("show_leaderboard", True)),
        ("language", "es", SettingChange("default_language", "es")),
    ],
)
def test_a_setting_is_read_from_its_words(name: str, raw: str, change: SettingChange) -> None:
    assert setting_change(name, raw) == change


@pytest.mark.parametrize(
    ("name", "raw", "key"),
    [
        ("kudos_limit", "0", "admin.errors.bad_number"),
        ("kudos_limit", "51", "admin.errors.bad_number"),
        ("kudos_limit", "-3", "admin.errors.bad_number"),
        ("reactions", "", "admin.errors.bad_emoji"),
        ("reactions", "clap, not an emoji!", "admin.errors.bad_emoji"),
        ("leaderboard", "yes", "admin.errors.on_off"),
        ("language", "fr", "admin.errors.bad_language"),
        ("anonymity", "3", "admin.errors.unknown_setting"),
    ],
)
def test_a_setting_that_makes_no_sense_is_refused(name: str, raw: str, key: str) -> None:
    with pytest.raises(DomainError) as raised:
        setting_change(name, raw)
    assert raised.value.key == key


def test_at_most_ten_reactions_are_kept() -> None:
    many = ",".join(f"e{n}" for n in range(12))
    assert setting_change("reactions", many).value == [f"e{n}" for n in range(10)]


@pytest.mark.parametrize(("raw", "name"), [(":clap:", "clap"), ("CLAP", "clap"), ("+1", "+1")])
def test_an_emoji_is_named_with_or_without_colons(raw: str, name: str) -> None:
    assert emoji_name(raw) == name


@pytest.mark.parametrize(
    ("english", "spanish", "names"),
    [(" Owner ", "Dueño", ("Owner", "Dueño")), ("x" * 70, "y", ("x" * 60, "y"))],
)
def test_a_value_has_a_name_in_both_languages(
    english: str, spanish: str, names: tuple[str, str]
) -> None:
    assert value_names(english, spanish) == names


@pytest.mark.parametrize(("english", "spanish"), [("", "Dueño"), ("Owner", "  ")])
def test_a_value_without_both_names_is_refused(english: str, spanish: str) -> None:
    with pytest.raises(DomainError, match="value_usage"):
        value_names(english, spanish)


@pytest.mark.parametrize(
    ("driver", "english", "spanish", "key"),
    [
        ("moonshots", "Too far?", "¿Muy lejos?", "admin.errors.unknown_driver"),
        ("enps", "Recommend?", "¿Recomiendas?", "admin.errors.question_usage"),
        ("growth", "I learn", "", "admin.errors.question_usage"),
        ("growth", "x" * 151, "Aprendo", "admin.errors.question_too_long"),
    ],
)
def test_a_custom_question_that_cannot_be_asked_is_refused(
    driver: str, english: str, spanish: str, key: str
) -> None:
    with pytest.raises(DomainError) as raised:
        custom_question(driver, english, spanish)
    assert raised.value.key == key


def test_a_custom_question_names_its_driver_in_any_case() -> None:
    assert custom_question("Internal service", " Fast? ", "¿Rápido?") == (
        Driver.INTERNAL_SERVICE,
        "Fast?",
        "¿Rápido?",
    )
