"""The `/aplauso help` message."""

from __future__ import annotations

from bot.i18n import t
from bot.views.blocks import Block, context, divider, header, section


def help_blocks(
    lang: str, value_names: list[str], unknown_subcommand: str | None = None
) -> list[Block]:
    blocks: list[Block] = []
    if unknown_subcommand:
        blocks.append(
            section(t(lang, "help.unknown_subcommand", subcommand=unknown_subcommand[:40]))
        )
    blocks += [
        header(t(lang, "help.title")),
        section(t(lang, "help.intro")),
        divider(),
        section(t(lang, "help.kudos", values=", ".join(value_names))),
        section(t(lang, "help.pulse")),
        section(t(lang, "help.feedback")),
        section(t(lang, "help.digest")),
        divider(),
        section(t(lang, "help.commands")),
        context(t(lang, "help.privacy")),
    ]
    return blocks


def help_text(lang: str) -> str:
    return t(lang, "help.text")
