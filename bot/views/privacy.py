"""`/aplauso delete my data`: the confirmation, its outcome, and how others see someone gone."""

from __future__ import annotations

from bot.i18n import t
from bot.views.blocks import Block, actions, button, context, header, mention, plain, section
from engagement.privacy_model import FORMER_COLLEAGUE, Erasure

DELETE_ACTION = "privacy_delete_confirmed"
"""The button that erases; the confirmation message is the only place it appears."""


def person_ref(user_id: str, lang: str) -> str:
    """A mention, or "a former colleague" for someone deactivated or who erased their data."""
    return t(lang, "privacy.former") if user_id == FORMER_COLLEAGUE else mention(user_id)


def my_data_file_title(lang: str) -> str:
    return t(lang, "privacy.file_title")


def delete_confirmation(lang: str) -> tuple[str, list[Block]]:
    """What goes, what stays, and one red button behind Slack's own "are you sure?". The
    button keeps the language: once the profile's copy is gone, the answer still reads right."""
    erase = button(t(lang, "privacy.delete.button"), DELETE_ACTION, value=lang, style="danger")
    erase["confirm"] = {
        "title": plain(t(lang, "privacy.delete.confirm_title"), 100),
        "text": plain(t(lang, "privacy.delete.confirm_text"), 300),
        "confirm": plain(t(lang, "privacy.delete.confirm_yes"), 30),
        "deny": plain(t(lang, "privacy.delete.confirm_no"), 30),
        "style": "danger",
    }
    blocks = [
        header(t(lang, "privacy.delete.title")),
        section(t(lang, "privacy.delete.goes")),
        section(t(lang, "privacy.delete.stays")),
        actions(erase),
        context(t(lang, "privacy.delete.nothing_yet")),
    ]
    return t(lang, "privacy.delete.text"), blocks


def erasure_done(erasure: Erasure, lang: str) -> tuple[str, list[Block]]:
    """Says what happened, or that a second click found it already done."""
    if erasure.already_done:
        text = t(lang, "privacy.delete.already_done")
    else:
        text = t(
            lang,
            "privacy.delete.done",
            given=erasure.kudos_given,
            received=erasure.kudos_received,
        )
    return text, [section(text)]
