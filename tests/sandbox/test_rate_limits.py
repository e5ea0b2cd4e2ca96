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
from sandbox.rate_limits import (
    METHOD_TIERS,
    TIER_PER_MINUTE,
    RateLimiter,
    RateLimitRule,
    slack_default_rules,
)
from sandbox.strictness import STRICT_DEFAULTS


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


def test_slacks_tiers_are_on_by_default_and_a_bench_can_switch_them_off() -> None:
    with FakeSlack() as strict_fake:
        client = WebClient(base_url=strict_fake.api_url, token=strict_fake.bot_token)
        for _ in range(TIER_PER_MINUTE[2]):
            client.users_list()
        with pytest.raises(SlackApiError) as caught:
            client.users_list()
        assert caught.value.response.status_code == 429
        assert int(caught.value.response.headers["Retry-After"]) >= 1
    with FakeSlack(rate_limits=False) as bench_fake:
        client = WebClient(base_url=bench_fake.api_url, token=bench_fake.bot_token)
        for _ in range(TIER_PER_MINUTE[2] + 5):
            assert client.users_list()["ok"]


def test_the_module_default_decides_when_the_fake_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(STRICT_DEFAULTS, "rate_limits", False)
    with FakeSlack() as lenient:
        client = WebClient(base_url=lenient.api_url, token=lenient.bot_token)
        for _ in range(TIER_PER_MINUTE[2] + 5):
            client.users_list()
        assert lenient.rate_limited == {}


def test_each_method_gets_its_documented_tier() -> None:
    assert METHOD_TIERS["users.list"] == 2
    assert METHOD_TIERS["usergroups.users.list"] == 2
    assert METHOD_TIERS["conversations.open"] == 3
    assert METHOD_TIERS["conversations.history"] == 3
    assert METHOD_TIERS["users.info"] == 4
    assert METHOD_TIERS["views.open"] == 4
    assert METHOD_TIERS["apps.connections.open"] == 1
    rules = slack_default_rules()
    assert rules["views.publish"].per_minute == 100
    assert rules["chat.update"].per_minute == 50


def test_post_message_allows_a_short_burst_per_channel_then_one_a_second(
    fake: FakeSlack, client: WebClient
) -> None:
    for index in range(3):
        client.chat_postMessage(channel="C_TEAM", text=str(index))
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C_TEAM", text="one too many")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C_GENERAL", text="another channel is fine")["ok"]
    time.sleep(1.05)
    assert client.chat_postMessage(channel="C_TEAM", text="a second later")["ok"]
    assert len(fake.messages("C_TEAM")) == 4


def test_post_message_has_a_workspace_wide_burst_across_channels(fake: FakeSlack) -> None:
    for index in range(150):
        fake.add_user(f"UW{index:03d}", f"w{index}")
    client = WebClient(base_url=fake.api_url, token=fake.bot_token)

    def post_until_refused() -> tuple[int, int]:
        for index in range(150):  # one message per person: no channel limit is reached
            try:
                client.chat_postMessage(channel=f"UW{index:03d}", text="pulse")
            except SlackApiError as error:
                return index, error.response.status_code
        return 150, 200

    sent, status = post_until_refused()
    assert status == 429
    assert 100 <= sent < 140  # the burst of 100, plus what refilled (10 a second) meanwhile
    assert fake.rate_limited_count("chat.postMessage") == 1


def test_tier_1_tolerates_a_small_burst_only(fake: FakeSlack) -> None:
    client = WebClient(base_url=fake.api_url, token=fake.app_token)
    for _ in range(3):
        client.apps_connections_open(app_token=fake.app_token)
    with pytest.raises(SlackApiError) as caught:
        client.apps_connections_open(app_token=fake.app_token)
    assert caught.value.response.status_code == 429
    assert int(caught.value.response.headers["Retry-After"]) > 1
