"""The rules a kudos must pass, as pure functions: no database, no Slack, table-testable.

The service gathers the facts (who the receivers turned out to be, how much of today's limit
is left) inside its transaction and asks these rules; a refusal is a `DomainError` whose
`field` names the form input it is about, so the modal can show it in place.
"""

from __future__ import annotations

from collections.abc import Sequence

from engagement.errors import DomainError
from engagement.kudos_model import MESSAGE_MAX, SkippedReceiver
from engagement.text_rules import trimmed_text

MAX_RECEIVERS = 25
DAILY_LIMIT = "kudos.errors.daily_limit"
MESSAGE_EMPTY = "kudos.errors.message_empty"
MESSAGE_TOO_LONG = "kudos.errors.message_too_long"


def check_message(message: str) -> str:
    """The message as it will be kept (trimmed), or why it cannot be."""
    return trimmed_text(
        message, MESSAGE_MAX, field="message", empty=MESSAGE_EMPTY, too_long=MESSAGE_TOO_LONG
    )


def skip_reason(
    user_id: str, giver_id: str, *, known: bool, is_bot: bool, deleted: bool
) -> str | None:
    """Why someone named cannot receive this kudos, or None when they can."""
    if user_id == giver_id:
        return "self"
    if not known:
        return "unknown"
    if deleted:
        return "deactivated"
    if is_bot:
        return "bot"
    return None


def _refusal_without_receivers(skipped: Sequence[SkippedReceiver]) -> DomainError:
    if not skipped:
        return DomainError("kudos.errors.no_receivers", field="receivers")
    if all(s.reason == "self" for s in skipped):
        return DomainError("kudos.errors.only_self", field="receivers")
    first = next(s for s in skipped if s.reason != "self")
    return DomainError("kudos.errors.not_a_person", field="receivers", user=first.user_id)


def check_kudos(
    *,
    message: str,
    receiver_ids: Sequence[str],
    skipped: Sequence[SkippedReceiver],
    units: int,
    remaining: int,
    daily_limit: int,
    zone: str,
) -> str:
    """The trimmed message when the kudos may be given; else the first rule it breaks.

    `receiver_ids` are the people who can receive it (the giver, bots, deactivated and unknown
    people are in `skipped`); `units` is how much of the daily limit it uses, `remaining` how
    much the giver has left today in their own time zone `zone`.
    """
    text = check_message(message)
    if not receiver_ids:
        raise _refusal_without_receivers(skipped)
    if len(receiver_ids) > MAX_RECEIVERS:
        raise DomainError("kudos.errors.too_many_receivers", field="receivers", max=MAX_RECEIVERS)
    if units > remaining:
        raise DomainError(
            DAILY_LIMIT, limit=daily_limit, remaining=remaining, reset=f"00:00 ({zone})"
        )
    return text


def limit_units(named: Sequence[str], usergroups: int, receivers: int) -> int:
    """How much of the daily limit a kudos uses: one per person named, one per whole user
    group (so thanking a team of eight fits a limit of five), never more than the receivers."""
    return max(1, min(len(dict.fromkeys(named)) + usergroups, receivers))
