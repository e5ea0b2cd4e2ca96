"""File uploads go through the external-upload flow that files_upload_v2 uses."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.fake_slack import FakeSlack

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def test_files_upload_v2_to_a_dm_channel_stores_the_bytes(
    client: WebClient, fake: FakeSlack
) -> None:
    dm = client.conversations_open(users="U_ANA")["channel"]["id"]
    answer = client.files_upload_v2(
        channel=dm, content=PNG, filename="scores.png", title="Scores", initial_comment="Your chart"
    )
    file_id = answer["file"]["id"]
    assert fake.files[file_id].content == PNG
    assert answer["file"]["title"] == "Scores"
    assert answer["file"]["mimetype"] == "image/png"
    assert answer["file"]["ims"] == [dm]
    [message] = fake.dm_messages("U_ANA")
    assert message["text"] == "Your chart"
    assert message["files"][0]["id"] == file_id


def test_files_upload_v2_to_a_user_id_is_channel_not_found_like_slack(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.files_upload_v2(channel="U_ANA", content=b"x", filename="a.txt")
    assert caught.value.response["error"] == "channel_not_found"


def test_an_upload_that_was_never_sent_cannot_be_completed(client: WebClient) -> None:
    reserved = client.files_getUploadURLExternal(filename="a.txt", length=3)
    assert reserved["upload_url"].startswith("http://127.0.0.1:")
    with pytest.raises(SlackApiError) as caught:
        client.files_completeUploadExternal(
            files=[{"id": reserved["file_id"]}], channel_id="C_TEAM"
        )
    assert caught.value.response["error"] == "file_not_found"


def test_the_old_files_upload_method_is_gone(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("files.upload", data={"channels": "C_TEAM", "content": "x"})
    assert caught.value.response["error"] == "method_deprecated"
