"""Posting, threading, reading back and editing messages behave as in Slack."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.fake_slack import FakeSlack


def test_a_post_to_a_user_id_lands_in_the_apps_dm_with_that_person(
    client: WebClient, fake: FakeSlack
) -> None:
    answer = client.chat_postMessage(channel="U_ANA", text="Hola Ana")
    assert answer["channel"] == fake.dm_channel_id("U_ANA") == "DU_ANA"
    assert answer["message"]["user"] == fake.bot_user_id
    assert answer["message"]["bot_id"] == fake.bot_id
    [message] = fake.dm_messages("U_ANA")
    assert message["text"] == "Hola Ana"
    assert message["ts"] == answer["ts"]
    assert fake.messages("U_ANA") == fake.messages("DU_ANA")


def test_conversations_open_gives_a_stable_dm_id(client: WebClient) -> None:
    first = client.conversations_open(users="U_BOB")
    again = client.conversations_open(users="U_BOB")
    assert first["channel"]["id"] == again["channel"]["id"] == "DU_BOB"
    assert again["already_open"] is True


@pytest.mark.parametrize(
    ("user", "error"),
    [("U_GONE", "user_disabled"), ("U_DEPLOY", "cannot_dm_bot"), ("U_NOBODY", "user_not_found")],
)
def test_conversations_open_refuses_people_who_cannot_get_a_dm(
    client: WebClient, user: str, error: str
) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.conversations_open(users=user)
    assert caught.value.response["error"] == error


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("U_GONE", "user_not_found"),
        ("U_DEPLOY", "cannot_dm_bot"),
        ("C_NOPE", "channel_not_found"),
        ("U_NOBODY", "user_not_found"),
    ],
)
def test_posting_where_slack_would_refuse(client: WebClient, channel: str, error: str) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel=channel, text="hi")
    assert caught.value.response["error"] == error


def test_a_channel_without_the_bot_is_not_in_channel(client: WebClient, fake: FakeSlack) -> None:
    fake.add_channel("C_SECRETLESS", "elsewhere", ["U_ANA"], bot_is_member=False)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C_SECRETLESS", text="hi")
    assert caught.value.response["error"] == "not_in_channel"


def test_timestamps_increase_and_are_slack_shaped(client: WebClient, fake: FakeSlack) -> None:
    fake.clear_rate_limits()  # five posts in a row to one channel: about ts, not throttling
    stamps = [client.chat_postMessage(channel="C_TEAM", text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


def test_metadata_comes_back_only_with_include_all_metadata(client: WebClient) -> None:
    metadata = {"event_type": "digest_posted", "event_payload": {"week": "2026-W48"}}
    posted = client.chat_postMessage(channel="U_ANA", text="digest", metadata=metadata)
    assert posted["message"]["metadata"] == metadata
    plain = client.conversations_history(channel=posted["channel"])["messages"][0]
    assert "metadata" not in plain
    full = client.conversations_history(channel=posted["channel"], include_all_metadata=True)
    assert full["messages"][0]["metadata"] == metadata


def test_bad_metadata_is_refused(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C_TEAM", text="t", metadata={"event_payload": {}})
    assert caught.value.response["error"] == "invalid_metadata_schema"


def test_history_is_newest_first_and_finds_one_message_by_ts(
    client: WebClient, fake: FakeSlack
) -> None:
    stamps = [fake.add_message("C_TEAM", "U_BOB", f"m{i}") for i in range(5)]
    history = client.conversations_history(channel="C_TEAM")
    assert [m["text"] for m in history["messages"]] == ["m4", "m3", "m2", "m1", "m0"]
    one = client.conversations_history(channel="C_TEAM", latest=stamps[2], inclusive=True, limit=1)
    assert [m["text"] for m in one["messages"]] == ["m2"]
    assert one["messages"][0]["user"] == "U_BOB"
    exclusive = client.conversations_history(channel="C_TEAM", latest=stamps[2], limit=1)
    assert [m["text"] for m in exclusive["messages"]] == ["m1"]
    window = client.conversations_history(channel="C_TEAM", oldest=stamps[1], latest=stamps[3])
    assert [m["text"] for m in window["messages"]] == ["m2"]


def test_history_pages_with_a_cursor(client: WebClient, fake: FakeSlack) -> None:
    for i in range(7):
        fake.add_message("C_TEAM", "U_BOB", f"m{i}")
    texts: list[str] = []
    for page in client.conversations_history(channel="C_TEAM", limit=3):
        texts.extend(m["text"] for m in page["messages"])
    assert texts == [f"m{i}" for i in reversed(range(7))]


def test_a_thread_reply_keeps_history_flat_and_replies_list_the_thread(
    client: WebClient, fake: FakeSlack
) -> None:
    parent = fake.add_message("C_TEAM", "U_ANA", "parent")
    reply = client.chat_postMessage(channel="C_TEAM", text="reply", thread_ts=parent)
    assert reply["message"]["thread_ts"] == parent
    history = client.conversations_history(channel="C_TEAM")["messages"]
    assert [m["text"] for m in history] == ["parent"]
    assert history[0]["reply_count"] == 1
    thread = client.conversations_replies(channel="C_TEAM", ts=parent)["messages"]
    assert [m["text"] for m in thread] == ["parent", "reply"]
    by_reply = client.conversations_replies(channel="C_TEAM", ts=reply["ts"])["messages"]
    assert [m["text"] for m in by_reply] == ["parent", "reply"]
    assert [m["text"] for m in fake.messages("C_TEAM")] == ["parent", "reply"]


def test_replying_to_a_missing_thread_is_refused(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C_TEAM", text="r", thread_ts="1.000001")
    assert caught.value.response["error"] == "thread_not_found"


def test_update_delete_and_permalink_of_the_bots_own_message(
    client: WebClient, fake: FakeSlack
) -> None:
    posted = client.chat_postMessage(channel="C_TEAM", text="draft")
    updated = client.chat_update(channel="C_TEAM", ts=posted["ts"], text="final")
    assert updated["text"] == "final"
    assert fake.messages("C_TEAM")[-1]["text"] == "final"
    link = client.chat_getPermalink(channel="C_TEAM", message_ts=posted["ts"])["permalink"]
    assert link == f"https://sandbox.slack.com/archives/C_TEAM/p{posted['ts'].replace('.', '')}"
    client.chat_delete(channel="C_TEAM", ts=posted["ts"])
    assert fake.messages("C_TEAM") == []
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C_TEAM", ts=posted["ts"], text="again")
    assert caught.value.response["error"] == "message_not_found"


def test_the_bot_cannot_edit_a_persons_message(client: WebClient, fake: FakeSlack) -> None:
    ts = fake.add_message("C_TEAM", "U_ANA", "mine")
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C_TEAM", ts=ts, text="yours")
    assert caught.value.response["error"] == "cant_update_message"


def test_ephemeral_messages_are_kept_apart_from_history(client: WebClient, fake: FakeSlack) -> None:
    answer = client.chat_postEphemeral(channel="C_TEAM", user="U_ANA", text="only you")
    assert answer["message_ts"]
    assert fake.ephemerals("U_ANA")[0]["text"] == "only you"
    assert fake.messages("C_TEAM") == []
    with pytest.raises(SlackApiError) as caught:
        client.chat_postEphemeral(channel="C_TEAM", user="U_DEPLOY", text="x")
    assert caught.value.response["error"] == "user_not_in_channel"


def test_new_people_join_general_like_in_slack(client: WebClient, fake: FakeSlack) -> None:
    fake.grant_scopes("channels:read")  # not in the app's manifest: the app does not need it
    members = client.conversations_members(channel="C_GENERAL")["members"]
    assert {"U_ANA", "U_BOB"} <= set(members)
    assert "U_GONE" not in members
    info = client.conversations_info(channel="C_TEAM", include_num_members=True)["channel"]
    assert info["name"] == "team"
    assert info["num_members"] == 2
    assert info["is_member"] is True


def test_response_urls_show_ephemeral_replace_and_in_channel(
    fake: FakeSlack, client: WebClient
) -> None:
    from slack_sdk.webhook import WebhookClient

    posted = client.chat_postMessage(channel="C_TEAM", text="vote?")
    url = fake.new_response_url(channel_id="C_TEAM", user_id="U_ANA", message_ts=posted["ts"])
    webhook = WebhookClient(url)
    assert webhook.send(text="just for you").status_code == 200
    assert fake.ephemerals("U_ANA")[-1]["text"] == "just for you"
    webhook.send(text="voted", replace_original=True)
    assert fake.messages("C_TEAM")[-1]["text"] == "voted"
    webhook.send(text="everyone sees this", response_type="in_channel")
    assert fake.messages("C_TEAM")[-1]["text"] == "everyone sees this"
    webhook.send(delete_original=True)
    assert [m["text"] for m in fake.messages("C_TEAM")] == ["everyone sees this"]
    assert webhook.send(text="fifth use").status_code == 200
    assert webhook.send(text="sixth use").status_code == 404
    assert [c.response.get("error") for c in fake.calls_to("response_url")][-1] == "used_url"
