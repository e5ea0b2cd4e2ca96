"""Sending a claimed message once: a resend asks Slack what already went out before posting.

Pulse DMs and digests share this. A resend is a retry or a claim whose run died; Slack may
have taken the message just before the failure, so posting blindly could send it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from engagement.reports import DeliveryFailedError, Outcome, Tally, next_attempt
from storage.models.pulse import Attempt, ClaimStatus

logger = logging.getLogger(__name__)

T = TypeVar("T")
Sent_co = TypeVar("Sent_co", covariant=True)


@dataclass(frozen=True)
class Sending(Generic[Sent_co]):
    """One claimed message: how to find it in Slack, how to post it, and what it is."""

    already_sent: Callable[[], Sent_co | None]
    send: Callable[[], Sent_co]
    what: str  # for the log: "pulse", "digest"


def send_claimed(
    sending: Sending[T], now: datetime, tally: Tally, *, resend: bool, attempts: int
) -> tuple[Attempt, T | None]:
    """What Slack holds already (resends only), else what is posted now, counted as sent; a
    failure is due again later when it may pass, and failed for good when no retry helps."""
    try:
        found = sending.already_sent() if resend else None
        if found is not None:
            return Attempt(ClaimStatus.SENT), found
        sent = sending.send()
    except DeliveryFailedError as error:
        logger.warning("%s not delivered: %s", sending.what, error.label())
        tally.fail(error)
        if error.retryable:
            return Attempt(ClaimStatus.RETRY, error.reason, next_attempt(now, attempts + 1)), None
        return Attempt(ClaimStatus.FAILED, error.reason), None
    tally.count(Outcome.SENT)
    return Attempt(ClaimStatus.SENT), sent
