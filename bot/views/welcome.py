"""The welcome DMs: what Aplauso does, what stays anonymous, and how to opt out."""

from __future__ import annotations

from bot.i18n import t
from bot.views.blocks import Block, context, section, slack_message
from engagement.welcome_model import MANAGER, WelcomeNote

WELCOME_MARKER = "aplauso_welcome_"


def welcome_marker(role: str) -> str:
    """The block id a resend looks for in the person's DM (no metadata: digests own that)."""
    return f"{WELCOME_MARKER}{role}"


def welcome_message(note: WelcomeNote) -> tuple[str, list[Block]]:
    """Short: a title, what it is, what is anonymous; a manager's is about their digest."""
    prefix = "welcome.manager" if note.role == MANAGER else "welcome.member"
    title, what, privacy, opt_out = (
        t(note.lang, f"{prefix}.{part}", k=note.anonymity_k)
        for part in ("title", "what", "privacy", "opt_out")
    )
    blocks = [
        section(f"*{title}*\n{what}", block_id=welcome_marker(note.role)),
        section(privacy),
        context(opt_out),
    ]
    return slack_message(f"{title}. {what}", blocks)
