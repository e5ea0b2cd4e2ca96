"""What the privacy service hands to views: the placeholder of people gone, and an erasure."""

from __future__ import annotations

from dataclasses import dataclass

FORMER_COLLEAGUE = "UFORMER"
"""The giver of kudos whose giver erased their data (and how views are told someone left): a
directory row with no name, marked deleted; never a real Slack id (those are longer)."""


@dataclass(frozen=True)
class Erasure:
    """What one confirmed erasure changed; nothing at all means it had been done already."""

    kudos_given: int
    kudos_received: int
    already_done: bool
