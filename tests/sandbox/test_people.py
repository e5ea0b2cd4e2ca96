"""Who is who: auth.test, users.*, usergroups.* answer with Slack's shapes and errors."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.fake_slack import FakeSlack


def test_auth_test_says_who_the_bot_is_as_bolt_expects(client: WebClient, fake: FakeSlack) -> None:
    answer = client.auth_test()
    assert answer["user_id"] == fake.bot_user_id == "UAPLAUSOBOT"
    assert answer["bot_id"] == "BAPLAUSO"
    assert answer["team_id"] == "TSANDBOX"
    assert answer["is_enterprise_install"] is False
    assert answer["url"] == "https://sandbox.slack.com/"
    assert "chat:write" in answer.headers["x-oauth-scopes"]


def test_a_wrong_token_is_invalid_auth_and_no_token_is_not_authed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as wrong:
        WebClient(base_url=fake.api_url, token="xoxb-wrong").auth_test()
    assert wrong.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=fake.api_url).auth_test()
    assert missing.value.response["error"] == "not_authed"


def test_a_token_may_also_come_as_a_post_parameter(fake: FakeSlack) -> None:
    answer = WebClient(base_url=fake.api_url).api_call(
        "auth.test", params={"token": fake.bot_token}
    )
    assert answer["ok"]


def test_unknown_methods_answer_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.api_call("reactions.get")
    assert caught.value.response.status_code == 200
    assert caught.value.response["error"] == "unknown_method"


def test_locale_is_only_returned_when_asked_for(client: WebClient) -> None:
    assert "locale" not in client.users_info(user="U_ANA")["user"]
    assert client.users_info(user="U_ANA", include_locale=True)["user"]["locale"] == "es-LA"


def test_users_info_has_the_fields_the_app_reads(client: WebClient) -> None:
    user = client.users_info(user="U_ANA")["user"]
    assert user["id"] == "U_ANA"
    assert user["team_id"] == "TSANDBOX"
    assert user["name"] == "ana"
    assert user["real_name"] == "Ana Torres"
    assert user["tz"] == "America/Mexico_City"
    assert user["tz_label"]
    assert user["is_bot"] is False
    assert user["is_app_user"] is False
    assert user["deleted"] is False
    assert user["profile"]["email"] == "ana@example.test"
    assert user["profile"]["image_48"].startswith("https://")


def test_tz_offset_follows_the_zone_and_daylight_saving(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U_NY", "newyorker", tz="America/New_York")
    now = datetime.now(ZoneInfo("America/New_York"))
    expected = now.utcoffset()
    assert expected is not None
    assert client.users_info(user="U_NY")["user"]["tz_offset"] == int(expected.total_seconds())


def test_an_unknown_person_is_user_not_found(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.users_info(user="U_NOBODY")
    assert caught.value.response["error"] == "user_not_found"


def test_bots_and_former_employees_are_marked(client: WebClient) -> None:
    bot = client.users_info(user="U_DEPLOY")["user"]
    assert bot["is_bot"] is True
    assert bot["profile"]["bot_id"]
    former = client.users_info(user="U_GONE")["user"]
    assert former["deleted"] is True
    assert "tz" not in former


def test_users_list_pages_through_every_person_with_a_cursor(
    fake: FakeSlack, client: WebClient
) -> None:
    for index in range(23):
        fake.add_user(f"U{index:03d}", f"person{index}")
    seen: list[str] = []
    pages = 0
    for page in client.users_list(limit=5, include_locale=True):
        pages += 1
        assert len(page["members"]) <= 5
        assert all("locale" in member for member in page["members"])
        seen.extend(member["id"] for member in page["members"])
    assert page["response_metadata"]["next_cursor"] == ""
    assert len(seen) == len(set(seen))
    assert {"USLACKBOT", "UAPLAUSOBOT", "U_DEPLOY", "U_GONE", "U_ANA", "U022"} <= set(seen)
    assert pages == -(-len(seen) // 5)


def test_slackbot_is_listed_but_not_as_a_bot_just_like_slack(client: WebClient) -> None:
    members = {member["id"]: member for member in client.users_list()["members"]}
    assert members["USLACKBOT"]["is_bot"] is False


def test_users_list_default_page_is_200(fake: FakeSlack, client: WebClient) -> None:
    for index in range(205):
        fake.add_user(f"UX{index:03d}", f"p{index}")
    first = client.users_list()
    assert len(first["members"]) == 200
    assert first["response_metadata"]["next_cursor"]


def test_a_forged_cursor_is_invalid_cursor(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.users_list(cursor="not-a-cursor")
    assert caught.value.response["error"] == "invalid_cursor"


def test_users_lookup_by_email(client: WebClient, fake: FakeSlack) -> None:
    fake.grant_scopes("users:read.email")  # not in the app's manifest
    assert client.users_lookupByEmail(email="BOB@example.test")["user"]["id"] == "U_BOB"
    with pytest.raises(SlackApiError) as caught:
        client.users_lookupByEmail(email="nobody@example.test")
    assert caught.value.response["error"] == "users_not_found"


def test_usergroup_members_and_an_unknown_group(client: WebClient) -> None:
    assert client.usergroups_users_list(usergroup="S_SALES")["users"] == ["U_ANA", "U_BOB"]
    with pytest.raises(SlackApiError) as caught:
        client.usergroups_users_list(usergroup="S_NOPE")
    assert caught.value.response["error"] == "no_such_subteam"
    [group] = client.usergroups_list(include_users=True, include_count=True)["usergroups"]
    assert group["handle"] == "sales"
    assert group["user_count"] == 2
    assert group["users"] == ["U_ANA", "U_BOB"]


def test_calls_are_recorded_with_params_and_answers(client: WebClient, fake: FakeSlack) -> None:
    fake.clear_calls()
    client.users_info(user="U_ANA", include_locale=True)
    [call] = fake.calls_to("users.info")
    assert call.params == {"user": "U_ANA", "include_locale": "1"}
    assert call.ok
    assert call.response["user"]["id"] == "U_ANA"
    assert call.seq >= 1


def test_arguments_may_come_as_query_string_form_fields_or_json(
    fake: FakeSlack, client: WebClient
) -> None:
    import json
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{fake.api_url}users.info?user=U_BOB&include_locale=true",
        headers={"Authorization": f"Bearer {fake.bot_token}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
        assert json.loads(response.read())["user"]["locale"] == "en-US"
    blocks = '[{"type": "section", "text": {"type": "mrkdwn", "text": "form"}}]'
    form = client.api_call(
        "chat.postMessage", params={"channel": "C_TEAM", "text": "t", "blocks": blocks}
    )
    assert form["message"]["blocks"][0]["text"]["text"] == "form"
    as_json = client.api_call(
        "chat.postMessage", json={"channel": "C_TEAM", "text": "t", "blocks": json.loads(blocks)}
    )
    assert as_json["message"]["blocks"] == form["message"]["blocks"]
