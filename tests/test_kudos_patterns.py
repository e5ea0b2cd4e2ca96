"""Anti-gaming signals in `/aplauso report`: pairs who mostly thank each other, sprees at the
daily limit and kudos emoji on one's own messages are shown to admins, named, in their language;
nothing is refused because of the first two, and a reaction to oneself never was a kudos."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from engagement.kudos_patterns import (
    KudosPatterns,
    LimitBurst,
    ReciprocalPair,
    kudos_patterns,
    limit_bursts,
    reciprocal_pairs,
)
from storage.repositories.kudos import GivenEdge
from tests.support.app_harness import RunningApp
from tests.support.pulse_app import rows
from tests.test_delete_my_data import aplauso, confirm, file_in_dm

CARMEN, ANA, LUIS, EMMA, NOAH = "U01CARMEN", "U02ANA", "U03LUIS", "U04EMMA", "U10NOAH"
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def edges(*given: tuple[str, str, int]) -> list[GivenEdge]:
    """(giver, receiver, minutes after noon), each its own kudos of one unit."""
    return [
        GivenEdge(n, giver, receiver, NOON + timedelta(minutes=minutes), 1)
        for n, (giver, receiver, minutes) in enumerate(given)
    ]


def test_a_pair_who_mostly_thank_each_other_is_found_once() -> None:
    given = edges(*[(ANA, LUIS, i) for i in range(3)], *[(LUIS, ANA, i) for i in range(4)])
    assert reciprocal_pairs(given) == [ReciprocalPair(ANA, LUIS, 3, 4)]


def test_thanks_that_go_both_ways_among_many_others_are_no_pattern() -> None:
    many = [(ANA, f"U9{i:03d}", i) for i in range(10)]
    given = edges(*[(ANA, LUIS, i) for i in range(3)], *[(LUIS, ANA, i) for i in range(3)], *many)
    assert reciprocal_pairs(given) == []  # 6 of 16 kudos: Ana thanks lots of people


def test_two_kudos_each_way_are_too_few_to_show() -> None:
    given = edges(*[(ANA, LUIS, i) for i in range(2)], *[(LUIS, ANA, i) for i in range(2)])
    assert reciprocal_pairs(given) == []


def test_a_days_allowance_spent_within_minutes_is_a_burst() -> None:
    spree = edges(*[(EMMA, f"U9{i:03d}", i * 2) for i in range(5)])  # 5 within 8 minutes
    steady = edges(*[(NOAH, f"U9{i:03d}", i * 60) for i in range(5)])  # one an hour
    assert limit_bursts([*spree, *steady], daily_limit=5) == [LimitBurst(EMMA, 1)]


def test_one_kudos_naming_five_people_is_one_spree_not_five() -> None:
    one_for_five = [GivenEdge(1, EMMA, f"U9{i:03d}", NOON, 5) for i in range(5)]
    assert limit_bursts(one_for_five, daily_limit=5) == [LimitBurst(EMMA, 1)]


def report_of(app: RunningApp, admin: str) -> str:
    app.slack.slash_command("/aplauso", "report", user_id=admin)
    app.settle()
    return json.dumps(app.visible("response_url")[-1]["blocks"], ensure_ascii=False)


def test_admins_see_the_patterns_named_in_their_language(app: RunningApp) -> None:
    for n in range(3):
        app.slack.slash_command("/kudos", f"<@{LUIS}> thanks for the review {n}", user_id=ANA)
        app.slack.slash_command("/kudos", f"<@{ANA}> gracias por el repaso {n}", user_id=LUIS)
    for receiver in ("U05DIEGO", "U06OLIVIA", "U07SOFIA", "U08JAMES", NOAH):
        app.slack.slash_command("/kudos", f"<@{receiver}> thanks!", user_id=EMMA)
    app.settle()
    assert app.runtime.services.admin.add_admin(CARMEN)
    assert app.runtime.services.admin.add_admin(EMMA)

    spanish = report_of(app, CARMEN)
    assert f"<@{ANA}> y <@{LUIS}> se reconocen sobre todo entre sí" in spanish
    assert f"<@{EMMA}> gastó todos los reconocimientos de un día" in spanish
    english = report_of(app, EMMA)
    assert f"<@{ANA}> and <@{LUIS}> mostly thank each other: 3 kudos one way, 3" in english
    assert "Signals, not verdicts" in english


def test_a_quiet_month_shows_no_patterns_section(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", f"<@{LUIS}> thanks for the review", user_id=ANA)
    app.settle()
    assert app.runtime.services.admin.add_admin(EMMA)
    assert "Patterns worth a look" not in report_of(app, EMMA)


def test_people_who_erased_their_data_make_no_pattern_together() -> None:
    former = "UFORMER"  # everyone who erased their data gives as this one placeholder
    given = edges(*[(former, LUIS, i) for i in range(3)], *[(LUIS, former, i) for i in range(3)])
    assert kudos_patterns(given, daily_limit=1) == KudosPatterns()


# --- kudos emoji on one's own messages -----------------------------------------------------------


def react_to_own(app: RunningApp, user_id: str, words: str, emoji: str = "clap") -> str:
    """Someone posts a message and puts a kudos emoji on it themselves; the message's ts."""
    ts = app.fake.add_message("C0GENERAL", user_id, words)
    assert app.slack.reaction_added(user_id, emoji, "C0GENERAL", ts).status == 200
    app.settle()
    return ts


