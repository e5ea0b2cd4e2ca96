"""Settings: one typed object; a wrong value is one clear line naming the variable."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings, settings_from_mapping


def test_defaults_follow_the_contract() -> None:
    settings = settings_from_mapping({})
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.database_url == "sqlite:///aplauso.db"
    assert settings.port == 3000
    assert settings.kudos_channel is None
    assert not settings.socket_mode


def test_an_api_url_without_a_trailing_slash_still_reaches_every_method() -> None:
    settings = settings_from_mapping({"SLACK_API_URL": "http://127.0.0.1:9999/api"})
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://root@localhost/db"),
        ("DATABASE_URL", "postgresql+psycopg2://u@h/db"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("SLACK_API_URL", "ftp://example.com"),
        ("APLAUSO_SECRET_KEY", "too-short"),
        ("APLAUSO_KUDOS_CHANNEL", "#general"),
        ("APLAUSO_LOG_LEVEL", "LOUD"),
        ("APLAUSO_SLACK_THROTTLE", "sometimes"),
        ("APLAUSO_PIN_WORKERS", "maybe"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        settings_from_mapping({variable: value})


def test_serve_without_a_bot_token_says_which_variable_is_missing() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        Settings().require_for_serve()


def test_http_mode_needs_the_signing_secret_but_socket_mode_does_not() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        Settings(slack_bot_token="xoxb-1").require_for_serve()
    key = "kDIkQ4H1ZbUvZ2m4cGqOZ5LqtvGlRt2yBNKzjCE5Vf0="
    Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1", secret_key=key).require_for_serve()


def test_the_secret_key_is_demanded_with_a_recipe_to_make_one() -> None:
    with pytest.raises(ConfigError, match=r"Fernet\.generate_key"):
        Settings().require_secret_key()


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({}, "en"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LANG": "es_MX"}, "es"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8", "LC_MESSAGES": "es_AR.UTF-8"}, "es"),
        ({"LANG": "es_ES.UTF-8", "LC_ALL": "C"}, "en"),
    ],
)
def test_the_command_line_speaks_the_shells_language(
    environment: dict[str, str], language: str
) -> None:
    assert settings_from_mapping(environment).language == language


def test_a_setting_error_reads_in_the_admins_language() -> None:
    with pytest.raises(ConfigError) as error:
        settings_from_mapping({"PORT": "0", "LANG": "es_ES.UTF-8"})
    assert str(error.value) == "PORT must be a whole number from 1 to 65535, got '0'"
    assert error.value.message("es") == "PORT debe ser un número entero de 1 a 65535, y vale '0'"
