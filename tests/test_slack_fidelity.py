"""Aplauso in a workspace that looks like a real one, through signed requests to the strict fake.

People pick colleagues in the composer (`@Rosa Méndez`, `@it-team`), escaped as the manifest's
`should_escape: true` says; they run `/kudos` in channels and DMs the bot was never invited
to; and the bot posts only where someone typed `/invite @Aplauso`.
"""

from __future__ import annotations

import json
import re
import threading
import time
import tomllib
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.views import feedback_modal as forms
from bot.views import kudos as views
from bot.views import kudos_modal as modal
from engagement.clock import ManualClock
from engagement.teams import TeamSpec
from sandbox.fake_slack import FakeSlack
from tests.support.app_harness import RunningApp, running_app
from tests.support.cli_runner import ROOT, aplauso, cli_env, one_line_failure
from tests.test_kudos_e2e import kudos_rows, modal_state, open_modal

EMMA, ANA, NOAH, CARMEN, JAMES = "U04EMMA", "U02ANA", "U10NOAH", "U01CARMEN", "U08JAMES"
ROSA, JUANPA, NOELIA = "U26ROSA", "U27JUANPA", "U28NOELIA"
IT_TEAM = {"U17PABLO", "U18GRACE", "U19TOMAS", "U20HANNAH", "U21RAUL", EMMA}
RANDOM, LEADS, SALES = "C0RANDOM", "G0LEADS", "C0SALES"  # no bot in #random nor #leads


