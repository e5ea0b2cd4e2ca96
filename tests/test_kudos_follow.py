"""Kudos follow their Slack message: an edited message is read again, a deleted one takes its
kudos back (the post says so, the DMs go), and plain channel chatter costs nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from engagement.clock import ManualClock
from tests.support.app_harness import RunningApp, running_app

EMMA, ANA, LUIS = "U04EMMA", "U02ANA", "U03LUIS"
KUDOS_CHANNEL = "C0KUDOS"


@pytest.fixture
def app(database_url: str, clock: ManualClock) -> Iterator[RunningApp]:
    with running_app(database_url, clock, kudos_channel=KUDOS_CHANNEL) as running:
        yield running


def stored(app: RunningApp) -> list[tuple[str, str | None, bool, str | None]]:
    """(words, value, still live, source message ts) of every kudos, oldest first."""
    app.settle()
    sql = "SELECT message, value_key, withdrawn_at IS NULL, message_ts FROM kudos ORDER BY id"
    with app.database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def celebration_updates(app: RunningApp) -> list[str]:
    app.settle()
    return [
        json.dumps(call.params, ensure_ascii=False)
        for call in app.fake.calls_to("chat.update")
        if call.ok and call.params.get("channel") == KUDOS_CHANNEL
    ]


def bot_dms(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def mention_kudos(app: RunningApp, words: str) -> str:
    bot = app.fake.bot_user_id
    app.slack.app_mention(EMMA, f"<@{bot}> <@{ANA}> {words}", KUDOS_CHANNEL)
    [(_, _, live, ts)] = stored(app)
    assert live
    assert ts is not None
    return ts


def test_an_edited_mention_is_read_again_and_its_post_shows_the_new_words(
    app: RunningApp,
) -> None:
    ts = mention_kudos(app, "thanks for the fix #helpful")
    bot = app.fake.bot_user_id
    app.slack.message_changed(
        KUDOS_CHANNEL, ts, f"<@{bot}> <@{ANA}> thanks for the quick fix #timely"
    )
    assert stored(app) == [("thanks for the quick fix", "timely", True, ts)]
    [update] = celebration_updates(app)
    assert "thanks for the quick fix" in update


def test_an_edit_that_changes_nothing_the_kudos_says_updates_nothing(app: RunningApp) -> None:
    ts = mention_kudos(app, "thanks for the fix")
    bot = app.fake.bot_user_id
    app.slack.message_changed(KUDOS_CHANNEL, ts, f"<@{bot}>  <@{ANA}>  thanks for the fix")
    assert celebration_updates(app) == []


def test_a_deleted_mention_takes_its_kudos_back_with_a_note_and_its_dm_goes(
    app: RunningApp,
) -> None:
    ts = mention_kudos(app, "thanks for the fix")
    assert len(bot_dms(app, ANA)) == 1
    app.slack.message_deleted(KUDOS_CHANNEL, ts)
    assert stored(app) == [("thanks for the fix", None, False, ts)]
    [note] = celebration_updates(app)
    assert "the message it came from was deleted" in note
    assert bot_dms(app, ANA) == []


def test_slack_telling_twice_of_a_deletion_takes_back_once(app: RunningApp) -> None:
    ts = mention_kudos(app, "thanks for the fix")
    app.slack.message_deleted(KUDOS_CHANNEL, ts)
    app.slack.event(  # a second delivery of the same news, under a new event id
        {"type": "message", "subtype": "message_deleted", "channel": KUDOS_CHANNEL,
         "channel_type": "channel", "ts": "1.000200", "deleted_ts": ts}
    )  # fmt: skip
    assert len(celebration_updates(app)) == 1


def test_a_reaction_kudos_quotes_the_edited_message_and_goes_with_the_deleted_one(
    app: RunningApp,
) -> None:
    ts = app.fake.add_message(KUDOS_CHANNEL, ANA, "VPN is back for everyone")
    app.slack.reaction_added(EMMA, "clap", KUDOS_CHANNEL, ts, ANA)
    assert stored(app) == [("VPN is back for everyone", None, True, ts)]
    app.slack.message_changed(KUDOS_CHANNEL, ts, "VPN is back for everyone, Madrid too")
    assert stored(app) == [("VPN is back for everyone, Madrid too", None, True, ts)]
    app.slack.message_deleted(KUDOS_CHANNEL, ts)
    assert not stored(app)[0][2]  # taken back


def test_a_kudos_typed_with_slash_kudos_keeps_its_words_whatever_happens_nearby(
    app: RunningApp,
) -> None:
    ts = app.fake.add_message(KUDOS_CHANNEL, LUIS, "release notes are out")
    app.slack.slash_command("/kudos", f"<@{LUIS}> thanks for the notes", user_id=EMMA)
    app.slack.message_changed(KUDOS_CHANNEL, ts, "release notes are out (v2)")
    app.slack.message_deleted(KUDOS_CHANNEL, ts)
    assert stored(app) == [("thanks for the notes", None, True, None)]


def test_plain_channel_messages_are_answered_at_once_and_write_nothing(app: RunningApp) -> None:
    ts = app.fake.add_message(KUDOS_CHANNEL, LUIS, "lunch?")
    answer = app.slack.event(
        {"type": "message", "channel": KUDOS_CHANNEL, "channel_type": "channel",
         "user": LUIS, "text": "lunch?", "ts": ts}
    )  # fmt: skip
    assert answer.status == 200
    with app.database.engine.connect() as connection:
        claimed = connection.execute(text("SELECT count(*) FROM processed_events")).scalar_one()
    assert claimed == 0
