"""`/aplauso`: help, my data, pulse on/off, the company report and the admins' settings.

The words after `/aplauso` pick one service call; whether the person may make it is the
service's rule, and a refusal comes back as one line in their language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.adapters.my_data_file import send_my_data_file
from bot.adapters.replies import reply_message
from bot.listeners.leaderboards import season_action
from bot.middleware import language_of
from bot.parsing import click_of, user_id_of
from bot.surfaces import Surfaces
from bot.views import admin as views
from bot.views import quiet_kudos as quiet_views
from bot.views.blocks import Block
from bot.views.help import help_blocks, help_text
from bot.views.my_data import my_data_message
from bot.views.privacy import (
    DELETE_ACTION,
    delete_confirmation,
    erasure_done,
    my_data_file_title,
)
from bot.views.report import report_message
from engagement.admin import LANGUAGES
from engagement.errors import DomainError
from engagement.services import Services

Answer = tuple[str, list[Block] | None]
AdminAction = Callable[[Services, str, str, str], str]
"""(services, user id, the words after the verb, language) -> the one line to answer."""

PULSE_CHOICES = {"pulse on": True, "pulse off": False}
HELP_WORDS = ("", "help")
MY_DATA = ("my data", "mis datos")
DELETE_MY_DATA = ("delete my data", "borrar mis datos")


def register(surfaces: Surfaces, services: Services) -> None:
    @surfaces.command("/aplauso")
    def aplauso_command(
        ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        ack()
        user_id = user_id_of(command)
        lang = language_of(context)
        try:
            message = answer(services, user_id, str(command.get("text") or ""), lang)
        except DomainError as error:
            message = views.refusal_text(error, lang), None
        reply_message(respond, context.client, command.get("channel_id"), user_id, message)
        if " ".join(str(command.get("text") or "").lower().split()) in MY_DATA:
            export = services.privacy.export_json(user_id)  # after the answer, outside it
            send_my_data_file(context.client, user_id, export, my_data_file_title(lang))

    @surfaces.action(DELETE_ACTION)
    def delete_confirmed(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        """The confirmed button of `/aplauso delete my data`: erases once; a second click
        hears that it was already done."""
        ack()
        chosen = click_of(body).value
        lang = chosen if chosen in LANGUAGES else language_of(context)
        text, blocks = erasure_done(services.privacy.erase(user_id_of(body)), lang)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=True)


def answer(services: Services, user_id: str, raw_text: str, lang: str) -> Answer:
    """Runs the sub-command `raw_text` names; anything unknown gets the help."""
    verb, rest = [*raw_text.split(maxsplit=1), "", ""][:2]
    action = ADMIN_ACTIONS.get(ALIASES.get(verb.lower(), verb.lower()))
    if action is not None:
        return action(services, user_id, rest, lang), None
    subcommand = " ".join(raw_text.lower().split())
    if subcommand in MY_DATA:
        return my_data_message(services.admin.my_data(user_id), lang)
    if subcommand in DELETE_MY_DATA:
        return delete_confirmation(lang)  # nothing is deleted before the button's click
    if subcommand in ("report", "informe"):
        return report_message(services.digest.company_report(user_id), lang)
    if subcommand in PULSE_CHOICES:
        turned_on = PULSE_CHOICES[subcommand]
        pulse = services.pulse
        changed = pulse.opt_in(user_id) if turned_on else pulse.opt_out(user_id)
        return views.pulse_choice_text(turned_on, changed, lang), None
    unknown = None if subcommand in HELP_WORDS else subcommand
    values = services.kudos.value_names(lang)
    reactions = services.kudos.help().reactions
    return help_text(lang), help_blocks(lang, values, unknown, reactions)


def _names(text: str) -> tuple[str, str]:
    """`English name | Nombre en español`."""
    english, _, spanish = text.partition("|")
    return english.strip(), spanish.strip()


def _settings(services: Services, user_id: str, rest: str, lang: str) -> str:
    """The settings (admins only), then where an `/invite @Aplauso` is still missing."""
    settings = services.admin.settings(user_id)
    return views.settings_text(settings, lang, services.kudos.celebration_channels())


def _set(services: Services, user_id: str, rest: str, lang: str) -> str:
    name, _, raw = rest.partition(" ")
    return views.saved_text(services.admin.change_setting(user_id, name.lower(), raw), lang)


def _value(services: Services, user_id: str, rest: str, lang: str) -> str:
    """`value add key :emoji: En | Es`, `value rename key En | Es`, `value retire key`.
    Missing words reach the service empty, so a non-admin hears that first."""
    action, _, args = rest.partition(" ")
    admin = services.admin
    if action.lower() == "add":
        key, emoji, names = [*args.split(maxsplit=2), "", "", ""][:3]
        return views.value_added_text(admin.add_value(user_id, key, emoji, *_names(names)), lang)
    if action.lower() == "rename":
        key, _, names = args.strip().partition(" ")
        return views.value_renamed_text(admin.rename_value(user_id, key, *_names(names)), lang)
    if action.lower() == "retire":
        return views.value_retired_text(admin.retire_value(user_id, args), lang)
    raise DomainError("admin.errors.value_usage")


def _question(services: Services, user_id: str, rest: str, lang: str) -> str:
    """`question add driver English | Español`, `question retire key`."""
    action, _, args = rest.partition(" ")
    if action.lower() == "add":
        driver, _, texts = args.strip().partition(" ")
        key = services.admin.add_question(user_id, driver, *_names(texts))
        return views.question_added_text(key, lang)
    if action.lower() == "retire":
        return views.question_retired_text(services.admin.retire_question(user_id, args), lang)
    raise DomainError("admin.errors.question_usage")


def _suppliers(services: Services, user_id: str, rest: str, lang: str) -> str:
    """`suppliers Team: Other team, Another team`."""
    team, separator, names = rest.partition(":")
    if not separator:
        raise DomainError("admin.errors.suppliers_usage")
    chosen = services.teams.set_suppliers(user_id, team, names.split(","))
    return views.suppliers_text(team.strip(), chosen, lang)


def _kudos(services: Services, user_id: str, rest: str, lang: str) -> str:
    """`kudos dms each|daily|off` (`cada|diario|no`): how this person hears of kudos."""
    what, _, choice = rest.strip().partition(" ")
    if what.lower() not in ("dms", "mensajes"):
        raise DomainError("quiet.dms_usage")
    return quiet_views.dm_mode_text(services.quiet_kudos.set_dm_mode(user_id, choice), lang)


ADMIN_ACTIONS: dict[str, AdminAction] = {
    "settings": _settings,
    "set": _set,
    "value": _value,
    "question": _question,
    "suppliers": _suppliers,
    "season": season_action,
    "kudos": _kudos,
}
ALIASES = {
    "ajustes": "settings",
    "valor": "value",
    "pregunta": "question",
    "proveedores": "suppliers",
    "temporada": "season",
}
