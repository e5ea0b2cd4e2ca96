"""Kudos from every surface through one path: look-ups, one transaction, then Slack.

`KudosService.give` first asks Slack whatever it must (user groups, a directory refresh when a
typed @name is unknown, the profiles of giver and receivers), then records the kudos in one
short transaction, then celebrates it in the channel, tells the giver (through the caller's
`on_recorded`) and the receivers through the `KudosNotifier` port. A slow Slack never holds the
database. A modal calls `check` first: the same rules from the database alone, so its answer
never waits on Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace

from engagement.clock import Clock
from engagement.directory import display_name, ensure_person, is_targetable, language_of
from engagement.errors import DirectoryUnavailable, DomainError
from engagement.home_board import MonthBoard
from engagement.kudos_checks import celebration_targets, check_from_cache
from engagement.kudos_model import (
    MESSAGE_MAX,
    Celebrated,
    CelebrationChannel,
    GivenKudos,
    HomePage,
    KudosForm,
    KudosHelp,
    KudosRequest,
    KudosText,
    Reaction,
    SourceKind,
    ValueInfo,
)
from engagement.kudos_parsing import addressees_of
from engagement.kudos_records import (
    Addressed,
    Celebration,
    Recorded,
    active_values,
    home_stats,
    record_kudos,
    undo_kudos,
    value_info,
    withdraw_reacted_kudos,
)
from engagement.kudos_rules import DAILY_LIMIT, check_message
from engagement.people import PeopleService
from engagement.ports import KudosNotifier, MessageLookup, Transactions
from storage.models.settings import DEFAULT_REACTIONS
from storage.unit_of_work import UnitOfWork

OnRecorded = Callable[[GivenKudos], None]
"""Runs once the kudos is recorded and its celebration was tried, before the receivers' DMs:
the giver hears first, and only where it was really celebrated."""

MAX_NAME_MATCHES_SHOWN = 10
# Custom emoji the default settings suggest; they exist only once someone uploads them.
SUGGESTED_CUSTOM_REACTIONS = frozenset({"aplauso"})

# The values are read through here by other services (admin, digest) too.
__all__ = ["KudosService", "OnRecorded", "active_values", "reaction_source_key", "value_info"]


logger = logging.getLogger(__name__)


def reaction_source_key(channel_id: str, message_ts: str, reactor_id: str) -> str:
    return f"reaction:{channel_id}:{message_ts}:{reactor_id}"


class KudosService:
    def __init__(
        self,
        store: Transactions,
        people: PeopleService,
        clock: Clock,
        notifier: KudosNotifier,
        messages: MessageLookup,
        *,
        kudos_channel: str | None = None,
    ) -> None:
        self._store, self._people, self._clock = store, people, clock
        self._notifier, self._messages = notifier, messages
        self._kudos_channel = kudos_channel
        self._board = MonthBoard()

    # ---- what the forms and help show ---------------------------------------------------

    def values(self) -> list[ValueInfo]:
        with self._store.reading() as uow:
            return active_values(uow)

    def value_names(self, lang: str) -> list[str]:
        """The active values as `emoji name` in the reader's language, for `/aplauso help`."""
        return [f"{value.emoji} {value.name(lang)}" for value in self.values()]

    def help(self) -> KudosHelp:
        """Only what works here: a custom emoji reaction is advertised once it exists."""
        with self._store.reading() as uow:
            settings = uow.settings.snapshot().settings
            values = tuple(active_values(uow))
            celebrated = self._celebrated(uow)
            reactions = tuple(settings.kudos_reactions)
        return KudosHelp(
            values=values,
            reactions=tuple(r for r in reactions if self._usable_reaction(r, reactions)),
            daily_limit=settings.kudos_daily_limit,
            celebrated=celebrated,
        )

    def form(self) -> KudosForm:
        """What the *Give kudos* modal offers here."""
        with self._store.reading() as uow:
            return KudosForm(tuple(active_values(uow)), self._celebrated(uow))

    def _celebrated(self, uow: UnitOfWork) -> Celebrated:
        if self._kudos_channel:
            return Celebrated.KUDOS_CHANNEL
        if celebration_targets(uow, None):
            return Celebrated.TEAM_CHANNEL
        return Celebrated.NOWHERE

    def _usable_reaction(self, emoji: str, configured: tuple[str, ...]) -> bool:
        """The default custom `:aplauso:` needs the emoji uploaded; a reaction an admin chose
        is trusted (it may be a standard emoji, which `emoji.list` never lists)."""
        if emoji not in SUGGESTED_CUSTOM_REACTIONS or list(configured) != DEFAULT_REACTIONS:
            return True
        return bool(self._notifier.has_custom_emoji(emoji))

    def home(self, user_id: str) -> HomePage:
        """The App Home of one person; their profile is fetched first if unseen or stale."""
        profiles = self._people.prefetch([user_id])
        now = self._clock()
        person = profiles.people.get(user_id)
        if person is None:  # unseen or stale: what Slack just said is written first
            with self._store.unit_of_work() as uow:
                try:
                    person = ensure_person(uow, user_id, profiles, now)
                except (DomainError, DirectoryUnavailable):
                    person = uow.people.get(user_id)
        with self._store.reading() as uow:  # the page's reads grow with the month's kudos
            lang = language_of(person, uow.settings.snapshot().settings.default_language)
            name = display_name(person) if person else ""
            stats = home_stats(uow, user_id, now, self._board)
            return HomePage(name=name, stats=stats, lang=lang)

    # ---- giving ----------------------------------------------------------------------

    def give(self, request: KudosRequest, on_recorded: OnRecorded | None = None) -> GivenKudos:
        """Records a kudos once per Slack source and tells everyone; raises `DomainError`."""
        if request.typed is None:
            check_message(request.message)  # before asking Slack anything
        try:
            addressed = self._addressed(request)
            profiles = self._people.prefetch([request.giver_id, *addressed.receiver_ids])
            now = self._clock()
            recorded = self._store.retrying(
                lambda uow: record_kudos(
                    uow, request, addressed, profiles, now, kudos_channel=self._kudos_channel
                )
            )
        except DirectoryUnavailable:  # Slack could not say who someone is, and no cache could
            raise DomainError("errors.slack_unavailable") from None
        given = self._celebrate(recorded)
        if on_recorded is not None:
            on_recorded(given)
        self._tell_receivers(recorded)
        return given

    def check(self, request: KudosRequest) -> None:
        """The modal's rules, from the people met so far and never from Slack, so a submission
        is answered at once (inline errors included); `give` then asks Slack about the rest."""
        with self._store.reading() as uow:
            check_from_cache(uow, request, self._clock())

    def celebration_channels(self) -> tuple[CelebrationChannel, ...]:
        """Where kudos are celebrated, and whether the bot was invited to each (asked after
        the read): the bot posts only where it is a member."""
        with self._store.unit_of_work() as uow:
            targets = celebration_targets(uow, self._kudos_channel)
        return tuple(
            CelebrationChannel(channel, team, self._notifier.is_member(channel))
            for channel, team in targets
        )

    def give_from_text(
        self,
        *,
        giver_id: str,
        text: KudosText,
        source_kind: SourceKind,
        source_key: str,
        channel_id: str | None = None,
        message_ts: str | None = None,
        on_recorded: OnRecorded | None = None,
    ) -> GivenKudos:
        """A typed kudos (`/kudos ...`, an @mention of the bot): receivers, value and words are
        read from the text; a mention's message is linked."""
        addressees = addressees_of(text)
        permalink = (
            self._messages.permalink(channel_id, message_ts) if channel_id and message_ts else None
        )
        request = KudosRequest(
            giver_id=giver_id,
            receiver_ids=addressees.user_ids,
            message="",
            source_kind=source_kind,
            source_key=source_key,
            channel_id=channel_id,
            message_ts=message_ts,
            permalink=permalink,
            names=addressees.names,
            usergroup_ids=addressees.usergroup_ids,
            typed=text,
        )
        return self.give(request, on_recorded)

    def give_for_reaction(
        self, reaction: Reaction, on_recorded: OnRecorded | None = None
    ) -> GivenKudos | None:
        """A kudos emoji on someone's message thanks its author, quoting it.

        None when the emoji is not a kudos one, the author cannot be told or is the reactor,
        or a rule refused it quietly; only the daily limit is worth telling (raised).
        """
        if not self._is_kudos_reaction(reaction.emoji):
            return None
        found = self._messages.find_message(reaction.channel_id, reaction.message_ts)
        author = reaction.author_id or (found.author_id if found else None)
        if not author:
            return None
        if author == reaction.reactor_id:  # no kudos, and no word; the admins' report shows it
            with self._store.unit_of_work() as uow:
                uow.kudos.record_self_reaction(
                    reaction.channel_id, reaction.message_ts, author, self._clock()
                )
            return None
        quoted = (found.text.strip() if found else "") or f":{reaction.emoji}:"
        request = KudosRequest(
            giver_id=reaction.reactor_id,
            receiver_ids=(author,),
            message=quoted[:MESSAGE_MAX],
            source_kind=SourceKind.REACTION,
            source_key=reaction_source_key(
                reaction.channel_id, reaction.message_ts, reaction.reactor_id
            ),
            channel_id=reaction.channel_id,
            message_ts=reaction.message_ts,
            permalink=self._messages.permalink(reaction.channel_id, reaction.message_ts),
        )
        try:
            return self.give(request, on_recorded)
        except DomainError as error:
            if error.key == DAILY_LIMIT:
                raise
            return None

    # ---- taking back -----------------------------------------------------------------

    def undo(self, kudos_id: int, user_id: str) -> GivenKudos:
        """The giver takes a kudos back within ten minutes; its celebration post and the
        receivers' DMs go too."""
        with self._store.unit_of_work() as uow:
            given, celebration = undo_kudos(uow, kudos_id, user_id, self._clock())
        self._remove(celebration)
        return given

    def withdraw_reaction(self, reaction: Reaction) -> bool:
        """Removing a kudos emoji the same day takes that kudos back; True when it did."""
        key = reaction_source_key(reaction.channel_id, reaction.message_ts, reaction.reactor_id)
        with self._store.unit_of_work() as uow:
            if reaction.emoji not in uow.settings.snapshot().settings.kudos_reactions:
                return False
            celebration = withdraw_reacted_kudos(uow, key, reaction.reactor_id, self._clock())
        if celebration is None:
            return False
        self._remove(celebration)
        return True

    # ---- steps -----------------------------------------------------------------------

    def _is_kudos_reaction(self, emoji: str) -> bool:
        with self._store.unit_of_work() as uow:
            return emoji in uow.settings.snapshot().settings.kudos_reactions

    def _addressed(self, request: KudosRequest) -> Addressed:
        """Slack and directory look-ups, all before the transaction that records."""
        named = [*request.receiver_ids, *self._resolve_names(request.names)]
        members: list[str] = []
        for usergroup_id in request.usergroup_ids:
            members += self._people.usergroup_members(usergroup_id)
        return Addressed(tuple(named), tuple(members), len(request.usergroup_ids))

    def _resolve_names(self, names: Sequence[str]) -> list[str]:
        """Plain `@name`s to people; an unknown name reloads the directory first (people join
        every week), at most once per ten minutes per process."""
        if not names:
            return []
        found = self._people_named(names)
        if any(not matches for matches in found.values()) and self._people.refresh_directory():
            found = self._people_named(names)
        resolved = []
        for name in names:
            matches = found[name]
            if not matches:
                raise DomainError("kudos.errors.unknown_name", field="receivers", name=name)
            if len(matches) > 1:
                raise DomainError(
                    "kudos.errors.ambiguous_name",
                    field="receivers",
                    name=name,
                    matches=tuple(matches[:MAX_NAME_MATCHES_SHOWN]),
                )
            resolved.append(matches[0][0])
        return resolved

    def _people_named(self, names: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """(user id, display name) of the people each name could mean."""
        with self._store.unit_of_work() as uow:
            return {
                name: [
                    (person.user_id, display_name(person))
                    for person in uow.people.find_by_name(name)
                    if is_targetable(person)
                ]
                for name in names
            }

    def _celebrate(self, recorded: Recorded) -> GivenKudos:
        """Posts the celebration before the giver hears, so they are told what really happened:
        a channel that refused (the bot was never invited there) is named, not claimed."""
        given = recorded.given
        channel = given.celebration_channel
        if given.duplicate or not (given.celebrate and channel):
            return given
        try:
            ts = self._notifier.celebrate(given, channel, recorded.workspace_language)
            if ts:
                with self._store.unit_of_work() as uow:
                    uow.kudos.record_celebration(given.kudos_id, channel, ts)
        except Exception:  # the kudos is saved: an outage now must not tell the giver it is not
            logger.warning("kudos %s recorded, its celebration failed", given.kudos_id)
            ts = None
        if not ts:
            return replace(given, celebration_channel=None, celebration_refused=channel)
        return given

    def _tell_receivers(self, recorded: Recorded) -> None:
        """After the giver: a failed DM is skipped and never undoes the kudos."""
        given = recorded.given
        if given.duplicate:
            return
        for receiver_id in given.receiver_ids:
            if receiver_id in recorded.quiet_receivers:
                continue  # the daily summary (or nothing) tells them
            try:
                self._notifier.tell_receiver(
                    given, receiver_id, recorded.receiver_languages[receiver_id]
                )
            except Exception:  # saved already; the receiver sees it in App Home
                logger.warning("kudos %s recorded, a receiver's DM failed", given.kudos_id)

    def _remove(self, told: Celebration) -> None:
        """Everything that told of a taken-back kudos goes: the post and each receiver's DM.
        Only the call that withdrew it gets here, so a double click removes things once."""
        if told.channel_id and told.ts:
            self._notifier.remove_celebration(told.channel_id, told.ts)
        if told.kudos_id is not None:
            for receiver_id in told.receiver_ids:
                self._notifier.remove_receiver_dm(told.kudos_id, receiver_id)
