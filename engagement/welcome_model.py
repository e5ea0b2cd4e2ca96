"""Plain data a welcome DM is written from; no Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

MEMBER, MANAGER = "member", "manager"


@dataclass(frozen=True)
class WelcomeNote:
    """What a welcome DM says: to whom, as what, in which language, and the anonymity floor."""

    user_id: str
    role: str
    lang: str
    anonymity_k: int
