"""The small protocols the services reach the outside world through.

Services own their rules and transactions; storage and Slack are behind these ports so a
service can be read (and tested) without knowing how either works. The Slack-side adapters live
in `bot/adapters/`; `bot/wiring.py` plugs them in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from engagement.digest_model import DigestLetter
from engagement.directory import Profile
from engagement.feedback_model import Destination, FeedbackNote, Posted
from engagement.kudos_model import GivenKudos, QuotedMessage
from engagement.leaderboards_model import SeasonSummary
from engagement.pulse_model import PulseInvite, SentPulse
from engagement.teams_model import ManagerLeft
from storage.unit_of_work import UnitOfWork

T = TypeVar("T")


class Transactions(Protocol):
    """Opens one short transaction; never call a Slack port while one is open."""

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]: ...

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A transaction that only reads, so it never waits for or holds up a writer."""
        ...

    def retrying(self, work: Callable[[UnitOfWork], T]) -> T:
        """`work` in one transaction, run again if the database aborted it for a conflict."""
        ...


class PeopleSource(Protocol):
    """Slack's directory of people and user groups, as plain profiles.

    Every method may raise `DirectoryUnavailable` when Slack cannot answer right now.
    """

    def fetch_profile(self, user_id: str) -> Profile | None:
        """None when Slack says there is no such person."""

    def all_profiles(self) -> Iterable[Profile]: ...

    def usergroup_member_ids(self, usergroup_id: str) -> list[str] | None:
        """None when Slack has no such user group."""


class PulseMessenger(Protocol):
    """DMs the weekly pulse; raises `DeliveryFailedError` when Slack refuses the DM."""

    def send_pulse(self, invite: PulseInvite) -> SentPulse: ...

    def already_sent(self, invite: PulseInvite) -> SentPulse | None:
        """The pulse Slack already shows in the person's DM for that week, if any."""

    def send_reminder(self, invite: PulseInvite) -> SentPulse: ...


class AdminNotifier(Protocol):
    """DMs a workspace admin about teams that need them."""

    def tell_manager_left(self, admin_id: str, lang: str, teams: Sequence[ManagerLeft]) -> bool:
        """One line per team left without a manager; False when Slack did not take the DM."""


class SeasonAnnouncer(Protocol):
    """Posts a season's closing summary to a channel, or DMs it to a person."""

    def post_summary(self, channel_id: str, summary: SeasonSummary, lang: str) -> bool | None:
        """True when posted; False when the bot is not a member there; None on another refusal."""

    def send_summary(self, user_id: str, summary: SeasonSummary, lang: str) -> bool:
        """False when Slack did not take the DM."""


class FeedbackDeliveryFailed(Exception):
    """Slack would not take a feedback post (a deactivated person, a closed DM, an outage)."""


class FeedbackCourier(Protocol):
    """Posts one feedback note, rendered in `to.lang`, in a person's DM or a thread there."""

    def post(self, to: Destination, note: FeedbackNote) -> Posted:
        """Where it landed; raises `FeedbackDeliveryFailed` when Slack refuses."""


class KudosNotifier(Protocol):
    """Tells people about a recorded kudos; a failed post is logged by the adapter, not raised."""

    def tell_receiver(self, kudos: GivenKudos, receiver_id: str, lang: str) -> None: ...

    def celebrate(self, kudos: GivenKudos, channel_id: str, lang: str) -> str | None:
        """Posts the celebration; the post's ts, or None when Slack refused it."""

    def remove_celebration(self, channel_id: str, ts: str) -> None: ...

    def remove_receiver_dm(self, kudos_id: int, receiver_id: str) -> None:
        """Deletes the DM that told `receiver_id` of this kudos (it was taken back)."""

    def is_member(self, channel_id: str) -> bool | None:
        """Whether the bot is in the channel (it posts only where invited); None: unknown."""

    def has_custom_emoji(self, name: str) -> bool | None:
        """Whether the workspace has this custom emoji; None when Slack could not say."""

    def update_celebration(self, kudos: GivenKudos, channel_id: str, ts: str, lang: str) -> None:
        """Shows the celebration post again with the kudos' current words."""

    def mark_celebration_withdrawn(self, channel_id: str, ts: str, lang: str) -> None:
        """Replaces the celebration post with a note that its message was deleted."""


class MessageLookup(Protocol):
    """Reads a Slack message someone reacted to or mentioned the bot in; None when unreadable."""

    def find_message(self, channel_id: str, ts: str) -> QuotedMessage | None: ...

    def permalink(self, channel_id: str, ts: str) -> str | None: ...


class DigestMessenger(Protocol):
    """Posts managers' digests; raises `DeliveryFailedError` when Slack refuses the DM."""

    def send_digest(self, letter: DigestLetter) -> str:
        """Posts the digest (and its chart) in the manager's DM; returns the message ts."""

    def already_sent(self, letter: DigestLetter) -> str | None:
        """The ts of this team-week's digest if Slack already shows it in the manager's DM."""