def answers_to(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    """Everything the app showed one person privately: command answers, response_url posts,
    ephemerals, DMs."""
    app.settle()
    shown = url_posts(app)
    shown += [
        c.params
        for c in app.fake.calls_to("chat.postEphemeral")
        if c.ok and c.params["user"] == user_id
    ]
    return shown + bot_dms(app, user_id)


def text_of(shown: object) -> str:
    """A message, or a list of them, as searchable text."""
    return json.dumps(shown, ensure_ascii=False)


def url_posts(app: RunningApp) -> list[dict[str, Any]]:
    """What the app answered privately, in a command's answer or a response_url post (and
    Slack accepted), oldest first."""
    app.settle()
    return [c.params for c in app.fake.private_answers() if c.ok]


def post_json(url: str, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback
    with urllib.request.urlopen(request):  # noqa: S310 - the fake's own URL
        pass


def failed(app: RunningApp, method: str) -> list[str]:
    return [str(c.response.get("error")) for c in app.fake.calls_to(method) if not c.ok]


def bot_dms(app: RunningApp, user_id: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.dm_messages(user_id) if m.get("bot_id")]


def bot_posts(app: RunningApp, channel: str) -> list[dict[str, Any]]:
    app.settle()
    return [m for m in app.fake.messages(channel) if m.get("bot_id")]


def submit(app: RunningApp, giver: str, view: dict[str, Any], *receivers: str) -> Any:
    return app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=giver, view_id=view["id"],
        state_values=modal_state(list(receivers), "thanks for sorting out the laptop"),
        private_metadata=view.get("private_metadata", ""),
    )  # fmt: skip


# --- 1. what the composer sends ---------------------------------------------------------------


def test_a_colleague_picked_by_a_two_word_name_is_thanked(app: RunningApp) -> None:
    typed = app.slack.command(
        "/kudos", "@Rosa Méndez #helpful thanks for the laptop", as_user=EMMA, channel_id="C0KUDOS"
    )
    assert typed.sent["text"].startswith(f"<@{ROSA}|rosa.mendez>")  # escaped, as Slack sends it
    assert kudos_rows(app) == [(EMMA, (ROSA,), "helpful", "command")]
    [dm] = bot_dms(app, ROSA)
    assert "thanks for the laptop" in text_of(dm)
    assert views.UNDO_ACTION in text_of(answers_to(app, EMMA))


def test_names_with_spaces_and_accents_are_all_thanked(app: RunningApp) -> None:
    app.slack.command("/kudos", "@Juan Pablo y @Noe Núñez #timely gracias", as_user=EMMA)
    assert kudos_rows(app) == [(EMMA, (JUANPA, NOELIA), "timely", "command")]


def test_a_user_group_picked_in_slash_kudos_thanks_every_member(app: RunningApp) -> None:
    typed = app.slack.command("/kudos", "@it-team #reliable the VPN is back", as_user=ANA)
    assert "<!subteam^S0ITTEAM|@it-team>" in typed.sent["text"]
    [(giver, receivers, value, _)] = kudos_rows(app)
    assert (giver, set(receivers), value) == (ANA, IT_TEAM, "reliable")


def test_a_hashtag_slack_turned_into_a_channel_link_still_names_the_value(app: RunningApp) -> None:
    app.fake.add_channel("C0HELPFUL", "helpful", (EMMA,))
    typed = app.slack.command("/kudos", "@Rosa Méndez #helpful thanks", as_user=EMMA)
    assert "<#C0HELPFUL|helpful>" in typed.sent["text"]
    assert kudos_rows(app) == [(EMMA, (ROSA,), "helpful", "command")]


def test_a_channel_link_that_is_no_value_reads_as_the_hashtag_typed(app: RunningApp) -> None:
    app.slack.command("/kudos", "@Rosa Méndez #random made my day", as_user=EMMA)
    assert kudos_rows(app) == [(EMMA, (ROSA,), None, "command")]
    [dm] = bot_dms(app, ROSA)
    assert "#random made my day" in text_of(dm)
    assert "C0RANDOM" not in text_of(dm)
    assert "`#random` isn't one of our values" in text_of(answers_to(app, EMMA))


def test_a_plain_typed_name_resolves_without_a_directory_crawl_per_request(
    app: RunningApp,
) -> None:
    app.slack.slash_command("/kudos", "@noah thanks for the quick fix", user_id=EMMA)
    for typo in ("@noha", "@nooah", "@noha"):
        app.slack.slash_command("/kudos", f"{typo} thanks", user_id=EMMA)
    assert kudos_rows(app) == [(EMMA, (NOAH,), None, "command")]
    assert len(app.fake.calls_to("users.list")) == 1  # one reload, then the cache answers
    refusals = text_of(answers_to(app, EMMA))
    assert all(f"anyone called {typo[1:]}" in refusals for typo in ("@noha", "@nooah"))


def test_a_plain_typed_name_matches_without_its_accents(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "@sofia @LUCIA thanks for the Spanish review", user_id=EMMA)
    assert kudos_rows(app) == [(EMMA, ("U07SOFIA", "U11LUCIA"), None, "command")]  # Sofía, Lucía


def test_a_name_typed_while_the_directory_is_being_crawled_waits_for_the_crawl(
    app: RunningApp,
) -> None:
    """The warm-up crawl at start (or any crawl) may still be storing people when a `/kudos`
    names one of them: the lookup waits for the crawl instead of answering "no one called"."""
    app.fake.add_user("U31ZOE", "zoe", real_name="Zoe Park")  # joined after the warm-up
    app.clock.advance(timedelta(minutes=11))  # the last crawl is old enough to crawl again
    app.fake.delay_next("users.list", 1.0)
    crawl = threading.Thread(target=app.runtime.services.people.refresh_directory)
    crawl.start()
    time.sleep(0.3)  # the crawl is waiting on Slack
    app.slack.slash_command("/kudos", "@zoe thanks for the onboarding", user_id=EMMA)
    crawl.join()
    assert kudos_rows(app) == [(EMMA, ("U31ZOE",), None, "command")]
    assert len(app.fake.calls_to("users.list")) == 1  # the lookup waited; it did not crawl again


# --- 2. the giver hears back wherever they started ----------------------------------------------


def test_the_modal_confirms_in_a_channel_the_bot_was_never_invited_to(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "", user_id=EMMA, channel_id=RANDOM)
    submit(app, EMMA, open_modal(app, EMMA), ROSA)
    assert kudos_rows(app) == [(EMMA, (ROSA,), None, "modal")]
    [confirmation] = url_posts(app)
    assert views.UNDO_ACTION in text_of(confirmation)
    assert failed(app, "chat.postEphemeral") == []  # no attempt where it must fail


def test_the_message_shortcut_confirms_in_a_private_channel_without_the_bot(
    app: RunningApp,
) -> None:
    ts = app.fake.add_message(LEADS, CARMEN, "I covered the Monday shift")
    app.slack.message_shortcut(
        "kudos_message", user_id=JAMES, channel_id=LEADS,
        message={"type": "message", "user": CARMEN, "ts": ts, "text": "I covered the Monday shift"},
    )  # fmt: skip
    submit(app, JAMES, open_modal(app, JAMES), CARMEN)
    assert kudos_rows(app) == [(JAMES, (CARMEN,), None, "message_shortcut")]
    assert views.UNDO_ACTION in text_of(answers_to(app, JAMES))


def test_when_the_response_url_is_used_up_the_confirmation_comes_by_dm_and_undo_works(
    app: RunningApp,
) -> None:
    opened = app.slack.slash_command("/kudos", "", user_id=EMMA, channel_id=RANDOM)
    for _ in range(5):  # Slack takes five posts per response_url, then answers 404
        post_json(opened.sent["response_url"], {"text": "earlier answer"})
    submit(app, EMMA, open_modal(app, EMMA), ROSA)
    app.settle()
    assert failed(app, "chat.postEphemeral") == ["not_in_channel"]
    [dm] = [m for m in app.fake.dm_messages(EMMA) if views.UNDO_ACTION in text_of(m)]
    [(kudos_id,)] = [(b["accessory"]["value"],) for b in dm["blocks"] if "accessory" in b]
    app.slack.block_action(views.UNDO_ACTION, user_id=EMMA, value=kudos_id, message=dm)
    assert kudos_rows(app) == []


def test_a_mention_in_a_thread_is_confirmed_in_that_thread(app: RunningApp) -> None:
    parent = app.fake.add_message("C0GENERAL", NOAH, "The printer works again")
    thanks = f"<@{app.fake.bot_user_id}> thanks <@{NOAH}> for the printer"
    app.slack.app_mention(EMMA, thanks, "C0GENERAL", thread_ts=parent)
    app.settle()
    [confirmation] = app.fake.ephemerals(EMMA)
    assert confirmation.get("thread_ts") == parent
    assert views.UNDO_ACTION in text_of(confirmation)


# --- 3. membership, told truthfully ---------------------------------------------------------------


def confirmation_notes(app: RunningApp) -> str:
    return text_of(url_posts(app)[-1])


def test_the_giver_hears_celebrated_only_once_the_post_landed(
    database_url: str, clock: ManualClock
) -> None:
    with running_app(database_url, clock, kudos_channel=RANDOM) as app:
        app.slack.command("/kudos", "@Rosa Méndez thanks for the laptop", as_user=EMMA)
        assert bot_posts(app, RANDOM) == []
        notes = confirmation_notes(app)
        assert "Also celebrated" not in notes
        assert f"<#{RANDOM}>" in notes
        assert "/invite @Aplauso" in notes

        app.fake.invite_bot(RANDOM)
        app.slack.command("/kudos", "@Juan Pablo thanks for the demo", as_user=EMMA)
        assert len(bot_posts(app, RANDOM)) == 1
        assert f"Also celebrated in <#{RANDOM}>" in confirmation_notes(app)


def test_settings_tell_admins_which_channels_still_need_an_invite(
    database_url: str, clock: ManualClock
) -> None:
    with running_app(database_url, clock, kudos_channel=RANDOM) as app:
        services = app.runtime.services
        services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA], channel_id=SALES))
        services.teams.set_team(TeamSpec("Leads", JAMES, [CARMEN], channel_id=LEADS))
        services.admin.add_admin(EMMA)
        app.slack.slash_command("/aplauso", "settings", user_id=EMMA)
        [reply] = url_posts(app)
        lines = {
            line.split(",")[0]: line for line in reply["text"].splitlines() if line.startswith("•")
        }
        assert "not a member" in lines[f"• <#{RANDOM}>"]
        assert "/invite @Aplauso" in lines[f"• <#{LEADS}>"]
        assert "is a member" in lines[f"• <#{SALES}>"]


