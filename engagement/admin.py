"""Workspace administration: settings, values, custom questions and who the admins are.

Every change made from Slack is an admin's to make, so each operation checks the asking person
inside the same transaction that writes. Adding an admin from the command line has no asking
person: whoever runs `aplauso admin add` already holds the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from engagement.admin_model import MyData, SettingsView
from engagement.directory import display_name, ensure_person, require_targetable
from engagement.errors import DomainError
from engagement.kudos import active_values, value_info
from engagement.kudos_model import ValueInfo
from engagement.pulse import ensure_bank
from engagement.pulse_bank import Driver
from engagement.service_base import PeopleBoundService
from engagement.values import normalize_tag
from storage.models import PulseQuestion, ServiceValue
from storage.unit_of_work import UnitOfWork

EMOJI_NAME = re.compile(r"^:?([a-z0-9_+\-']{1,60}):?$")
MAX_VALUES = 30
MAX_VALUE_KEY = 40
MAX_VALUE_NAME = 60
MAX_REACTIONS = 10
KUDOS_LIMIT_LOW, KUDOS_LIMIT_HIGH = 1, 50
LANGUAGES = ("en", "es")
MAX_QUESTION = 150
EVER = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SettingChange:
    """One column of the workspace settings and the value `/aplauso set` writes to it."""

    column: str
    value: int | bool | str | list[str]


def emoji_name(raw: str) -> str:
    """`:clap:`, `clap` and `CLAP` all name the emoji `clap`."""
    match = EMOJI_NAME.match(raw.strip().lower())
    if not match:
        raise DomainError("admin.errors.bad_emoji", emoji=raw[:60])
    return match.group(1)


def setting_change(name: str, raw: str) -> SettingChange:
    """What `/aplauso set NAME VALUE` means, or the reason it means nothing."""
    value = raw.strip().lower()
    if name == "kudos_limit":
        if not value.isdigit() or not KUDOS_LIMIT_LOW <= int(value) <= KUDOS_LIMIT_HIGH:
            raise DomainError(
                "admin.errors.bad_number", setting=name, low=KUDOS_LIMIT_LOW, high=KUDOS_LIMIT_HIGH
            )
        return SettingChange("kudos_daily_limit", int(value))
    if name == "reactions":
        emoji = [emoji_name(part) for part in re.split(r"[\s,]+", value) if part]
        if not emoji:
            raise DomainError("admin.errors.bad_emoji", emoji=raw[:60])
        return SettingChange("kudos_reactions", list(dict.fromkeys(emoji))[:MAX_REACTIONS])
    if name == "leaderboard":
        if value not in ("on", "off"):
            raise DomainError("admin.errors.on_off", setting=name)
        return SettingChange("show_leaderboard", value == "on")
    if name == "language":
        if value not in LANGUAGES:
            raise DomainError("admin.errors.bad_language")
        return SettingChange("default_language", value)
    if name in ("celebrations", "celebraciones"):
        return SettingChange("celebrations", celebrations_mode(value))
    raise DomainError("admin.errors.unknown_setting", setting=name[:40])


def celebrations_mode(value: str) -> str:
    """`each` (one post per kudos) or `daily_thread` (one thread per UTC day and channel)."""
    modes = {
        "each": "each",
        "cada": "each",
        "daily_thread": "daily_thread",
        "hilo_diario": "daily_thread",
    }
    if value not in modes:
        raise DomainError("admin.errors.celebrations_choice")
    return modes[value]


def value_names(name_en: str, name_es: str) -> tuple[str, str]:
    """A value needs a name in both languages."""
    english, spanish = name_en.strip(), name_es.strip()
    if not english or not spanish:
        raise DomainError("admin.errors.value_usage")
    return english[:MAX_VALUE_NAME], spanish[:MAX_VALUE_NAME]


def custom_question(driver: str, text_en: str, text_es: str) -> tuple[Driver, str, str]:
    """A custom question is a 1-5 agreement statement about one driver (eNPS is fixed)."""
    try:
        chosen = Driver(normalize_tag(driver))
    except ValueError:
        raise DomainError(
            "admin.errors.unknown_driver",
            drivers=", ".join(d.value for d in Driver if d is not Driver.ENPS),
        ) from None
    english, spanish = text_en.strip(), text_es.strip()
    if chosen is Driver.ENPS or not english or not spanish:
        raise DomainError("admin.errors.question_usage")
    if len(english) > MAX_QUESTION or len(spanish) > MAX_QUESTION:
        raise DomainError("admin.errors.question_too_long", max=MAX_QUESTION)
    return chosen, english, spanish


def _require_admin(uow: UnitOfWork, user_id: str) -> None:
    if not uow.admins.is_admin(user_id):
        raise DomainError("admin.errors.not_admin")


def _settings_view(uow: UnitOfWork) -> SettingsView:
    s = uow.settings.get()
    shown = (s.kudos_daily_limit, tuple(s.kudos_reactions), s.show_leaderboard, s.default_language)
    counted = (s.anonymity_k, uow.feedback.flagged_count(), tuple(active_values(uow)))
    return SettingsView(*shown, *counted, celebrations=s.celebrations)


def _value(uow: UnitOfWork, key: str) -> ServiceValue:
    for value in uow.settings.values(include_retired=True):
        if value.key == key.strip():
            return value
    raise DomainError("admin.errors.unknown_value", value=key.strip()[:MAX_VALUE_KEY])


class AdminService(PeopleBoundService):
    def is_admin(self, user_id: str) -> bool:
        with self._store.unit_of_work() as uow:
            return uow.admins.is_admin(user_id)

    def my_data(self, user_id: str) -> MyData:
        """Only what is linked to the person. Pulse answers and anonymous feedback are not, by
        design, so they cannot be listed here either."""
        with self._store.unit_of_work() as uow:
            person = uow.people.get(user_id)
            return MyData(
                name=display_name(person) if person else user_id,
                locale=person.locale if person else None,
                tz=person.tz if person else None,
                teams=tuple(t.name for t in uow.teams.teams_of(user_id)),
                managed_teams=tuple(t.name for t in uow.teams.managed_by(user_id)),
                kudos_received=uow.kudos.count_received(user_id, EVER),
                kudos_given=uow.kudos.count_given(user_id, EVER),
                pulses_sent=uow.pulse.deliveries_count(user_id),
                pulse_opted_out=uow.pulse.is_opted_out(user_id),
                is_admin=uow.admins.is_admin(user_id),
            )

    def settings(self, user_id: str) -> SettingsView:
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            return _settings_view(uow)

    def change_setting(self, user_id: str, name: str, raw: str) -> SettingsView:
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            change = setting_change(name, raw)
            settings = uow.settings.get()
            setattr(settings, change.column, change.value)
            uow.settings.save(settings)
            return _settings_view(uow)

    def add_value(
        self, user_id: str, key: str, emoji: str, name_en: str, name_es: str
    ) -> ValueInfo:
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            slug = normalize_tag(key)[:MAX_VALUE_KEY]
            english, spanish = value_names(name_en, name_es)
            if not slug:
                raise DomainError("admin.errors.value_usage")
            existing = uow.settings.values(include_retired=True)
            if any(v.key == slug for v in existing):
                raise DomainError("admin.errors.value_exists", value=slug)
            if sum(not v.retired for v in existing) >= MAX_VALUES:
                raise DomainError("admin.errors.too_many_values", max=MAX_VALUES)
            value = ServiceValue(
                key=slug,
                emoji=f":{emoji_name(emoji)}:",
                name_en=english,
                name_es=spanish,
                aliases=sorted({slug, normalize_tag(english), normalize_tag(spanish)}),
                position=len(existing),
            )
            uow.settings.save_value(value)
            return value_info(value)

    def rename_value(self, user_id: str, key: str, name_en: str, name_es: str) -> ValueInfo:
        """Old names stay aliases, so `#oldname` in a habit still finds the value."""
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            value = _value(uow, key)
            value.name_en, value.name_es = value_names(name_en, name_es)
            value.aliases = sorted(
                {*value.aliases, normalize_tag(value.name_en), normalize_tag(value.name_es)}
            )
            uow.settings.save_value(value)
            return value_info(value)

    def retire_value(self, user_id: str, key: str) -> ValueInfo:
        """Retired values stay on old kudos; they just cannot be chosen any more."""
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            value = _value(uow, key)
            value.retired = True
            uow.settings.save_value(value)
            return value_info(value)

    def add_question(self, user_id: str, driver: str, text_en: str, text_es: str) -> str:
        """A custom 1-5 agreement question; it joins the rotation of its driver. Returns its key."""
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            chosen, english, spanish = custom_question(driver, text_en, text_es)
            ensure_bank(uow)
            key = f"custom_{len(uow.pulse.questions(include_retired=True)) + 1}"
            uow.pulse.add_question(
                PulseQuestion(
                    key=key,
                    driver=chosen.value,
                    scale="likert5",
                    text_en=english,
                    text_es=spanish,
                    low_en="Strongly disagree",
                    high_en="Strongly agree",
                    low_es="Totalmente en desacuerdo",
                    high_es="Totalmente de acuerdo",
                    custom=True,
                )
            )
            return key

    def retire_question(self, user_id: str, key: str) -> str:
        with self._store.unit_of_work() as uow:
            _require_admin(uow, user_id)
            question = uow.pulse.question(key.strip())
            if question is None:
                raise DomainError("admin.errors.unknown_question", question=key.strip()[:40])
            question.retired = True
            uow.pulse.save_question(question)
            return question.key

    def add_admin(self, user_id: str) -> bool:
        """True when the person became an admin, False when they already were one."""
        fetch = self._people.prefetch([user_id])
        now = self._clock()
        with self._store.unit_of_work() as uow:
            person = require_targetable(ensure_person(uow, user_id, fetch, now))
            return uow.admins.add(person.user_id, now)

    def list_admins(self) -> list[tuple[str, str]]:
        """(user id, display name) of every admin, for `aplauso admin list`."""
        with self._store.unit_of_work() as uow:
            ids = uow.admins.all_ids()
            people = uow.people.get_many(ids)
            return [(uid, display_name(people[uid]) if uid in people else uid) for uid in ids]

    def remove_admin(self, user_id: str) -> bool:
        """True when the person was an admin until now."""
        with self._store.unit_of_work() as uow:
            return uow.admins.remove(user_id)
