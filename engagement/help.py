"""What help shows about the workspace's configuration."""

from __future__ import annotations

from storage.unit_of_work import UnitOfWork


def help_value_names(uow: UnitOfWork, lang: str) -> list[str]:
    """The active values as `#alias` hints in the reader's language."""
    names = []
    for value in uow.settings.values():
        name = value.name_es if lang == "es" else value.name_en
        names.append(f"{value.emoji} {name}")
    return names
