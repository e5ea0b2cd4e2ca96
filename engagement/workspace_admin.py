"""What admins may change from Slack: kudos limit, reactions, leaderboard, language, values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engagement.errors import DomainError
from engagement.kudos_parsing import normalize_tag
from storage.models import ServiceValue
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
