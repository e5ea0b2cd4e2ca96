"""`/aplauso`: help today; my data, pulse on/off, settings and report as features land."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.context import AppContext
from bot.i18n import t
from bot.listeners.admin_settings import is_admin_subcommand, run_admin_subcommand
from bot.listeners.replies import reply_privately
from bot.surfaces import Surfaces
from bot.views.digest import report_message
from bot.views.help import help_blocks, help_text
from bot.views.my_data import my_data_message
from engagement.digest import company_report
from engagement.help import help_value_names
from engagement.my_data import my_data
from engagement.pulse import opt_in, opt_out


def parse_subcommand(text: str) -> str:
    return " ".join(text.lower().split())


def register(surfaces: Surfaces, ctx: AppContext) -> None:
    @surfaces.command("/aplauso")
    def aplauso_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        user_id = str(command.get("user_id", ""))
        raw_text = str(command.get("text") or "").strip()

        def reply(text: str, blocks: list[dict[str, Any]] | None = None) -> None:
            reply_privately(
                respond=respond,
                client=client,
                channel_id=command.get("channel_id"),
                user_id=user_id,
                text=text,
                blocks=blocks,
            )

        if is_admin_subcommand(raw_text):
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                answer = run_admin_subcommand(uow, user_id, raw_text, lang)
            reply(answer)
            return
        subcommand = parse_subcommand(raw_text)
        if subcommand in ("my data", "mis datos"):
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                data = my_data(uow, user_id)
            text, blocks = my_data_message(data, lang)
            reply(text, blocks)
            return
        if subcommand in ("report", "informe"):
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                report_blocks: list[dict[str, Any]] | None = None
                report_text = t(lang, "admin.errors.not_admin")
                if uow.admins.is_admin(user_id):
                    report = company_report(uow, ctx.now())
                    report_text, report_blocks = report_message(
                        report.participation, report.flows, lang, report.k
                    )
            reply(report_text, report_blocks)
            return
        if subcommand in ("pulse off", "pulse on"):
            with ctx.database.unit_of_work() as uow:
                lang = ctx.language_in(uow, user_id)
                if subcommand == "pulse off":
                    changed = opt_out(uow, user_id, ctx.now())
                    answer = t(lang, "pulse.stopped" if changed else "pulse.already_off")
                else:
                    changed = opt_in(uow, user_id)
                    answer = t(lang, "pulse.resumed" if changed else "pulse.already_on")
            reply(answer)
            return
        with ctx.database.unit_of_work() as uow:
            lang = ctx.language_in(uow, user_id)
            values = help_value_names(uow, lang)
        unknown = subcommand if subcommand not in ("", "help") else None
        reply(help_text(lang), help_blocks(lang, values, unknown_subcommand=unknown))
