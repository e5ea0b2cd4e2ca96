"""Modals and the Home tab: trigger ids, stacks, hashes, as Slack enforces them."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.fake_slack import FakeSlack


def modal(title: str = "Give kudos", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "kudos_modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
        **extra,
    }


def error_of(caught: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(caught.value.response["error"])


def test_views_open_needs_a_fresh_trigger_id_from_the_kit(
    client: WebClient, fake: FakeSlack
) -> None:
    trigger = fake.new_trigger_id("U_ANA")
    view = client.views_open(trigger_id=trigger, view=modal())["view"]
    assert view["id"].startswith("V")
    assert view["hash"]
    assert view["callback_id"] == "kudos_modal"
    assert view["state"] == {"values": {}}
    assert fake.views[view["id"]]["title"]["text"] == "Give kudos"
    assert fake.open_modals("U_ANA")[0]["id"] == view["id"]
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id=trigger, view=modal())
    assert error_of(reused) == "exchanged_trigger_id"


def test_a_trigger_id_older_than_3_seconds_has_expired(client: WebClient, fake: FakeSlack) -> None:
    trigger = fake.new_trigger_id("U_ANA")
    fake.expire_trigger_id(trigger)
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id=trigger, view=modal())
    assert error_of(caught) == "expired_trigger_id"


def test_an_invented_trigger_id_is_refused(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id="123.456.abc", view=modal())
    assert error_of(caught) == "invalid_trigger_id"


def test_views_update_by_id_or_external_id_and_the_hash_guard(
    client: WebClient, fake: FakeSlack
) -> None:
    opened = client.views_open(
        trigger_id=fake.new_trigger_id("U_ANA"), view=modal(external_id="kudos-1")
    )["view"]
    saved = modal("Saved", external_id="kudos-1")
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=saved)
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["hash"] != opened["hash"]
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Late"))
    assert error_of(stale) == "hash_conflict"
    by_external = client.views_update(
        external_id="kudos-1", view=modal("Again", external_id="kudos-1")
    )
    assert by_external["view"]["title"]["text"] == "Again"
    with pytest.raises(SlackApiError) as missing:
        client.views_update(view_id="V_NOPE", view=modal())
    assert error_of(missing) == "not_found"


def test_at_most_three_modals_can_be_stacked(client: WebClient, fake: FakeSlack) -> None:
    client.views_open(trigger_id=fake.new_trigger_id("U_ANA"), view=modal())
    client.views_push(trigger_id=fake.new_trigger_id("U_ANA"), view=modal("Second"))
    pushed = client.views_push(trigger_id=fake.new_trigger_id("U_ANA"), view=modal("Third"))
    assert pushed["view"]["previous_view_id"]
    with pytest.raises(SlackApiError) as caught:
        client.views_push(trigger_id=fake.new_trigger_id("U_ANA"), view=modal("Fourth"))
    assert error_of(caught) == "push_limit_reached"
    assert [v["title"]["text"] for v in fake.open_modals("U_ANA")] == [
        "Give kudos",
        "Second",
        "Third",
    ]


def test_the_home_tab_is_published_per_person(client: WebClient, fake: FakeSlack) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    first = client.views_publish(user_id="U_ANA", view=home)["view"]
    again = client.views_publish(user_id="U_ANA", view=home, hash=first["hash"])["view"]
    assert again["id"] == first["id"]
    view = fake.home_view("U_ANA")
    assert view is not None
    assert view["type"] == "home"
    assert fake.home_view("U_BOB") is None
    with pytest.raises(SlackApiError) as modal_as_home:
        client.views_publish(user_id="U_ANA", view=modal())
    assert error_of(modal_as_home) == "invalid_arguments"


def test_an_update_answer_over_the_limits_is_refused_and_recorded(
    fake: FakeSlack, client: WebClient
) -> None:
    opened = client.views_open(trigger_id=fake.new_trigger_id("U_ANA"), view=modal())["view"]
    fake.apply_view_submission_response(
        opened["id"], {"response_action": "update", "view": modal("t" * 30)}
    )
    [answer] = fake.calls_to("view_submission_response")
    assert not answer.ok
    assert "/view/title/text" in answer.response["errors"][0]
    assert fake.views[opened["id"]]["title"]["text"] == "Give kudos"
    fake.apply_view_submission_response(
        opened["id"], {"response_action": "update", "view": modal("Done")}
    )
    assert fake.views[opened["id"]]["title"]["text"] == "Done"
    fake.apply_view_submission_response(opened["id"], None)
    assert opened["id"] not in fake.views
