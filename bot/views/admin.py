"""The one-line answers of `/aplauso`: settings, values, questions, suppliers, pulse on/off."""

from __future__ import annotations

from bot.i18n import t
from engagement.admin_model import SettingsView
from engagement.errors import DomainError
from engagement.kudos_model import ValueInfo


def settings_text(view: SettingsView, lang: str) -> str:
    return t(
        lang,
        "admin.settings",
        limit=view.kudos_daily_limit,
        reactions=" ".join(f":{r}:" for r in view.kudos_reactions),
        leaderboard=t(lang, "admin.on" if view.show_leaderboard else "admin.off"),
        language=view.default_language,
        k=view.anonymity_k,
        flagged=view.flagged_feedback,
        values=", ".join(f"{v.emoji} `{v.key}`" for v in view.values),
    )


def saved_text(view: SettingsView, lang: str) -> str:
    return t(lang, "admin.saved", what=settings_text(view, lang))


def _both_names(value: ValueInfo) -> str:
    return f"{value.emoji} {value.name_en} / {value.name_es}"


def value_added_text(value: ValueInfo, lang: str) -> str:
    return t(lang, "admin.value_added", value=_both_names(value))


def value_renamed_text(value: ValueInfo, lang: str) -> str:
    return t(lang, "admin.value_renamed", value=_both_names(value))


def value_retired_text(value: ValueInfo, lang: str) -> str:
    return t(lang, "admin.value_retired", value=f"{value.emoji} {value.name_en}")


def question_added_text(key: str, lang: str) -> str:
    return t(lang, "admin.question_added", question=key)


def question_retired_text(key: str, lang: str) -> str:
    return t(lang, "admin.question_retired", question=key)


def suppliers_text(team: str, suppliers: list[str], lang: str) -> str:
    return t(lang, "admin.suppliers_set", team=team, suppliers=", ".join(suppliers) or "—")


def pulse_choice_text(turned_on: bool, changed: bool, lang: str) -> str:
    """`changed` is False when the person already had the choice they asked for."""
    if turned_on:
        return t(lang, "pulse.resumed" if changed else "pulse.already_on")
    return t(lang, "pulse.stopped" if changed else "pulse.already_off")


def refusal_text(error: DomainError, lang: str) -> str:
    """A rule said no: one line in the person's language."""
    return t(lang, error.key, **error.params)
