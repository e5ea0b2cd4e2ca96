"""The request kit delivers what Slack delivers, signed so a real Bolt app accepts it."""

from __future__ import annotations

import json
import time

from slack_sdk.signature import SignatureVerifier

from sandbox.fake_slack import FakeSlack
from sandbox.slack_requests import SignedSlackClient
from tests.sandbox.conftest import SIGNING_SECRET, BoltHarness


def test_a_signed_requests_signature_verifies_with_slack_sdk() -> None:
    kit = SignedSlackClient("http://127.0.0.1:9", SIGNING_SECRET)
    body = b'{"type":"event_callback"}'
    headers = kit.sign(body)
    verifier = SignatureVerifier(SIGNING_SECRET)
    assert verifier.is_valid(
        body=body,
        timestamp=headers["X-Slack-Request-Timestamp"],
        signature=headers["X-Slack-Signature"],
    )
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)


def test_bolt_rejects_a_stale_or_forged_signature(bolt: BoltHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c"}).encode()
    stale = bolt.kit.sign(body, timestamp=int(time.time()) - 600)
    answer = bolt.kit.raw(body, {"Content-Type": "application/json", **stale})
    assert answer.status == 401
    forged = {**bolt.kit.sign(body), "X-Slack-Signature": "v0=" + "0" * 64}
    assert bolt.kit.raw(body, {"Content-Type": "application/json", **forged}).status == 401


def test_url_verification_echoes_the_challenge(bolt: BoltHarness) -> None:
    answer = bolt.kit.url_verification("abc123")
    assert answer.status == 200
    assert answer.json == {"challenge": "abc123"}


def test_a_slash_command_carries_a_live_trigger_id_that_opens_a_modal(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    answer = bolt.kit.slash_command(
        "/kudos", "<@U_BOB> thanks", user_id="U_ANA", channel_id="C_TEAM"
    )
    assert answer.status == 200
    command = bolt.seen[0]["body"]
    assert command["command"] == "/kudos"
    assert command["text"] == "<@U_BOB> thanks"
    assert command["channel_name"] == "team"
    assert command["team_id"] == "TSANDBOX"
    [opened] = fake.calls_to("views.open")
    assert opened.ok, opened.response
    assert fake.open_modals("U_ANA")[0]["callback_id"] == "kudos_modal"
    assert answer.sent["trigger_id"] == command["trigger_id"]


def test_a_slash_command_carries_the_fields_of_slacks_form(bolt: BoltHarness) -> None:
    answer = bolt.kit.slash_command("/echo", "hello", user_id="U_ANA")
    assert answer.status == 200
    assert set(answer.sent) >= {"response_url", "trigger_id", "user_id", "channel_id", "api_app_id"}


def test_respond_through_the_response_url_reaches_the_fake(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    bolt.kit.slash_command("/echo", "hello", user_id="U_ANA", channel_id="C_TEAM")
    [reply] = fake.calls_to("response_url")
    assert reply.params["text"] == "you said hello"
    assert fake.ephemerals("U_ANA")[-1]["text"] == "you said hello"


def test_a_message_in_the_answer_to_a_command_is_shown_to_the_person_alone(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    answer = bolt.kit.slash_command("/answer", "hello", user_id="U_ANA", channel_id="C_TEAM")
    assert answer.body == "you said hello"  # Bolt answers a lone text as plain text
    [shown] = fake.calls_to("command_answer")
    assert shown.ok
    assert shown.params["response_url"] == answer.sent["response_url"]
    assert fake.ephemerals("U_ANA")[-1]["text"] == "you said hello"
    assert fake.calls_to("response_url") == []  # the URL stays unused, for later answers


def test_an_answer_slack_cannot_show_is_refused_like_a_bad_post(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    bolt.kit.slash_command("/answer", "blocks", user_id="U_ANA", channel_id="C_TEAM")
    [refused] = fake.calls_to("command_answer")
    assert not refused.ok
    assert refused.response["error"] == "invalid_blocks"
    assert fake.ephemerals("U_ANA") == []
    assert fake.private_answers() == [refused]


def test_an_empty_answer_shows_nothing(bolt: BoltHarness, fake: FakeSlack) -> None:
    bolt.kit.slash_command("/echo", "hello", user_id="U_ANA", channel_id="C_TEAM")
    assert fake.calls_to("command_answer") == []


def test_a_modal_submission_closes_it_and_errors_keep_it_open(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    bolt.kit.slash_command("/kudos", "", user_id="U_ANA", channel_id="C_TEAM")
    view_id = fake.open_modals("U_ANA")[0]["id"]
    empty = {"why": {"text": {"type": "plain_text_input", "value": ""}}}
    refused = bolt.kit.view_submission(
        "kudos_modal", user_id="U_ANA", view_id=view_id, state_values=empty
    )
    assert refused.json == {"response_action": "errors", "errors": {"why": "Say why"}}
    assert view_id in fake.views
    filled = {"why": {"text": {"type": "plain_text_input", "value": "Great help"}}}
    accepted = bolt.kit.view_submission(
        "kudos_modal", user_id="U_ANA", view_id=view_id, state_values=filled
    )
    assert accepted.status == 200
    assert view_id not in fake.views
    submitted = bolt.seen[-1]["body"]
    assert submitted["view"]["id"] == view_id
    assert submitted["view"]["hash"]
    assert submitted["view"]["title"]["text"] == "Give kudos"


def test_shortcuts_reach_their_listeners(bolt: BoltHarness, fake: FakeSlack) -> None:
    assert bolt.kit.global_shortcut("give_kudos", user_id="U_ANA").status == 200
    ts = fake.add_message("C_TEAM", "U_BOB", "I fixed the VPN")
    message = {"ts": ts, "user": "U_BOB", "text": "I fixed the VPN"}
    answer = bolt.kit.message_shortcut(
        "kudos_message", user_id="U_ANA", channel_id="C_TEAM", message=message
    )
    assert answer.status == 200
    kinds = [entry["kind"] for entry in bolt.seen]
    assert kinds == ["shortcut", "message_action"]
    action = bolt.seen[1]["body"]
    assert action["message"]["user"] == "U_BOB"
    assert action["channel"] == {"id": "C_TEAM", "name": "team"}


def test_a_button_click_on_a_message_can_replace_it(bolt: BoltHarness, fake: FakeSlack) -> None:
    from slack_sdk import WebClient

    client = WebClient(base_url=fake.api_url, token=fake.bot_token)
    button = {
        "type": "button",
        "action_id": "thanks",
        "text": {"type": "plain_text", "text": "Thanks"},
        "value": "k1",
    }
    posted = client.chat_postMessage(
        channel="C_TEAM",
        text="Kudos!",
        blocks=[{"type": "actions", "block_id": "b1", "elements": [button]}],
    )
    answer = bolt.kit.block_action("thanks", user_id="U_ANA", message=posted["message"])
    assert answer.status == 200
    body = bolt.seen[-1]["body"]
    assert body["actions"][0] == {
        **body["actions"][0],
        "type": "button",
        "value": "k1",
        "block_id": "b1",
    }
    assert body["container"]["channel_id"] == "C_TEAM"
    assert fake.messages("C_TEAM")[-1]["text"] == "Thanks sent"


def test_events_arrive_in_an_event_callback_envelope_with_retry_headers(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    ts = fake.add_message("C_TEAM", "U_BOB", "shipped")
    first = bolt.kit.reaction_added("U_ANA", "clap", "C_TEAM", ts)
    assert first.status == 200
    envelope = first.sent
    assert envelope["type"] == "event_callback"
    assert envelope["authorizations"][0] == {
        "enterprise_id": None,
        "team_id": "TSANDBOX",
        "user_id": fake.bot_user_id,
        "is_bot": True,
        "is_enterprise_install": False,
    }
    assert "item_user" not in envelope["event"]
    retry = bolt.kit.event(envelope["event"], event_id=envelope["event_id"], retry_num=1)
    assert retry.status == 200
    assert retry.sent["event_id"] == envelope["event_id"]
    reactions = [entry for entry in bolt.seen if entry["kind"] == "reaction_added"]
    assert len(reactions) == 2  # Bolt does not deduplicate retries: the app must


def test_app_home_opened_and_direct_messages(bolt: BoltHarness, fake: FakeSlack) -> None:
    bolt.kit.app_home_opened("U_ANA")
    assert fake.home_view("U_ANA") is not None
    bolt.kit.direct_message("U_BOB", "hello app")
    [typed] = fake.dm_messages("U_BOB")
    assert typed["user"] == "U_BOB"
    event = bolt.seen[-1]["event"]
    assert (event["channel_type"], event["channel"], event["ts"]) == ("im", "DU_BOB", typed["ts"])


def test_error_statuses_are_returned_not_raised(bolt: BoltHarness, fake: FakeSlack) -> None:
    unsigned = bolt.kit.raw(b'{"type": "event_callback"}', {"Content-Type": "application/json"})
    assert unsigned.status == 401
    nowhere = SignedSlackClient(fake.base_url, SIGNING_SECRET).url_verification("x")
    assert nowhere.status == 404
    assert nowhere.json is None


def test_a_command_typed_in_a_dm_can_answer_in_that_dm(bolt: BoltHarness, fake: FakeSlack) -> None:
    from slack_sdk.webhook import WebhookClient

    answer = bolt.kit.slash_command("/echo", "hi", user_id="U_ANA", channel_id="DU_ANA")
    assert answer.status == 200
    WebhookClient(answer.sent["response_url"]).send(text="in the DM", response_type="in_channel")
    assert fake.dm_messages("U_ANA")[-1]["text"] == "in the DM"
