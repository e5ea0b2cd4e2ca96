"""Messages and views that break Block Kit limits are refused the way Slack refuses them."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.block_kit_limits import validate_message_blocks, validate_view
from sandbox.fake_slack import FakeSlack


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str, action_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        **extra,
    }


def modal(**extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Give kudos"},
        "blocks": [section("hello")],
    }
    view.update(extra)
    return view


def refusal(client: WebClient, **kwargs: Any) -> dict[str, Any]:
    """Post through the generic api_call (slack-sdk's chat_postMessage would only warn about
    a missing text before sending) and return Slack's refusal."""
    with pytest.raises(SlackApiError) as caught:
        client.api_call("chat.postMessage", json={"channel": "C_TEAM", **kwargs})
    data = caught.value.response.data
    assert isinstance(data, dict)
    return data


def test_a_message_with_51_blocks_is_refused_like_slack_refuses_it(client: WebClient) -> None:
    answer = refusal(client, text="many", blocks=[section(f"b{i}") for i in range(51)])
    assert answer["error"] == "invalid_blocks"
    assert answer["errors"] == ["must provide no more than 50 items [json-pointer:/blocks]"]
    assert answer["response_metadata"]["messages"][0].startswith("[ERROR] ")


def test_a_message_with_50_blocks_is_accepted(client: WebClient, fake: FakeSlack) -> None:
    client.chat_postMessage(channel="C_TEAM", text="many", blocks=[section("x")] * 50)
    assert len(fake.messages("C_TEAM")[-1]["blocks"]) == 50


def test_blocks_without_top_level_text_are_refused_because_the_app_must_send_text(
    client: WebClient,
) -> None:
    assert refusal(client, blocks=[section("hi")])["error"] == "missing_text"


def test_slacks_lenient_behaviour_without_text_can_be_restored() -> None:
    with FakeSlack(require_text_with_blocks=False) as lenient:
        client = WebClient(base_url=lenient.api_url, token=lenient.bot_token)
        body = {"channel": "C_GENERAL", "blocks": [section("hi")]}
        assert client.api_call("chat.postMessage", json=body)["ok"]


