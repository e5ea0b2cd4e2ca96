"""The App Home tab."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import t
from bot.views.blocks import Block, context, divider, fit_view, header, section


@dataclass(frozen=True)
class ValueLine:
    emoji: str
    name: str


@dataclass(frozen=True)
class HomeData:
    name: str
    values: list[ValueLine]


def home_view(data: HomeData, lang: str) -> dict[str, Any]:
    blocks: list[Block] = [
        header(t(lang, "home.title", name=data.name)),
        section(t(lang, "home.intro")),
        divider(),
        section(f"*{t(lang, 'home.values_title')}*"),
        context(*[f"{value.emoji} {value.name}" for value in data.values][:10]),
        divider(),
        context(t(lang, "home.getting_started")),
    ]
    return {"type": "home", "blocks": fit_view(blocks)}
