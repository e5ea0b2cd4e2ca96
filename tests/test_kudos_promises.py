"""Aplauso promises only what this workspace has set up (issue #17).

With no kudos channel, `/kudos help` and the *Give kudos* modal offer no celebration there;
`:aplauso:` is advertised as a kudos reaction only once the custom emoji exists (`emoji.list`,
asked once per process) or an admin chose the reactions themselves.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import t
from bot.views import kudos_modal as modal
from bot.views.help import help_blocks
from engagement.teams import TeamSpec
from sandbox.fake_slack import FakeSlack
from tests.support.app_harness import RunningApp, running_app
from tests.test_kudos_e2e import modal_state, text_of

EMMA, ANA, NOAH, CARMEN = "U04EMMA", "U02ANA", "U10NOAH", "U01CARMEN"
READERS = [(EMMA, "en"), (ANA, "es")]


def met(app: RunningApp, user_id: str) -> None:
    """Answered in their own language from then on (a stranger's first answer is in the
    workspace's language while they are looked up)."""
    app.runtime.services.people.meet(user_id)


def kudos_help(app: RunningApp, user_id: str) -> str:
    app.slack.slash_command("/kudos", "help", user_id=user_id)
    app.settle()
    reply = app.answers()[-1]
    return text_of(reply)


def opened_modal(app: RunningApp, user_id: str) -> dict[str, Any]:
    app.slack.slash_command("/kudos", "", user_id=user_id, channel_id="C0GENERAL")
    app.settle()
    [view] = app.fake.open_modals(user_id)
    return view


def block_ids(view: dict[str, Any]) -> list[str]:
    return [str(block.get("block_id")) for block in view["blocks"]]


@pytest.fixture
def celebrating_app(database_url: str, clock: Any) -> Any:
    with running_app(database_url, clock, kudos_channel="C0KUDOS") as app:
        yield app


# --- the celebration ----------------------------------------------------------------------------


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_without_a_kudos_channel_help_promises_no_celebration(
    app: RunningApp, reader: str, lang: str
) -> None:
    met(app, reader)
    text = kudos_help(app, reader)
    assert t(lang, "kudos.help.channel") not in text
    assert t(lang, "kudos.help.channel_team") not in text
    assert t(lang, "kudos.help.channel_none") in text


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_with_a_kudos_channel_help_says_kudos_are_celebrated(
    celebrating_app: RunningApp, reader: str, lang: str
) -> None:
    met(celebrating_app, reader)
    assert t(lang, "kudos.help.channel") in kudos_help(celebrating_app, reader)


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_with_only_team_channels_help_speaks_of_team_channels(
    app: RunningApp, reader: str, lang: str
) -> None:
    app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA], channel_id="C0SALES"))
    met(app, reader)
    text = kudos_help(app, reader)
    assert t(lang, "kudos.help.channel_team") in text
    assert t(lang, "kudos.help.channel") not in text


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_without_any_channel_the_modal_offers_no_celebration(
    app: RunningApp, reader: str, lang: str
) -> None:
    met(app, reader)
    view = opened_modal(app, reader)
    assert modal.CELEBRATE_BLOCK not in block_ids(view)
    assert t(lang, "kudos.modal.celebrate_option") not in text_of(view)
    state = modal_state([NOAH], "thanks for the report")
    del state[modal.CELEBRATE_BLOCK]  # Slack sends no state for an input that is not there
    app.slack.view_submission(
        modal.KUDOS_MODAL_CALLBACK, user_id=reader, view_id=view["id"],
        state_values=state, private_metadata=view.get("private_metadata", ""),
    )  # fmt: skip
    app.settle()
    confirmation = text_of(app.answers()[-1])
    assert t(lang, "kudos.confirm.sent", receivers=f"<@{NOAH}>") in confirmation
    assert t(lang, "kudos.confirm.private") not in confirmation  # "not posted in the kudos channel"


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_with_a_kudos_channel_the_modal_offers_it(
    celebrating_app: RunningApp, reader: str, lang: str
) -> None:
    met(celebrating_app, reader)
    view = opened_modal(celebrating_app, reader)
    assert modal.CELEBRATE_BLOCK in block_ids(view)
    assert t(lang, "kudos.modal.celebrate_option") in text_of(view)


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_with_only_team_channels_the_modal_offers_the_teams_channel(
    app: RunningApp, reader: str, lang: str
) -> None:
    app.runtime.services.teams.set_team(TeamSpec("Sales", CARMEN, [ANA], channel_id="C0SALES"))
    met(app, reader)
    view = opened_modal(app, reader)
    assert t(lang, "kudos.modal.celebrate_option_team") in text_of(view)
    assert t(lang, "kudos.modal.celebrate_option") not in text_of(view)


