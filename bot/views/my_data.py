"""`/aplauso my data`: what Aplauso keeps about the person asking."""

from __future__ import annotations

from bot.i18n import t
from bot.views.blocks import Block, context, header, section
from engagement.admin_model import MyData


def my_data_message(data: MyData, lang: str) -> tuple[str, list[Block]]:
    none = t(lang, "my_data.none")
    lines = [
        t(lang, "my_data.profile", name=data.name, locale=data.locale or none, tz=data.tz or none),
        t(lang, "my_data.teams", teams=", ".join(data.teams) or none),
    ]
    if data.managed_teams:
        lines.append(t(lang, "my_data.manages", teams=", ".join(data.managed_teams)))
    lines.append(t(lang, "my_data.kudos", received=data.kudos_received, given=data.kudos_given))
    state = t(lang, "my_data.pulse_off" if data.pulse_opted_out else "my_data.pulse_on")
    lines.append(t(lang, "my_data.pulse", count=data.pulses_sent, state=state))
    if data.is_admin:
        lines.append(t(lang, "my_data.admin"))
    blocks = [
        header(t(lang, "my_data.title")),
        section("\n".join(lines)),
        context(t(lang, "my_data.anonymous")),
        context(t(lang, "my_data.results")),
        context(t(lang, "my_data.file")),
    ]
    return t(lang, "my_data.text"), blocks
