"""User-facing text in English and Spanish.

Catalogs are TOML files shipped in the package: readable and editable by translators without
tooling, parsed by the standard library (tomllib), and nested so that keys group by feature.
gettext would add a compile step and .po tooling for two languages that are always shipped
together; a test checks that both catalogs have every key with the same placeholders.
"""

from __future__ import annotations

import logging
import string
import tomllib
from functools import cache
from importlib import resources
from typing import Any

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


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang`, falling back to English so a user never sees a raw key."""
    language = lang if lang in SUPPORTED_LANGUAGES else "en"
    template = catalog(language).get(key) or catalog("en").get(key)
    if template is None:
        logger.error("missing catalog key %s", key)
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        logger.error("catalog key %s got the wrong parameters", key)
        return template