# --- the :aplauso: reaction ------------------------------------------------------------------


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_aplauso_is_not_advertised_until_the_emoji_exists(
    app: RunningApp, reader: str, lang: str
) -> None:
    met(app, reader)
    text = kudos_help(app, reader)
    assert t(lang, "kudos.help.way_reaction", reactions=":clap:") in text
    assert ":aplauso:" not in text


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_aplauso_is_advertised_once_uploaded(app: RunningApp, reader: str, lang: str) -> None:
    app.fake.add_emoji("aplauso")
    met(app, reader)
    text = kudos_help(app, reader)
    assert t(lang, "kudos.help.way_reaction", reactions=":clap: :aplauso:") in text


def test_emoji_list_is_asked_once_per_process(app: RunningApp) -> None:
    app.fake.add_emoji("aplauso")
    kudos_help(app, EMMA)
    kudos_help(app, NOAH)
    assert ":aplauso:" in kudos_help(app, EMMA)
    assert len(app.fake.calls_to("emoji.list")) == 1


def test_reactions_an_admin_chose_are_advertised_as_chosen(app: RunningApp) -> None:
    assert app.runtime.services.admin.add_admin(CARMEN)
    app.slack.slash_command("/aplauso", "set reactions aplauso, raised_hands", user_id=CARMEN)
    app.settle()
    text = kudos_help(app, EMMA)
    assert t("en", "kudos.help.way_reaction", reactions=":aplauso: :raised_hands:") in text


def test_the_fake_serves_emoji_list_only_with_the_emoji_read_scope() -> None:
    with FakeSlack(scopes=["chat:write"], enforce_scopes=True) as fake:
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
        with pytest.raises(SlackApiError) as refused:
            client.emoji_list()
        assert refused.value.response["error"] == "missing_scope"
    with FakeSlack() as fake:
        fake.add_emoji("aplauso")
        client = WebClient(token=fake.bot_token, base_url=fake.api_url)
        listed = client.emoji_list()
        assert listed["ok"] is True
        assert set(listed["emoji"]) == {"aplauso"}  # custom emoji only, as in Slack


def aplauso_help(app: RunningApp, user_id: str) -> str:
    app.slack.slash_command("/aplauso", "help", user_id=user_id)
    app.settle()
    return text_of(app.answers()[-1])


@pytest.mark.parametrize(("reader", "lang"), READERS)
def test_aplauso_help_names_only_the_reactions_that_work_here(
    app: RunningApp, reader: str, lang: str
) -> None:
    met(app, reader)
    text = aplauso_help(app, reader)
    assert (":clap: a un mensaje" if lang == "es" else ":clap: to a message") in text
    assert ":aplauso:" not in text


@pytest.mark.parametrize(("reader", "either"), [(EMMA, "or"), (ANA, "o")])
def test_aplauso_help_names_the_custom_emoji_once_uploaded(
    app: RunningApp, reader: str, either: str
) -> None:
    app.fake.add_emoji("aplauso")
    met(app, reader)
    assert f":clap: {either} :aplauso:" in aplauso_help(app, reader)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_help_without_a_usable_reaction_offers_none(lang: str) -> None:
    text = json.dumps(help_blocks(lang, ["🧠 Helpful"], reactions=()), ensure_ascii=False)
    assert ":clap: a" not in text
    assert ":clap: to" not in text
    assert "🧠 Helpful" in text
