"""User-facing text in English and Spanish.

Catalogs are TOML files shipped in the package: readable and editable by translators without
tooling, parsed by the standard library (tomllib), and nested so that keys group by feature.
gettext would add a compile step and .po tooling for two languages that are always shipped
together; a test checks that both catalogs have every key with the same placeholders.

A text that depends on a number is a table of CLDR plural forms (`one`, `other`, and `many`
where a language has it) and is asked for with `count=`: Babel's copy of the CLDR rules picks
the form, so no view writes its own `if count == 1`, and a language with other rules needs
only its catalog.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.lists import format_list

from engagement.language import SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)


def _flatten(prefix: str, node: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in node.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalog(lang: str) -> dict[str, str]:
    raw = resources.files(__package__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    flat: dict[str, str] = {}
    _flatten("", tomllib.loads(raw), flat)
    return flat


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
"""CLDR's plural categories: the only sub-keys a plural table may have; `other` is required."""


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_form(lang: str, count: int) -> str:
    """The CLDR plural category of `count` in `lang`: `one` for 1, `other` for 0 and 2, …"""
    return str(_locale(lang).plural_form(abs(count)))


def join_list(lang: str, items: Sequence[str], *, style: str = "standard") -> str:
    """`A, B, and C` / `A, B y C` (style "or": `A, B, or C` / `A, B o C`): a list as a
    sentence, by CLDR's list patterns."""
    locale = lang if lang in SUPPORTED_LANGUAGES else "en"
    return str(format_list(list(items), style=style, locale=locale))  # type: ignore[arg-type]


def _lookup(lang: str, key: str, count: object) -> str | None:
    """`key` itself, or, for a plural table, the form `count` needs (else its `other`)."""
    texts = catalog(lang)
    if key in texts:
        return texts[key]
    if isinstance(count, int) and not isinstance(count, bool):
        form = texts.get(f"{key}.{plural_form(lang, count)}")
        return form if form is not None else texts.get(f"{key}.other")
    return None


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang`, falling back to English so a user never sees a raw key.

    A plural table is answered in the form `params["count"]` needs in that language."""
    language = lang if lang in SUPPORTED_LANGUAGES else "en"
    count = params.get("count")
    template = _lookup(language, key, count) or _lookup("en", key, count)
    if template is None:
        logger.error("missing catalog key %s", key)
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        logger.error("catalog key %s got the wrong parameters", key)
        return template