def told_anything(app: RunningApp, user_id: str) -> bool:
    app.settle()
    said = [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]
    return bool(said or app.fake.ephemerals(user_id))


def self_reactions_of(app: RunningApp, user_id: str) -> list[tuple[object, ...]]:
    return rows(app, "SELECT message_ts FROM kudos_self_reactions WHERE user_id = :u", u=user_id)


def test_reacting_to_ones_own_message_gives_nothing_says_nothing_and_counts_once(
    app: RunningApp,
) -> None:
    ts = react_to_own(app, EMMA, "shipped the release")
    again = app.slack.reaction_added(EMMA, "clap", "C0GENERAL", ts)
    app.slack.event(again.sent["event"], event_id=again.sent["event_id"], retry_num=1)
    app.slack.reaction_added(EMMA, "aplauso", "C0GENERAL", ts)  # the other kudos emoji
    app.slack.reaction_added(EMMA, "tada", "C0GENERAL", react_to_own(app, EMMA, "lunch", "pizza"))
    app.settle()
    assert rows(app, "SELECT count(*) FROM kudos") == [(0,)]
    assert self_reactions_of(app, EMMA) == [(ts,)]  # not the pizza, not the retry
    assert not told_anything(app, EMMA)


def test_admins_see_who_reacts_to_their_own_messages_in_their_language(app: RunningApp) -> None:
    react_to_own(app, EMMA, "shipped the release")
    react_to_own(app, EMMA, "and the docs", emoji="aplauso")
    react_to_own(app, NOAH, "fixed the build")
    app.clock.set(NOON - timedelta(weeks=6))
    react_to_own(app, LUIS, "long ago")  # before the report's four weeks
    app.clock.set(NOON)
    assert app.runtime.services.admin.add_admin(CARMEN)
    assert app.runtime.services.admin.add_admin(EMMA)

    english = report_of(app, EMMA)
    assert "Patterns worth a look" in english
    assert f"<@{EMMA}> reacted with a kudos emoji to 2 of their own messages" in english
    assert f"<@{NOAH}> reacted with a kudos emoji to one of their own messages" in english
    assert english.index(f"<@{EMMA}> reacted") < english.index(f"<@{NOAH}> reacted")
    assert f"<@{LUIS}>" not in english
    spanish = report_of(app, CARMEN)
    assert f"<@{EMMA}> reaccionó con un emoji de reconocimiento a 2 mensajes suyos" in spanish
    assert f"<@{NOAH}> reaccionó con un emoji de reconocimiento a un mensaje suyo" in spanish


def test_my_data_lists_reactions_to_oneself_and_erasing_deletes_them(app: RunningApp) -> None:
    ts = react_to_own(app, EMMA, "shipped the release")
    react_to_own(app, NOAH, "fixed the build")
    aplauso(app, EMMA, "my data")
    [mine] = file_in_dm(app, EMMA)["kudos_emoji_on_own_messages"]
    assert (mine["channel_id"], mine["message_ts"]) == ("C0GENERAL", ts)
    confirm(app, EMMA, aplauso(app, EMMA, "delete my data"))
    assert self_reactions_of(app, EMMA) == []
    assert len(self_reactions_of(app, NOAH)) == 1  # nobody else's
    assert app.runtime.services.admin.add_admin(LUIS)
    assert f"<@{EMMA}>" not in report_of(app, LUIS)


def test_people_who_erased_their_data_never_show_as_reacting_to_themselves() -> None:
    found = kudos_patterns([], daily_limit=5, self_reacted={"UFORMER": 4, ANA: 0, LUIS: 1})
    assert [(r.user_id, r.messages) for r in found.self_reactions] == [(LUIS, 1)]
