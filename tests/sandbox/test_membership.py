"""Where the bot may post: Slack refuses channels it is not in, and so does the fake."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox import demo_workspace
from sandbox.fake_slack import FakeSlack
from sandbox.manifest import AppManifest, resolve_manifest


def error_of(call: object) -> str:
    assert isinstance(call, pytest.ExceptionInfo)
    error = call.value
    assert isinstance(error, SlackApiError)
    return str(error.response["error"])


@pytest.fixture
def demo() -> Iterator[tuple[FakeSlack, WebClient]]:
    """The seeded demo workspace, with the repository's manifest."""
    with FakeSlack() as fake:
        demo_workspace.seed(fake)
        yield fake, WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)


def test_the_seeded_workspace_has_the_bot_in_kudos_but_not_everywhere(
    demo: tuple[FakeSlack, WebClient],
) -> None:
    fake, client = demo
    assert fake.bot_is_member(demo_workspace.KUDOS_CHANNEL)
    assert not fake.bot_is_member(demo_workspace.RANDOM_CHANNEL)
    assert not fake.bot_is_member(demo_workspace.LEADS_CHANNEL)
    assert client.chat_postMessage(channel=demo_workspace.KUDOS_CHANNEL, text="Kudos!")["ok"]


def test_posting_in_a_public_channel_without_the_bot_is_not_in_channel(
    demo: tuple[FakeSlack, WebClient],
) -> None:
    fake, client = demo
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=demo_workspace.RANDOM_CHANNEL, text="hi")
    assert error_of(caught) == "not_in_channel"
    assert fake.messages(demo_workspace.RANDOM_CHANNEL) == []


def test_an_ephemeral_where_the_bot_is_not_is_refused_too(
    demo: tuple[FakeSlack, WebClient],
) -> None:
    _, client = demo
    with pytest.raises(SlackApiError) as caught:
        client.chat_postEphemeral(channel=demo_workspace.RANDOM_CHANNEL, user="U02ANA", text="x")
    assert error_of(caught) == "not_in_channel"


def test_a_private_channel_without_the_bot_does_not_exist_for_it(
    demo: tuple[FakeSlack, WebClient],
) -> None:
    _, client = demo
    posts: list[Callable[[], object]] = [
        lambda: client.chat_postMessage(channel=demo_workspace.LEADS_CHANNEL, text="x"),
        lambda: client.chat_postEphemeral(
            channel=demo_workspace.LEADS_CHANNEL, user="U01CARMEN", text="x"
        ),
    ]
    for post in posts:
        with pytest.raises(SlackApiError) as caught:
            post()
        assert error_of(caught) == "channel_not_found"


def test_an_unknown_channel_id_is_channel_not_found(demo: tuple[FakeSlack, WebClient]) -> None:
    _, client = demo
    posts: list[Callable[[], object]] = [
        lambda: client.chat_postMessage(channel="C0NOSUCH", text="x"),
        lambda: client.chat_postEphemeral(channel="C0NOSUCH", user="U02ANA", text="x"),
        lambda: client.chat_update(channel="C0NOSUCH", ts="1.000001", text="x"),
    ]
    for post in posts:
        with pytest.raises(SlackApiError) as caught:
            post()
        assert error_of(caught) == "channel_not_found"


def test_updating_after_the_bot_was_removed_is_not_in_channel(
    demo: tuple[FakeSlack, WebClient],
) -> None:
    fake, client = demo
    posted = client.chat_postMessage(channel=demo_workspace.SALES_CHANNEL, text="v1")
    fake.remove_bot(demo_workspace.SALES_CHANNEL)
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel=demo_workspace.SALES_CHANNEL, ts=posted["ts"], text="v2")
    assert error_of(caught) == "not_in_channel"
    fake.invite_bot(demo_workspace.SALES_CHANNEL)
    assert client.chat_update(channel=demo_workspace.SALES_CHANNEL, ts=posted["ts"], text="v2")


def test_chat_write_public_lets_the_bot_post_in_public_channels_only() -> None:
    with_public = resolve_manifest(None).with_scopes("chat:write.public")
    with FakeSlack(manifest=with_public) as fake:
        demo_workspace.seed(fake)
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        posted = client.chat_postMessage(channel=demo_workspace.RANDOM_CHANNEL, text="Kudos!")
        assert fake.messages(demo_workspace.RANDOM_CHANNEL)[0]["text"] == "Kudos!"
        edited = client.chat_update(
            channel=demo_workspace.RANDOM_CHANNEL, ts=posted["ts"], text="Kudos!!"
        )
        assert edited["ok"]
        with pytest.raises(SlackApiError) as ephemeral:
            client.chat_postEphemeral(
                channel=demo_workspace.RANDOM_CHANNEL, user="U02ANA", text="only you"
            )
        assert error_of(ephemeral) == "not_in_channel"
        with pytest.raises(SlackApiError) as private:
            client.chat_postMessage(channel=demo_workspace.LEADS_CHANNEL, text="x")
        assert error_of(private) == "channel_not_found"


def test_without_chat_write_public_in_the_manifest_the_scope_does_not_exist() -> None:
    assert "chat:write.public" not in resolve_manifest(None).bot_scopes
    assert "chat:write.public" not in FakeSlack().scopes


def test_membership_can_be_switched_off_for_a_lenient_fake() -> None:
    with FakeSlack(membership=False, manifest=AppManifest()) as fake:
        fake.add_channel("C_ELSEWHERE", "elsewhere", bot_is_member=False)
        client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=5)
        assert client.chat_postMessage(channel="C_ELSEWHERE", text="hi")["ok"]