def test_a_message_with_neither_text_nor_blocks_is_no_text(client: WebClient) -> None:
    assert refusal(client)["error"] == "no_text"


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section("x" * 3001)], "/blocks/0/text/text"),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
            "/blocks/0/fields",
        ),
        (
            [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
            "/blocks/0/fields/0/text",
        ),
        (
            [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
            "/blocks/0/text/text",
        ),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], "/blocks/0/text/type"),
        (
            [{"type": "actions", "elements": [button("b" * 76, "a")]}],
            "/blocks/0/elements/0/text/text",
        ),
        (
            [{"type": "actions", "elements": [button("b", "a" * 256)]}],
            "/blocks/0/elements/0/action_id",
        ),
        ([section("x", block_id="b" * 256)], "/blocks/0/block_id"),
        ([section("x", block_id="same"), section("y", block_id="same")], "/blocks/1/block_id"),
        (
            [{"type": "actions", "elements": [button("a", "dup"), button("b", "dup")]}],
            "/blocks/0/elements/1/action_id",
        ),
        (
            [{"type": "actions", "elements": [button(str(i), f"a{i}") for i in range(26)]}],
            "/blocks/0/elements",
        ),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
            "/blocks/0/elements",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [button("b", "a", url="https://x.test/" + "u" * 3000)],
                }
            ],
            "/blocks/0/elements/0/url",
        ),
        (
            [{"type": "actions", "elements": [button("b", "a", value="v" * 2001)]}],
            "/blocks/0/elements/0/value",
        ),
        ([{"type": "section", "text": {"type": "markdown", "text": "x"}}], "/blocks/0/text/type"),
        ([{"type": "image", "alt_text": "chart"}], "/blocks/0"),
        ([{"type": "image", "image_url": "https://x.test/a.png"}], "/blocks/0"),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "Why"},
                    "element": {"type": "plain_text_input", "action_id": "t", "max_length": 3001},
                }
            ],
            "/blocks/0/element/max_length",
        ),
        ([{"type": "banana"}], "/blocks/0/type"),
    ],
    ids=[
        "section text over 3000",
        "more than 10 fields",
        "field over 2000",
        "header over 150",
        "header not plain_text",
        "button text over 75",
        "action_id over 255",
        "block_id over 255",
        "duplicate block_id",
        "duplicate action_id in a block",
        "more than 25 elements in actions",
        "more than 10 context elements",
        "button url over 3000",
        "button value over 2000",
        "unknown text object type",
        "image without url",
        "image without alt_text",
        "plain_text_input max_length over 3000",
        "unknown block type",
    ],
)
def test_each_block_kit_limit_is_enforced(
    client: WebClient, blocks: list[dict[str, Any]], pointer: str
) -> None:
    answer = refusal(client, text="fallback", blocks=blocks)
    assert answer["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in error for error in answer["errors"]), answer["errors"]


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


@pytest.mark.parametrize(
    ("options", "pointer"),
    [
        ([option("o" * 76, "v")], "/blocks/0/elements/0/options/0/text/text"),
        ([option("o", "v" * 151)], "/blocks/0/elements/0/options/0/value"),
        ([option(str(i), str(i)) for i in range(101)], "/blocks/0/elements/0/options"),
    ],
    ids=["option text over 75", "option value over 150", "more than 100 options"],
)
def test_select_option_limits(client: WebClient, options: list[Any], pointer: str) -> None:
    select = {"type": "static_select", "action_id": "pick", "options": options}
    answer = refusal(client, text="t", blocks=[{"type": "actions", "elements": [select]}])
    assert any(pointer in error for error in answer["errors"]), answer["errors"]


def test_too_much_text_in_total_is_msg_blocks_too_long(client: WebClient) -> None:
    blocks = [section("x" * 2500) for _ in range(5)]
    assert refusal(client, text="long", blocks=blocks)["error"] == "msg_blocks_too_long"


def test_blocks_that_are_not_a_list_are_invalid_blocks_format(client: WebClient) -> None:
    assert refusal(client, text="t", blocks="not json")["error"] == "invalid_blocks_format"


def test_response_url_posts_are_validated_as_messages(fake: FakeSlack) -> None:
    from slack_sdk.webhook import WebhookClient

    url = fake.new_response_url(channel_id="C_TEAM", user_id="U_ANA")
    answer = WebhookClient(url).send(text="t", blocks=[section("x" * 3001)])
    assert answer.status_code == 400
    [call] = fake.calls_to("response_url")
    assert call.response["error"] == "invalid_blocks"


def test_a_modal_title_over_24_characters_is_refused() -> None:
    problem = validate_view(modal(title={"type": "plain_text", "text": "t" * 25}))
    assert problem is not None
    assert problem.error == "invalid_arguments"
    assert problem.errors == ("must be less than 25 characters [json-pointer:/view/title/text]",)


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (modal(submit={"type": "plain_text", "text": "s" * 25}), "/view/submit/text"),
        (modal(close={"type": "plain_text", "text": "c" * 25}), "/view/close/text"),
        (modal(private_metadata="m" * 3001), "/view/private_metadata"),
        (modal(callback_id="c" * 256), "/view/callback_id"),
        (modal(blocks=[section(str(i)) for i in range(101)]), "/view/blocks"),
        (
            modal(
                blocks=[
                    {
                        "type": "input",
                        "label": {"type": "plain_text", "text": "x"},
                        "element": {"type": "plain_text_input", "action_id": "a"},
                    }
                ]
            ),
            "/view",
        ),
        (
            modal(blocks=[{"type": "file", "external_id": "x", "source": "remote"}]),
            "/view/blocks/0/type",
        ),
    ],
    ids=[
        "submit",
        "close",
        "private_metadata",
        "callback_id",
        "101 blocks",
        "inputs need submit",
        "file block only in messages",
    ],
)
def test_view_limits(
    client: WebClient, fake: FakeSlack, view: dict[str, Any], pointer: str
) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id=fake.new_trigger_id("U_ANA"), view=view)
    data = caught.value.response.data
    assert isinstance(data, dict)
    assert data["error"] == "invalid_arguments"
    assert any(
        f"[json-pointer:{pointer}]" in line for line in data["response_metadata"]["messages"]
    )


def test_a_modal_and_a_home_tab_may_hold_100_blocks() -> None:
    assert validate_view(modal(blocks=[section(str(i)) for i in range(100)])) is None
    home = {"type": "home", "blocks": [section(str(i)) for i in range(100)]}
    assert validate_view(home, expected_type="home") is None


def test_a_rich_realistic_message_passes() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly digest"}},
        section("*Team Sales*", accessory=button("Open", "open", style="primary")),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{i}*"} for i in range(10)]},
        {"type": "divider"},
        {
            "type": "image",
            "image_url": "https://x.test/c.png",
            "alt_text": "chart",
            "title": {"type": "plain_text", "text": "Scores"},
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "note"},
                {"type": "image", "image_url": "https://x.test/i.png", "alt_text": "icon"},
            ],
        },
        {
            "type": "actions",
            "elements": [
                button("Thanks", "thanks", value="1"),
                {
                    "type": "static_select",
                    "action_id": "pick",
                    "placeholder": {"type": "plain_text", "text": "Choose"},
                    "options": [option("A", "a"), option("B", "b")],
                },
                {"type": "overflow", "action_id": "more", "options": [option("X", "x")]},
            ],
        },
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}
            ],
        },
    ]
    assert validate_message_blocks(blocks) is None
