"""Scopes: the fake grants what the manifest asks for, and answers missing_scope like Slack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.fake_slack import FakeSlack
from sandbox.manifest import AppManifest, find_manifest, resolve_manifest
from sandbox.rate_limits import METHOD_TIERS, SPECIAL_TIER_METHODS
from sandbox.scopes import APP_TOKEN_METHOD_SCOPES, METHOD_SCOPES
from sandbox.web_api import HANDLERS

REPO_MANIFEST = find_manifest()


def manifest_without(tmp_path: Path, scope: str) -> Path:
    """A copy of the repository's manifest file with one bot scope removed."""
    assert REPO_MANIFEST is not None
    data = yaml.safe_load(REPO_MANIFEST.read_text(encoding="utf-8"))
    data["oauth_config"]["scopes"]["bot"].remove(scope)
    path = tmp_path / "app_manifest.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_every_served_method_declares_its_scopes_and_tier() -> None:
    served = set(HANDLERS) | set(APP_TOKEN_METHOD_SCOPES)
    assert served <= set(METHOD_SCOPES) | set(APP_TOKEN_METHOD_SCOPES)
    assert served <= set(METHOD_TIERS) | SPECIAL_TIER_METHODS


def test_the_fake_reads_the_manifest_at_the_repository_root() -> None:
    assert REPO_MANIFEST is not None
    assert REPO_MANIFEST.name == "app_manifest.yml"
    fake = FakeSlack()
    assert fake.manifest.source == REPO_MANIFEST.resolve()
    declared = yaml.safe_load(REPO_MANIFEST.read_text(encoding="utf-8"))
    assert list(fake.scopes) == declared["oauth_config"]["scopes"]["bot"]


def test_a_scope_removed_from_the_manifest_is_missing_scope_with_needed_and_provided(
    tmp_path: Path,
) -> None:
    with FakeSlack(manifest=manifest_without(tmp_path, "users:read")) as fake:
        fake.add_user("U1", "ana")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        with pytest.raises(SlackApiError) as caught:
            client.users_info(user="U1")
        answer = caught.value.response
        assert answer.status_code == 200
        assert answer["error"] == "missing_scope"
        assert answer["needed"] == "users:read"
        assert "users:read" not in answer["provided"].split(",")
        assert "chat:write" in answer["provided"].split(",")
        assert answer.headers["x-accepted-oauth-scopes"] == "users:read"
        assert client.chat_postMessage(channel="U1", text="still allowed")["ok"]


def test_without_chat_write_nothing_can_be_posted(tmp_path: Path) -> None:
    with FakeSlack(manifest=manifest_without(tmp_path, "chat:write")) as fake:
        fake.add_user("U1", "ana")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        posts: list[Callable[[], object]] = [
            lambda: client.chat_postMessage(channel="U1", text="x"),
            lambda: client.chat_postEphemeral(channel="C_GENERAL", user="U1", text="x"),
        ]
        for post in posts:
            with pytest.raises(SlackApiError) as caught:
                post()
            assert caught.value.response["error"] == "missing_scope"
            assert caught.value.response["needed"] == "chat:write"
        assert fake.dm_messages("U1") == []


def test_conversation_methods_need_the_scope_of_that_kind_of_conversation(
    tmp_path: Path,
) -> None:
    with FakeSlack(manifest=manifest_without(tmp_path, "im:history")) as fake:
        fake.add_user("U1", "ana")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        dm = client.conversations_open(users="U1")["channel"]["id"]
        with pytest.raises(SlackApiError) as caught:
            client.conversations_history(channel=dm)
        assert caught.value.response["error"] == "missing_scope"
        assert caught.value.response["needed"] == "im:history"
        assert client.conversations_history(channel="C_GENERAL")["ok"]  # channels:history


def test_opening_a_dm_needs_im_write(tmp_path: Path) -> None:
    with FakeSlack(manifest=manifest_without(tmp_path, "im:write")) as fake:
        fake.add_user("U1", "ana")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        with pytest.raises(SlackApiError) as caught:
            client.conversations_open(users="U1")
        assert caught.value.response["error"] == "missing_scope"
        assert "im:write" in caught.value.response["needed"].split(",")


def test_methods_without_a_scope_work_with_any_manifest() -> None:
    with FakeSlack(manifest=AppManifest(bot_scopes=())) as fake:
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        assert client.auth_test()["ok"]


def test_scope_checks_can_be_switched_off() -> None:
    with FakeSlack(manifest=AppManifest(bot_scopes=()), enforce_scopes=False) as fake:
        fake.add_user("U1", "ana")
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        assert client.users_info(user="U1")["ok"]


def test_the_app_level_token_is_only_for_apps_methods() -> None:
    with FakeSlack() as fake:
        as_app = WebClient(base_url=fake.api_url, token=fake.app_token, timeout=5)
        with pytest.raises(SlackApiError) as caught:
            as_app.auth_test()
        assert caught.value.response["error"] == "not_allowed_token_type"
        as_bot = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        with pytest.raises(SlackApiError) as bot_caught:
            as_bot.apps_connections_open(app_token=fake.bot_token)
        assert bot_caught.value.response["error"] == "not_allowed_token_type"
        url = as_bot.apps_connections_open(app_token=fake.app_token)["url"]
        assert url.startswith("ws://127.0.0.1:")


def test_a_manifest_file_path_and_a_dict_are_read_alike() -> None:
    assert REPO_MANIFEST is not None
    from_path = resolve_manifest(REPO_MANIFEST)
    from_dict = AppManifest.from_dict(yaml.safe_load(REPO_MANIFEST.read_text(encoding="utf-8")))
    assert from_path.bot_scopes == from_dict.bot_scopes
    assert [c.command for c in from_path.commands] == [c.command for c in from_dict.commands]
    assert from_path.without_scopes("chat:write").bot_scopes == tuple(
        scope for scope in from_path.bot_scopes if scope != "chat:write"
    )
