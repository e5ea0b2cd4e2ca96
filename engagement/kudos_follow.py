"""Kudos follow the Slack message they came from: an @mention of the app, or a message thanked
with a reaction.

An edited message is read again: a mention's words and value, a reaction's quote; the kudos
keeps the people it thanked (they were told, and the daily allowance was spent on them), and
its celebration post shows the new words. A deleted message takes its kudos back with it: the
post says so in place, and the receivers' DMs go, as an Undo would do. Kudos typed elsewhere
(`/kudos`, the modal, a message shortcut) are the giver's own words and stay as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from engagement.clock import Clock
from engagement.kudos_model import MESSAGE_MAX, GivenKudos, KudosText, SourceKind
from engagement.kudos_parsing import typed_words
from engagement.kudos_records import active_values, given_from_row
from engagement.ports import KudosNotifier, Transactions

FOLLOWED = (SourceKind.MENTION.value, SourceKind.REACTION.value)


@dataclass(frozen=True)
class Changed:
    """A kudos to show again, where it was celebrated."""

    given: GivenKudos
    channel_id: str | None
    ts: str | None


class KudosFollowService:
    def __init__(self, store: Transactions, notifier: KudosNotifier, clock: Clock) -> None:
        self._store = store
        self._notifier = notifier
        self._clock = clock

    def message_edited(self, channel_id: str, message_ts: str, text: KudosText) -> int:
        """Re-reads the kudos an edited message stands behind; returns how many changed."""
        changed: list[Changed] = []
        with self._store.unit_of_work() as uow:
            values = active_values(uow)
            lang = uow.settings.snapshot().settings.default_language
            for kudos in uow.kudos.live_from_message(channel_id, message_ts, FOLLOWED):
                assert kudos.id is not None
                if kudos.source_kind == SourceKind.MENTION:
                    words, value, _ = typed_words(text, values)
                    value_key = value.key if value else kudos.value_key
                else:
                    words = text.text.strip()[:MESSAGE_MAX] or kudos.message
                    value_key = kudos.value_key
                if (words, value_key) == (kudos.message, kudos.value_key):
                    continue
                uow.kudos.reword(kudos, words, value_key)
                given = given_from_row(uow, kudos, 0, duplicate=False)
                changed.append(Changed(given, kudos.celebration_channel, kudos.celebration_ts))
        for change in changed:
            if change.channel_id and change.ts:
                self._notifier.update_celebration(change.given, change.channel_id, change.ts, lang)
        return len(changed)

    def message_deleted(self, channel_id: str, message_ts: str) -> int:
        """Takes back the kudos a deleted message stood behind; returns how many."""
        withdrawn: list[tuple[int, tuple[str, ...], str | None, str | None]] = []
        now = self._clock()
        with self._store.unit_of_work() as uow:
            lang = uow.settings.snapshot().settings.default_language
            for kudos in uow.kudos.live_from_message(channel_id, message_ts, FOLLOWED):
                assert kudos.id is not None
                if uow.kudos.withdraw(kudos, now):  # once, however many times Slack tells us
                    receivers = tuple(uow.kudos.receiver_ids(kudos.id))
                    withdrawn.append(
                        (kudos.id, receivers, kudos.celebration_channel, kudos.celebration_ts)
                    )
        for kudos_id, receivers, channel, ts in withdrawn:
            if channel and ts:
                self._notifier.mark_celebration_withdrawn(channel, ts, lang)
            for receiver_id in receivers:
                self._notifier.remove_receiver_dm(kudos_id, receiver_id)
        return len(withdrawn)
