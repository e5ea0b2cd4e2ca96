"""`app_manifest.yml` and the registered listeners agree, both ways."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.config import Settings
from bot.wiring import build_runtime
from storage.unit_of_work import Database

ROOT = Path(__file__).resolve().parent.parent


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
    return loaded


def surfaces(database: Database) -> Any:
    settings = Settings(slack_bot_token="xoxb-test", slack_signing_secret="secret")
    return build_runtime(settings, database).surfaces


def test_the_manifest_ships_inside_the_package() -> None:
    shipped = resources.files("bot").joinpath("app_manifest.yml").read_text()
    assert shipped == (ROOT / "app_manifest.yml").read_text()


def test_every_slash_command_in_the_manifest_has_a_listener_and_back(database: Database) -> None:
    declared = {command["command"] for command in manifest()["features"]["slash_commands"]}
    assert declared == {"/kudos", "/feedback", "/aplauso"}
    assert surfaces(database).commands == declared


def test_every_shortcut_in_the_manifest_has_a_listener_and_back(database: Database) -> None:
    shortcuts = manifest()["features"]["shortcuts"]
    registered = surfaces(database)
    assert {
        s["callback_id"] for s in shortcuts if s["type"] == "global"
    } == registered.global_shortcuts
    assert {
        s["callback_id"] for s in shortcuts if s["type"] == "message"
    } == registered.message_shortcuts
    assert registered.global_shortcuts == {"give_kudos"}
    assert registered.message_shortcuts == {"kudos_message"}


def test_every_event_in_the_manifest_has_a_listener_and_back(database: Database) -> None:
    declared = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert declared == {
        "app_home_opened",
        "reaction_added",
        "reaction_removed",
        "app_mention",
        "message.im",
        "message.channels",  # kudos follow their message: edits and deletions
        "message.groups",
        "team_join",  # the directory stays current (bot/listeners/people.py)
        "user_change",
        "subteam_members_changed",  # teams follow their user group (bot/listeners/people.py)
    }
    assert surfaces(database).events == declared


def test_the_manifest_turns_on_interactivity_and_the_home_tab() -> None:
    data = manifest()
    assert data["settings"]["interactivity"]["is_enabled"] is True
    assert data["features"]["app_home"]["home_tab_enabled"] is True


def test_every_request_url_points_at_the_one_endpoint() -> None:
    data = manifest()
    urls = [c["url"] for c in data["features"]["slash_commands"]]
    urls.append(data["settings"]["event_subscriptions"]["request_url"])
    urls.append(data["settings"]["interactivity"]["request_url"])
    assert all(url.endswith("/slack/events") for url in urls)


def test_the_bot_asks_only_for_scopes_it_uses() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",
        "channels:history",
        "channels:read",  # `team set --channel '#sales'`: a channel typed by name
        "chat:write",
        "commands",
        "emoji:read",  # whether :aplauso: exists, before /kudos help advertises it
        "files:write",
        "groups:history",
        "groups:read",  # the same for a private channel the bot was invited to
        "im:history",
        "im:write",
        "mpim:history",  # the message a :clap: in a group DM was given for
        "reactions:read",
        "usergroups:read",
        "users:read",
    }


def test_the_bot_posts_only_where_it_was_invited() -> None:
    """No `chat:write.public`: the kudos and team channels invite the bot (README, setup)."""
    assert "chat:write.public" not in manifest()["oauth_config"]["scopes"]["bot"]


def test_every_slash_command_gets_mentions_as_ids() -> None:
    """`should_escape: true`, as the contract says: a picked `@Rosa Méndez` arrives as
    `<@U…|rosa.mendez>` and `@it-team` as `<!subteam^S…|@it-team>`, never as plain words."""
    commands = manifest()["features"]["slash_commands"]
    assert {c["command"]: c["should_escape"] for c in commands} == {
        "/kudos": True,
        "/feedback": True,
        "/aplauso": True,
    }
