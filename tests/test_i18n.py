"""Every text exists in English and Spanish, with the same placeholders."""

from __future__ import annotations

from bot.i18n import catalog, placeholders, t
from engagement.language import language_for_locale


def test_both_catalogs_have_the_same_keys() -> None:
    assert set(catalog("en")) == set(catalog("es"))


def test_every_key_has_the_same_placeholders_in_both_languages() -> None:
    english, spanish = catalog("en"), catalog("es")
    mismatched = [k for k in english if placeholders(english[k]) != placeholders(spanish[k])]
    assert mismatched == []


def test_no_text_is_left_empty() -> None:
    assert [k for lang in ("en", "es") for k, v in catalog(lang).items() if not v.strip()] == []


def test_spanish_is_chosen_for_every_slack_spanish_locale() -> None:
    assert language_for_locale("es-LA", "en") == "es"
    assert language_for_locale("es-ES", "en") == "es"
    assert language_for_locale("en-GB", "es") == "en"
    assert language_for_locale("pt-BR", "es") == "en"


def test_people_with_no_known_locale_get_the_workspace_default() -> None:
    assert language_for_locale(None, "es") == "es"
    assert language_for_locale("", "en") == "en"


def test_a_missing_key_never_shows_a_raw_error_to_users() -> None:
    assert t("es", "errors.unknown_user", user="U1") == "No encuentro al usuario de Slack U1."
    assert t("fr", "errors.unknown_user", user="U1") == "I can't find the Slack user U1."