def test_a_non_admin_asking_for_settings_costs_no_slack_call(app: RunningApp) -> None:
    app.slack.slash_command("/aplauso", "settings", user_id=NOAH)
    app.settle()
    assert app.fake.calls_to("conversations.history") == []


def test_help_says_reactions_count_only_where_the_bot_was_invited(app: RunningApp) -> None:
    app.slack.slash_command("/kudos", "help", user_id=EMMA)
    [reply] = url_posts(app)
    assert "(in channels Aplauso has been invited to)" in text_of(reply)


# --- 7. no silent traps ---------------------------------------------------------------------


def test_serve_refuses_to_start_when_oauth_client_credentials_are_set(
    database_url: str, tmp_path: Path
) -> None:
    """Bolt would switch to OAuth by itself and ignore the bot token: every request would fail."""
    with FakeSlack() as fake:
        env = cli_env(fake, database_url, tmp_path)
        env.update(SLACK_CLIENT_ID="12345.67890", SLACK_CLIENT_SECRET="from-basic-information")
        line = one_line_failure(aplauso("serve", "--no-scheduler", env=env, timeout=60))
    assert "SLACK_CLIENT_ID, SLACK_CLIENT_SECRET must not be set" in line


def pinned(package: str) -> set[str]:
    """The version specifiers pyproject.toml gives a dependency, as {">=1.30", "<2"}."""
    for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        name, versions = re.split(r"(?=[<>=!~])", line.replace(" ", ""), maxsplit=1)
        if name == package:
            return set(versions.split(","))
    raise AssertionError(f"{package} is not a dependency")


