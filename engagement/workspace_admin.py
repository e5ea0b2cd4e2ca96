"""What admins may change from Slack: kudos limit, reactions, leaderboard, language, values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engagement.errors import DomainError
from engagement.kudos_parsing import normalize_tag
from engagement.pulse import ensure_bank
from engagement.pulse_bank import Driver
from storage.models import PulseQuestion, ServiceValue
from storage.unit_of_work import UnitOfWork

EMOJI_NAME = re.compile(r"^:?([a-z0-9_+\-']{1,60}):?$")
MAX_VALUES = 30


@dataclass(frozen=True)
class SettingsView:
    kudos_daily_limit: int
    kudos_reactions: tuple[str, ...]
    show_leaderboard: bool
    default_language: str
    anonymity_k: int


def require_admin(uow: UnitOfWork, user_id: str) -> None:
    if not uow.admins.is_admin(user_id):
        raise DomainError("admin.errors.not_admin")


def current_settings(uow: UnitOfWork) -> SettingsView:
    s = uow.settings.get()
    return SettingsView(
        s.kudos_daily_limit,
        tuple(s.kudos_reactions),
        s.show_leaderboard,
        s.default_language,
        s.anonymity_k,
    )


def _emoji(raw: str) -> str:
    match = EMOJI_NAME.match(raw.strip().lower())
    if not match:
        raise DomainError("admin.errors.bad_emoji", emoji=raw[:60])
    return match.group(1)


def change_setting(uow: UnitOfWork, user_id: str, name: str, raw: str) -> SettingsView:
    require_admin(uow, user_id)
    settings = uow.settings.get()
    value = raw.strip().lower()
    if name == "kudos_limit":
        if not value.isdigit() or not 1 <= int(value) <= 50:
            raise DomainError("admin.errors.bad_number", setting=name, low=1, high=50)
        settings.kudos_daily_limit = int(value)
    elif name == "reactions":
        emoji = [_emoji(part) for part in re.split(r"[\s,]+", value) if part]
        if not emoji:
            raise DomainError("admin.errors.bad_emoji", emoji=raw[:60])
        settings.kudos_reactions = list(dict.fromkeys(emoji))[:10]
    elif name == "leaderboard":
        if value not in ("on", "off"):
            raise DomainError("admin.errors.on_off", setting=name)
        settings.show_leaderboard = value == "on"
    elif name == "language":
        if value not in ("en", "es"):
            raise DomainError("admin.errors.bad_language")
        settings.default_language = value
    else:
        raise DomainError("admin.errors.unknown_setting", setting=name[:40])
    uow.session.add(settings)
    uow.session.flush()
    return current_settings(uow)


def _value(uow: UnitOfWork, key: str) -> ServiceValue:
    for value in uow.settings.values(include_retired=True):
        if value.key == key:
            return value
    raise DomainError("admin.errors.unknown_value", value=key[:40])


def add_value(
    uow: UnitOfWork, user_id: str, key: str, emoji: str, name_en: str, name_es: str
) -> ServiceValue:
    require_admin(uow, user_id)
    slug = normalize_tag(key)[:40]
    if not slug or not name_en.strip() or not name_es.strip():
        raise DomainError("admin.errors.value_usage")
    if any(v.key == slug for v in uow.settings.values(include_retired=True)):
        raise DomainError("admin.errors.value_exists", value=slug)
    if len(uow.settings.values()) >= MAX_VALUES:
        raise DomainError("admin.errors.too_many_values", max=MAX_VALUES)
    aliases = sorted({slug, normalize_tag(name_en), normalize_tag(name_es)})
    value = ServiceValue(
        key=slug,
        emoji=f":{_emoji(emoji)}:",
        name_en=name_en.strip()[:60],
        name_es=name_es.strip()[:60],
        aliases=aliases,
        position=len(uow.settings.values(include_retired=True)),
    )
    uow.session.add(value)
    uow.session.flush()
    return value


def rename_value(
    uow: UnitOfWork, user_id: str, key: str, name_en: str, name_es: str
) -> ServiceValue:
    require_admin(uow, user_id)
    value = _value(uow, key)
    if not name_en.strip() or not name_es.strip():
        raise DomainError("admin.errors.value_usage")
    value.name_en, value.name_es = name_en.strip()[:60], name_es.strip()[:60]
    value.aliases = sorted({*value.aliases, normalize_tag(name_en), normalize_tag(name_es)})
    uow.session.add(value)
    uow.session.flush()
    return value


def retire_value(uow: UnitOfWork, user_id: str, key: str) -> ServiceValue:
    """Retired values stay on old kudos; they just cannot be chosen any more."""
    require_admin(uow, user_id)
    value = _value(uow, key)
    value.retired = True
    uow.session.add(value)
    uow.session.flush()
    return value


def add_question(uow: UnitOfWork, user_id: str, driver: str, text_en: str, text_es: str) -> str:
    """A custom 1-5 agreement question; it joins the rotation of its driver."""
    require_admin(uow, user_id)
    try:
        chosen = Driver(normalize_tag(driver))
    except ValueError:
        raise DomainError(
            "admin.errors.unknown_driver",
            drivers=", ".join(d.value for d in Driver if d is not Driver.ENPS),
        ) from None
    if chosen is Driver.ENPS or not text_en.strip() or not text_es.strip():
        raise DomainError("admin.errors.question_usage")
    if len(text_en) > 150 or len(text_es) > 150:
        raise DomainError("admin.errors.question_too_long", max=150)
    ensure_bank(uow)
    key = f"custom_{len(uow.pulse.questions(include_retired=True)) + 1}"
    uow.pulse.add_question(
        PulseQuestion(
            key=key,
            driver=chosen.value,
            scale="likert5",
            text_en=text_en.strip(),
            text_es=text_es.strip(),
            low_en="Strongly disagree",
            high_en="Strongly agree",
            low_es="Totalmente en desacuerdo",
            high_es="Totalmente de acuerdo",
            custom=True,
        )
    )
    return key


def retire_question(uow: UnitOfWork, user_id: str, key: str) -> None:
    require_admin(uow, user_id)
    question = uow.pulse.question(key.strip())
    if question is None:
        raise DomainError("admin.errors.unknown_question", question=key[:40])
    question.retired = True
    uow.session.add(question)
    uow.session.flush()
