"""Undo undoes everything, once; and the giver is told what a kudos cost (issue #17).

Taking a kudos back deletes the celebration post and the "X thanks you!" DM each receiver got,
exactly once even when Undo is clicked twice. The confirmation explains the daily-limit rule
when it matters: as `engagement/kudos_rules.limit_units` does it, each person named costs one,
each user group costs one however many people are in it, and never more than the receivers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from bot.i18n import t
from bot.views import kudos as views
from tests.support.app_harness import RunningApp, running_app
from tests.test_kudos_e2e import _kudos_ids, dms_to, kudos_rows, text_of

EMMA, ANA, LUIS, NOAH, SOFIA = "U04EMMA", "U02ANA", "U03LUIS", "U10NOAH", "U07SOFIA"
FIVE = ("U02ANA", "U03LUIS", "U05DIEGO", "U06OLIVIA", "U10NOAH")
KUDOS_CHANNEL = "C0KUDOS"


@pytest.fixture
def celebrating_app(database_url: str, clock: Any) -> Any:
    with running_app(database_url, clock, kudos_channel=KUDOS_CHANNEL) as app:
        yield app


def celebrations(app: RunningApp) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.messages(KUDOS_CHANNEL) if m.get("bot_id")]


def deletes(app: RunningApp) -> list[tuple[str, str]]:
    app.settle()
    calls = app.fake.calls_to("chat.delete")
    return [(str(c.params["channel"]), str(c.params["ts"])) for c in calls if c.ok]


def click_undo(app: RunningApp, kudos_id: int) -> None:
    app.slack.block_action(
        views.UNDO_ACTION, user_id=EMMA, value=str(kudos_id), channel_id="C0GENERAL"
    )


def give_and_wait(app: RunningApp) -> int:
    app.slack.slash_command("/kudos", f"<@{ANA}> <@{LUIS}> thanks for the release", user_id=EMMA)
    app.settle()
    [kudos_id] = _kudos_ids(app)
    assert len(dms_to(app, ANA)) == len(dms_to(app, LUIS)) == 1
    assert len(celebrations(app)) == 1
    app.clock.advance(timedelta(minutes=3))
    return kudos_id


# --- undo -------------------------------------------------------------------------------------


def test_undo_deletes_the_post_and_every_receivers_dm(celebrating_app: RunningApp) -> None:
    app = celebrating_app
    kudos_id = give_and_wait(app)

    click_undo(app, kudos_id)

    assert kudos_rows(app) == []
    assert celebrations(app) == []
    assert dms_to(app, ANA) == []
    assert dms_to(app, LUIS) == []
    assert len(deletes(app)) == 3  # the post and two DMs


def test_a_double_click_on_undo_deletes_each_message_once(celebrating_app: RunningApp) -> None:
    app = celebrating_app
    kudos_id = give_and_wait(app)

    click_undo(app, kudos_id)
    click_undo(app, kudos_id)

    assert len(deletes(app)) == 3
    assert len(set(deletes(app))) == 3


def test_two_undo_clicks_at_the_same_moment_delete_once(celebrating_app: RunningApp) -> None:
    app = celebrating_app
    kudos_id = give_and_wait(app)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: click_undo(app, kudos_id), range(2)))

    assert kudos_rows(app) == []
    assert len(deletes(app)) == 3
    assert dms_to(app, ANA) == dms_to(app, LUIS) == []


def test_undo_leaves_the_receivers_other_kudos_alone(celebrating_app: RunningApp) -> None:
    app = celebrating_app
    app.slack.slash_command("/kudos", f"<@{ANA}> thanks for the demo", user_id=NOAH)
    app.settle()
    [noahs] = _kudos_ids(app)
    app.slack.slash_command("/kudos", f"<@{ANA}> thanks for the release", user_id=EMMA)
    app.settle()
    [emmas] = set(_kudos_ids(app)) - {noahs}
    assert len(dms_to(app, ANA)) == 2

    click_undo(app, emmas)

    [kept] = dms_to(app, ANA)
    assert "thanks for the demo" in text_of(kept)
    assert kudos_rows(app) == [(NOAH, (ANA,), None, "command")]


def test_removing_a_kudos_reaction_also_deletes_the_dm(celebrating_app: RunningApp) -> None:
    app = celebrating_app
    ts = app.fake.add_message("C0GENERAL", NOAH, "fixed the printer")
    app.slack.reaction_added(EMMA, "clap", "C0GENERAL", ts)
    assert len(dms_to(app, NOAH)) == 1

    app.slack.reaction_removed(EMMA, "clap", "C0GENERAL", ts)

    assert dms_to(app, NOAH) == []
    assert celebrations(app) == []


# --- what a kudos cost -----------------------------------------------------------------------


def met(app: RunningApp, user_id: str) -> None:
    """Aplauso answers someone in their own language once it has met them (the first request
    of a stranger is answered in the workspace's language while they are looked up)."""
    app.runtime.services.people.meet(user_id)


def confirmation(app: RunningApp) -> str:
    app.settle()
    [reply] = app.answers()
    return text_of(reply)


FIVE_NAMED = " ".join(f"<@{user}>" for user in FIVE) + " thanks for the offsite"
A_GROUP_OF_SIX = "<!subteam^S0ITTEAM|@it-team> thanks for the VPN"


@pytest.mark.parametrize(
    ("giver", "typed", "explained"),
    [
        (EMMA, FIVE_NAMED, "This used 5 of your 5 kudos today: one per person named."),
        (
            SOFIA,
            FIVE_NAMED,
            "Esto usó 5 de tus 5 reconocimientos de hoy: uno por cada persona mencionada.",
        ),
        (
            NOAH,
            A_GROUP_OF_SIX,
            "This used 1 of your 5 kudos today: a user group counts as one, however many people"
            " are in it.",
        ),
        (
            ANA,
            A_GROUP_OF_SIX,
            "Esto usó 1 de tus 5 reconocimientos de hoy: un grupo de usuarios cuenta como uno,"
            " tenga las personas que tenga.",
        ),
    ],
)
def test_the_confirmation_explains_what_the_kudos_cost(
    app: RunningApp, giver: str, typed: str, explained: str
) -> None:
    """Five people named cost five; a user group of six costs one (`limit_units`)."""
    met(app, giver)
    app.slack.slash_command("/kudos", typed, user_id=giver)
    [(_, receivers, _, _)] = kudos_rows(app)
    assert len(receivers) >= 5
    assert explained in confirmation(app)


@pytest.mark.parametrize(("giver", "lang"), [(EMMA, "en"), (ANA, "es")])
def test_a_kudos_for_one_person_says_nothing_about_cost(
    app: RunningApp, giver: str, lang: str
) -> None:
    met(app, giver)
    app.slack.slash_command("/kudos", f"<@{LUIS}> thanks", user_id=giver)
    text = confirmation(app)
    assert t(lang, "kudos.confirm.remaining", count=4) in text
    assert t(lang, "kudos.confirm.cost_people", count=1, limit=5) not in text
    assert t(lang, "kudos.confirm.cost_group", count=1, limit=5) not in text
