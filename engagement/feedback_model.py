"""Plain data that feedback rules produce and views render; no Slack, no SQL.

The notes at the end are what the service hands the courier port: what to post, never how it
looks, so the service stays free of Block Kit and the views stay free of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Storage's enum, re-exported: views name a conversation's status from here.
from engagement.teams_model import TeamRef
from storage.models.feedback import ThreadStatus as ThreadStatus  # noqa: PLC0414

TEXT_MAX = 3000


class FeedbackKind(StrEnum):
    IDEA = "idea"
    CONCERN = "concern"
    PRAISE = "praise"
    QUESTION = "question"
    SERVICE = "service"  # about the service this team gives us


class Author(StrEnum):
    WRITER = "writer"
    MANAGER = "manager"


@dataclass(frozen=True)
class FeedbackThreadView:
    """What a card or a list line shows. `writer_id` is set only for signed feedback."""

    thread_id: str
    team_name: str
    kind: FeedbackKind
    status: ThreadStatus
    first_text: str
    anonymous: bool
    writer_id: str | None
    manager_id: str
    flagged: bool = False


@dataclass(frozen=True)
class FeedbackMessageView:
    thread_id: str
    team_name: str
    author: Author
    text: str
    anonymous: bool
    writer_id: str | None


# ---- what the service is asked and answers ------------------------------------------------


@dataclass(frozen=True)
class FeedbackRequest:
    """What the *Send feedback* form submitted, checked by the service before it is stored."""

    writer_id: str
    team_id: int
    kind: FeedbackKind
    text: str
    anonymous: bool
    delay: bool
    """No longer a choice: every feedback now waits for the next delivery slot."""
    source_key: str
    """Names the submission (the modal's view id), so a double submit is one feedback."""


@dataclass(frozen=True)
class FeedbackForm:
    """What the *Send feedback* form offers this person.

    Only the teams they may write to, and the one it opens on (their own, when they have one)."""

    teams: tuple[TeamRef, ...]
    default_team_id: int | None
    small_team_warning: bool
    k: int


@dataclass(frozen=True)
class Submitted:
    """A feedback as stored: `duplicate` when a double submit found it already there."""

    thread: FeedbackThreadView
    duplicate: bool
    delayed: bool
    routed_to_admins: bool


@dataclass(frozen=True)
class FeedbackLine:
    """One message of a conversation as its writer reads it back, in the conversation modal;
    `waiting` while it waits for the next delivery slot."""

    author: Author
    text: str
    waiting: bool = False


@dataclass(frozen=True)
class ReplyDraft:
    """The reply form for one side of a conversation: `to_manager` when the writer answers.

    `thread_id` is what the form carries back: for the writer, a fresh handle. The writer's
    form shows the whole conversation (`history`), which is nowhere in their DM."""

    thread_id: str
    to_manager: bool
    quoted: str
    anonymous: bool
    history: tuple[FeedbackLine, ...] = ()
    status: ThreadStatus = ThreadStatus.OPEN


@dataclass(frozen=True)
class Reply:
    """A reply as stored.

    `reopened` when it brought a resolved conversation back; `duplicate` for a retried submit."""

    message: FeedbackMessageView
    thread: FeedbackThreadView
    duplicate: bool
    reopened: bool


@dataclass(frozen=True)
class Conversations:
    """`/feedback list`: the threads someone started and the ones they receive."""

    as_writer: tuple[FeedbackThreadView, ...]
    as_manager: tuple[FeedbackThreadView, ...]


@dataclass(frozen=True)
class DeliveryReport:
    """One run of the delayed-delivery job."""

    sent: int
    failed: int
    forgotten: int


# ---- what the courier port posts ----------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """A person's DM (`channel` is their user id or the DM's id), or a thread in it."""

    channel: str
    lang: str
    thread_ts: str | None = None

    def in_thread(self, posted: Posted | None) -> Destination:
        """The thread a post started; the same place when nothing was posted."""
        if posted is None:
            return self
        return Destination(posted.channel or self.channel, self.lang, posted.ts or None)


@dataclass(frozen=True)
class Posted:
    """Where Slack put a message.

    The place a later reply threads under, and what an edit or a deletion names."""

    channel: str
    ts: str


@dataclass(frozen=True)
class ManagerCard:
    """The card a feedback's recipient gets, with its buttons to reply or resolve."""

    thread: FeedbackThreadView


@dataclass(frozen=True)
class WriterReceipt:
    """What the writer's DM keeps of a feedback: not its words, team or kind (a Slack export
    holds the DM), only a handle that opens the conversation in a modal."""

    handle: str
    anonymous: bool
    routed_to_admins: bool = False


@dataclass(frozen=True)
class ThreadMessage:
    """A message in the recipient's thread: the writer's words, or the recipient's own copy."""

    message: FeedbackMessageView


@dataclass(frozen=True)
class WriterNews:
    """Something happened in one of the writer's conversations (a reply, a status); sent at
    a delivery slot, saying nothing of which conversation or what."""

    handle: str


@dataclass(frozen=True)
class DeliveryFailedNotice:
    """Slack refused a post to the recipient: the writer's words wait in the conversation
    modal, to copy, rather than in their DM."""

    handle: str


FeedbackNote = ManagerCard | WriterReceipt | ThreadMessage | WriterNews | DeliveryFailedNotice
"""What the service asks the courier to post."""
