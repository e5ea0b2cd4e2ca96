"""Plain data that the pulse service produces and the pulse views render; no Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engagement.errors import DomainError
from engagement.pulse_bank import BankQuestion

QuestionInfo = BankQuestion
"""What a person is asked: bank questions and the monthly service ratings alike."""

COMMENT_MAX = 500
ANSWER_MIX = 10
"""Each new answer or rating is stored among this many earlier ones, rewritten in random order."""


@dataclass(frozen=True)
class PulseInvite:
    """Everything a pulse DM needs.

    Who, in which language, which week, what to ask, and what they have answered already."""

    user_id: str
    lang: str
    week_start: date
    questions: tuple[QuestionInfo, ...]
    answered_keys: tuple[str, ...] = ()
    anonymity_k: int = 5


@dataclass(frozen=True)
class SentPulse:
    channel_id: str  # the DM's own id (D...), which chat.update needs to redraw it
    message_ts: str


@dataclass(frozen=True)
class Participation:
    team_name: str
    invited: int
    answered: int


class WeekClosed(DomainError):
    """A click after the week closed: the DM is replaced by a note that it has."""

    def __init__(self) -> None:
        super().__init__("pulse.errors.closed")


@dataclass(frozen=True)
class AnswerOutcome:
    """`recorded` is False for a second click on the same question: nothing was stored."""

    recorded: bool
    invite: PulseInvite
