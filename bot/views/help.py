"""The `/aplauso help` message."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import join_list, t
from bot.views.blocks import Block, context, divider, header, section


def help_blocks(
    lang: str,
    value_names: list[str],
    unknown_subcommand: str | None = None,
    reactions: Sequence[str] = (),
) -> list[Block]:
    """`reactions` are the kudos reactions that work here (a custom one only once uploaded)."""
    blocks: list[Block] = []
    if unknown_subcommand:
        blocks.append(
            section(t(lang, "help.unknown_subcommand", subcommand=unknown_subcommand[:40]))
        )
    blocks += [
        header(t(lang, "help.title")),
        section(t(lang, "help.intro")),
        divider(),
        section(_kudos_line(lang, value_names, reactions)),
        section(t(lang, "help.pulse")),
        section(t(lang, "help.feedback")),
        section(t(lang, "help.digest")),
        divider(),
        section(t(lang, "help.commands")),
        context(t(lang, "help.privacy")),
    ]
    return blocks


def _kudos_line(lang: str, value_names: list[str], reactions: Sequence[str]) -> str:
    values = ", ".join(value_names)
    if not reactions:
        return t(lang, "help.kudos_no_reactions", values=values)
    shown = join_list(lang, [f":{name}:" for name in reactions], style="or")
    return t(lang, "help.kudos", values=values, reactions=shown)


def help_text(lang: str) -> str:
    return t(lang, "help.text")
