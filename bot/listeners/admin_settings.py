"""`/aplauso settings`, `/aplauso set NAME VALUE` and `/aplauso value ...` for admins."""

from __future__ import annotations

from collections.abc import Callable

from bot.i18n import t
from engagement import workspace_admin as admin
from engagement.errors import DomainError
from engagement.kudos import active_values
from engagement.teams import set_suppliers
from storage.unit_of_work import UnitOfWork

ADMIN_WORDS = (
    "settings",
    "ajustes",
    "set",
    "value",
    "valor",
    "question",
    "pregunta",
    "suppliers",
    "proveedores",
)


def is_admin_subcommand(text: str) -> bool:
    return bool(text) and text.split(maxsplit=1)[0].lower() in ADMIN_WORDS


def _names(rest: str) -> tuple[str, str]:
    english, _, spanish = rest.partition("|")
    return english.strip(), spanish.strip()


def settings_text(uow: UnitOfWork, lang: str) -> str:
    view = admin.current_settings(uow)
    return t(
        lang,
        "admin.settings",
        limit=view.kudos_daily_limit,
        reactions=" ".join(f":{r}:" for r in view.kudos_reactions),
        leaderboard=t(lang, "admin.on" if view.show_leaderboard else "admin.off"),
        language=view.default_language,
        k=view.anonymity_k,
        flagged=uow.feedback.flagged_count(),
        values=", ".join(f"{v.emoji} `{v.key}`" for v in active_values(uow)),
    )


def run_admin_subcommand(uow: UnitOfWork, user_id: str, text: str, lang: str) -> str:
    """Runs the subcommand and returns what to tell the admin; rule errors become text."""
    words = text.split(maxsplit=1)
    verb, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
    actions: dict[str, Callable[[], str]] = {
        "settings": lambda: _show(uow, user_id, lang),
        "set": lambda: _set(uow, user_id, rest, lang),
        "value": lambda: _value(uow, user_id, rest, lang),
        "question": lambda: _question(uow, user_id, rest, lang),
        "suppliers": lambda: _suppliers(uow, user_id, rest, lang),
    }
    aliases = {
        "ajustes": "settings",
        "valor": "value",
        "pregunta": "question",
        "proveedores": "suppliers",
    }
    verb = aliases.get(verb, verb)
    try:
        return actions[verb]()
    except DomainError as error:
        return t(lang, error.key, **error.params)


def _show(uow: UnitOfWork, user_id: str, lang: str) -> str:
    admin.require_admin(uow, user_id)
    return settings_text(uow, lang)


def _set(uow: UnitOfWork, user_id: str, rest: str, lang: str) -> str:
    name, _, raw = rest.partition(" ")
    admin.change_setting(uow, user_id, name.lower(), raw)
    return t(lang, "admin.saved", what=settings_text(uow, lang))


def _value(uow: UnitOfWork, user_id: str, rest: str, lang: str) -> str:
    parts = rest.split(maxsplit=1)
    action = parts[0].lower() if parts else ""
    args = parts[1] if len(parts) > 1 else ""
    if action == "add":
        pieces = args.split(maxsplit=2)
        if len(pieces) < 3:
            raise DomainError("admin.errors.value_usage")
        english, spanish = _names(pieces[2])
        value = admin.add_value(uow, user_id, pieces[0], pieces[1], english, spanish)
        return t(
            lang, "admin.value_added", value=f"{value.emoji} {value.name_en} / {value.name_es}"
        )
    if action == "rename":
        key, _, names = args.partition(" ")
        english, spanish = _names(names)
        value = admin.rename_value(uow, user_id, key, english, spanish)
        return t(
            lang, "admin.value_renamed", value=f"{value.emoji} {value.name_en} / {value.name_es}"
        )
    if action == "retire":
        value = admin.retire_value(uow, user_id, args.strip())
        return t(lang, "admin.value_retired", value=f"{value.emoji} {value.name_en}")
    raise DomainError("admin.errors.value_usage")


def _question(uow: UnitOfWork, user_id: str, rest: str, lang: str) -> str:
    action, _, args = rest.partition(" ")
    if action.lower() == "add":
        driver, _, texts = args.strip().partition(" ")
        english, spanish = _names(texts)
        key = admin.add_question(uow, user_id, driver, english, spanish)
        return t(lang, "admin.question_added", question=key)
    if action.lower() == "retire":
        admin.retire_question(uow, user_id, args)
        return t(lang, "admin.question_retired", question=args.strip())
    raise DomainError("admin.errors.question_usage")


def _suppliers(uow: UnitOfWork, user_id: str, rest: str, lang: str) -> str:
    team, separator, names = rest.partition(":")
    if not separator:
        raise DomainError("admin.errors.suppliers_usage")
    chosen = set_suppliers(uow, user_id, team, names.split(","))
    return t(lang, "admin.suppliers_set", team=team.strip(), suppliers=", ".join(chosen) or "—")