def test_slack_bolt_is_pinned_below_its_next_major_version() -> None:
    """bot/handoff.py relies on Bolt's process_before_response runner and kwargs injection."""
    assert pinned("slack-bolt") == {">=1.30", "<2"}
    assert pinned("slack-sdk") == {">=3.48", "<4"}


def message_event(user: str, channel: str, channel_type: str, **extra: str) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": "hola", "channel": channel,
            "channel_type": channel_type, "ts": extra.pop("ts", "1.000100"), **extra}  # fmt: skip


def test_a_channel_message_is_not_answered_as_if_it_were_a_dm(app: RunningApp) -> None:
    app.slack.event(message_event(ANA, "C0GENERAL", "channel"))
    app.slack.event(message_event(ANA, "C0GENERAL", "group"))
    assert bot_posts(app, "C0GENERAL") == []
    app.slack.direct_message(ANA, "hola")  # the DM itself is still answered
    assert len(bot_dms(app, ANA)) == 1


def test_a_thread_reply_in_the_dm_gets_its_answer_in_that_thread(app: RunningApp) -> None:
    app.slack.direct_message(ANA, "hola")
    [pointer] = bot_dms(app, ANA)
    dm = app.fake.dm_channel_id(ANA)
    ts = app.fake.add_message(dm, ANA, "¿y cómo?", thread_ts=pointer["ts"])
    app.slack.event(message_event(ANA, dm, "im", ts=ts, thread_ts=pointer["ts"]))
    answers = bot_dms(app, ANA)
    first, second = answers
    assert first["ts"] == pointer["ts"]
    assert second.get("thread_ts") == pointer["ts"]  # in the thread, not at the top


WRITER, MANAGER = "U09JAVIER", "U08JAMES"


def write_feedback(app: RunningApp, team_id: int, words: str) -> None:
    app.slack.slash_command("/feedback", "", user_id=WRITER)
    view = open_modal(app, WRITER)
    chosen = {"type": "static_select", "selected_option": {"value": str(team_id)}}
    state = {
        forms.TEAM_BLOCK: {forms.TEAM_ACTION: chosen},
        forms.KIND_BLOCK: {
            forms.KIND_ACTION: {"type": "static_select", "selected_option": {"value": "concern"}}
        },
        forms.TEXT_BLOCK: {forms.TEXT_ACTION: {"type": "plain_text_input", "value": words}},
        forms.OPTIONS_BLOCK: {
            forms.OPTIONS_ACTION: {
                "type": "checkboxes",
                "selected_options": [{"value": forms.ANONYMOUS_OPTION}],
            }
        },
    }
    app.slack.view_submission(
        forms.FEEDBACK_MODAL, user_id=WRITER, view_id=view["id"], state_values=state,
        private_metadata=view.get("private_metadata", ""),
    )  # fmt: skip
    app.settle()


def test_a_writer_answering_in_the_dm_thread_reaches_the_conversation(app: RunningApp) -> None:
    members = [WRITER, NOAH, "U11LUCIA", "U12LIAM", "U13VALEN", "U15MARTA"]
    team = app.runtime.services.teams.set_team(TeamSpec("Logistics", MANAGER, members)).team
    assert team.id is not None
    write_feedback(app, team.id, "Las urgencias de última hora nos queman.")
    [receipt] = bot_dms(app, WRITER)
    dm = app.fake.dm_channel_id(WRITER)
    words = "Casi todas llegan los viernes por la tarde."
    ts = app.fake.add_message(dm, WRITER, words, thread_ts=receipt["ts"])
    event = message_event(WRITER, dm, "im", ts=ts, thread_ts=receipt["ts"], text=words)
    first = app.slack.event(event)
    sent = first.sent  # Slack retries with the same event id: relayed once all the same
    app.slack.event(sent["event"], event_id=sent["event_id"], retry_num=1)
    app.settle()
    told = bot_dms(app, WRITER)[1:]
    assert [m.get("thread_ts") for m in told] == [receipt["ts"]]
    assert "sin tu nombre" in text_of(told)

    app.runtime.run_job("feedback", app.clock() + timedelta(hours=4))
    manager_side = text_of(bot_dms(app, MANAGER))
    assert manager_side.count(words) == 1
    assert WRITER not in manager_side
