"""Rate limits and failures: a 429 carries Retry-After, buckets refill, retries get through."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from sandbox.fake_slack import FakeSlack
from sandbox.rate_limits import RateLimiter, RateLimitRule


def test_a_429_carries_retry_after_and_the_sdk_retry_handler_gets_through(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    fake.fail_next("chat.postMessage", retry_after=1)
    started = time.monotonic()
    answer = client.chat_postMessage(channel="U_ANA", text="pulse")
    assert answer["ok"]
    assert time.monotonic() - started >= 0.9
    first, second = fake.calls_to("chat.postMessage")
    assert (first.status, first.response["error"]) == (429, "ratelimited")
    assert second.ok
    assert fake.rate_limited_count("chat.postMessage") == 1
    assert len(fake.dm_messages("U_ANA")) == 1


def test_without_a_retry_handler_the_429_surfaces_with_its_header(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.fail_next("users.list", retry_after=7)
    with pytest.raises(SlackApiError) as caught:
        client.users_list()
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "7"


def test_a_503_is_retried_by_the_server_error_handler(fake: FakeSlack) -> None:
    client = WebClient(
        base_url=fake.api_url,
        token=fake.bot_token,
        retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("users.info", status=503)
    assert client.users_info(user="U_ANA")["ok"]
    assert [call.status for call in fake.calls_to("users.info")] == [503, 200]


def test_an_injected_error_answers_ok_false_over_http_200(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.fail_next("conversations.open", error="fatal_error", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as caught:
            client.conversations_open(users="U_ANA")
        assert caught.value.response.status_code == 200
        assert caught.value.response["error"] == "fatal_error"
    assert client.conversations_open(users="U_ANA")["ok"]


def test_a_token_bucket_refuses_the_call_over_the_limit_with_a_correct_retry_after(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.set_rate_limit("users.list", per_minute=20, burst=2)
    client.users_list()
    client.users_list()
    with pytest.raises(SlackApiError) as caught:
        client.users_list()
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "3"
    assert fake.rate_limited["users.list"] == 1


def test_chat_post_message_is_limited_per_channel_not_across_channels(
    client: WebClient, fake: FakeSlack
) -> None:
    fake.set_rate_limit("chat.postMessage", per_minute=600, per_channel_per_second=1)
    client.chat_postMessage(channel="U_ANA", text="1")
    client.chat_postMessage(channel="U_BOB", text="1")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="DU_ANA", text="2")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "1"


def test_buckets_refill_with_time() -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    limiter.set_rule("views.open", RateLimitRule(per_minute=60, burst=1))
    assert limiter.admit("views.open") is None
    assert limiter.admit("views.open") == 1
    now[0] += 1.0
    assert limiter.admit("views.open") is None
    assert limiter.served_429() == {"views.open": 1}


def test_slacks_documented_tiers_can_be_switched_on(client: WebClient, fake: FakeSlack) -> None:
    fake.enforce_slack_rate_limits()
    for _ in range(20):
        client.usergroups_users_list(usergroup="S_SALES")
    with pytest.raises(SlackApiError) as caught:
        client.usergroups_users_list(usergroup="S_SALES")
    assert caught.value.response.status_code == 429
    fake.clear_rate_limits()
    assert client.usergroups_users_list(usergroup="S_SALES")["ok"]
