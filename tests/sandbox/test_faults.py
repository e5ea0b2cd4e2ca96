"""The ways a real Slack call goes wrong, on demand: gateway errors, resets, slowness, and
"it worked but the answer says it failed"."""

from __future__ import annotations

import time
from typing import cast
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)

from sandbox.fake_slack import FakeSlack


def bare_client(fake: FakeSlack, *, timeout: float = 5) -> WebClient:
    """A client without any retry handler, to see each failure as the app's code would."""
    # slack_sdk annotates timeout as int but hands it to urllib, which takes float seconds.
    seconds = cast(int, timeout)
    return WebClient(
        base_url=fake.api_url, token=fake.bot_token, timeout=seconds, retry_handlers=[]
    )


@pytest.mark.parametrize(("status", "code"), [(502, "bad_gateway"), (504, "request_timeout")])
def test_502_and_504_answer_with_their_status(fake: FakeSlack, status: int, code: str) -> None:
    fake.fail_next("chat.postMessage", status=status)
    with pytest.raises(SlackApiError) as caught:
        bare_client(fake).chat_postMessage(channel="U_ANA", text="pulse")
    assert caught.value.response.status_code == status
    assert caught.value.response["error"] == code
    assert fake.dm_messages("U_ANA") == []


def test_slack_sdks_server_error_handler_does_not_retry_a_502(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=2)],
    )
    fake.fail_next("chat.postMessage", status=502)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U_ANA", text="pulse")
    assert [call.status for call in fake.calls_to("chat.postMessage")] == [502]


def test_a_gateway_can_answer_an_html_page_instead_of_json(fake: FakeSlack) -> None:
    fake.fail_next("users.info", status=504, html=True)
    with pytest.raises(SlackApiError) as caught:
        bare_client(fake).users_info(user="U_ANA")
    assert caught.value.response.status_code == 504
    assert "non-JSON" in str(caught.value.response["error"])
    assert fake.calls_to("users.info")[0].status == 504


def test_a_connection_reset_gets_no_answer_and_does_no_work(fake: FakeSlack) -> None:
    fake.reset_next("chat.postMessage")
    with pytest.raises((URLError, ConnectionError)):
        bare_client(fake).chat_postMessage(channel="U_ANA", text="pulse")
    assert fake.dm_messages("U_ANA") == []
    assert fake.calls_to("chat.postMessage")[0].status == 0


def test_the_connection_error_handler_retries_a_reset_once(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )
    fake.reset_next("chat.postMessage")
    assert client.chat_postMessage(channel="U_ANA", text="pulse")["ok"]
    assert [call.status for call in fake.calls_to("chat.postMessage")] == [0, 200]
    assert len(fake.dm_messages("U_ANA")) == 1


def test_a_slow_answer_trips_the_clients_timeout_but_the_work_is_done(fake: FakeSlack) -> None:
    fake.delay_next("chat.postMessage", 1.0)
    started = time.monotonic()
    with pytest.raises((TimeoutError, URLError)):
        bare_client(fake, timeout=0.3).chat_postMessage(channel="U_ANA", text="pulse")
    assert time.monotonic() - started < 0.9
    time.sleep(1.0)
    assert [message["text"] for message in fake.dm_messages("U_ANA")] == ["pulse"]


def test_a_slow_answer_within_the_timeout_succeeds_late(fake: FakeSlack) -> None:
    fake.delay_next("users.info", 0.4)
    started = time.monotonic()
    assert bare_client(fake).users_info(user="U_ANA")["ok"]
    assert time.monotonic() - started >= 0.4


def test_accepted_but_answered_5xx_stores_the_message_and_a_naive_retry_duplicates_it(
    fake: FakeSlack,
) -> None:
    fake.accept_then_fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError) as caught:
        bare_client(fake).chat_postMessage(channel="U_ANA", text="kudos")
    assert caught.value.response.status_code == 500
    assert [message["text"] for message in fake.dm_messages("U_ANA")] == ["kudos"]
    fake.accept_then_fail_next("chat.postMessage", status=503)
    retrying = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)],
    )
    retrying.chat_postMessage(channel="U_ANA", text="pulse")
    assert [message["text"] for message in fake.dm_messages("U_ANA")] == [
        "kudos",
        "pulse",
        "pulse",
    ]


def test_accept_then_fail_is_only_for_server_errors(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="5xx"):
        fake.accept_then_fail_next("chat.postMessage", status=429)
