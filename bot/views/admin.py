"""The one-line answers of `/aplauso`: settings, values, questions, suppliers, pulse on/off."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t
from bot.views.blocks import escape_mrkdwn
from engagement.admin_model import SettingsView
from engagement.errors import DomainError
from engagement.kudos_model import CelebrationChannel, ValueInfo


def _channel_line(channel: CelebrationChannel, lang: str) -> str:
    what = (
        t(lang, "admin.channel_team", team=escape_mrkdwn(channel.team))
        if channel.team
        else t(lang, "admin.channel_kudos")
    )
    state = {True: "ok", False: "missing", None: "unknown"}[channel.member]
    return t(lang, f"admin.channel_{state}", channel=f"<#{channel.channel_id}>", what=what)


def channels_text(channels: Sequence[CelebrationChannel], lang: str) -> str:
    """Where kudos are celebrated, and where an `/invite @Aplauso` is still missing: the app
    posts (and counts :clap: reactions) only in channels it was invited to."""
    if not channels:
        return t(lang, "admin.channels_none")
    lines = [_channel_line(channel, lang) for channel in channels]
    return "\n".join([t(lang, "admin.channels_title"), *lines])


def settings_text(
    view: SettingsView, lang: str, channels: Sequence[CelebrationChannel] | None = None
) -> str:
    """The settings, then (when given) the channels the bot must have been invited to."""
    text = _settings_lines(view, lang)
    return text if channels is None else f"{text}\n{channels_text(channels, lang)}"


def _settings_lines(view: SettingsView, lang: str) -> str:
    return t(
        lang,
        "admin.settings",
        limit=view.kudos_daily_limit,
        reactions=" ".join(f":{r}:" for r in view.kudos_reactions),
        leaderboard=t(lang, "admin.on" if view.show_leaderboard else "admin.off"),
        language=view.default_language,
        celebrations=view.celebrations,
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
