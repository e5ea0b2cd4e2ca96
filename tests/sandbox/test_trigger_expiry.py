"""A trigger id dies 3 s after the request that carried it: a listener that does slow work
before ``views.open`` gets ``expired_trigger_id``, as in Slack."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from sandbox.fake_slack import FakeSlack
from sandbox.surfaces import TRIGGER_TTL_SECONDS
from tests.sandbox.conftest import BoltHarness

SHORT_TTL = 0.4


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """Overrides the shared fixture: a fake whose trigger ids live 0.4 s, to test in real time."""
    with FakeSlack(trigger_ttl=SHORT_TTL) as running:
        running.add_user("U_ANA", "ana", real_name="Ana Torres")
        yield running


def modal() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Kudos"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }


def test_slacks_lifetime_is_three_seconds_by_default() -> None:
    assert TRIGGER_TTL_SECONDS == 3.0
    trigger = FakeSlack().new_trigger_id("U_ANA")
    assert trigger.count(".") == 2


def test_a_listener_that_opens_the_modal_late_gets_expired_trigger_id(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    outcome: list[str] = []

    @bolt.app.command("/slow")
    def slow(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        time.sleep(SHORT_TTL + 0.2)  # database work before views.open: the classic mistake
        try:
            client.views_open(trigger_id=body["trigger_id"], view=modal())
            outcome.append("opened")
        except SlackApiError as error:
            outcome.append(str(error.response["error"]))

    assert bolt.kit.slash_command("/slow", "", user_id="U_ANA").status == 200
    assert outcome == ["expired_trigger_id"]
    assert fake.open_modals("U_ANA") == []


def test_a_listener_that_opens_the_modal_first_is_in_time(
    bolt: BoltHarness, fake: FakeSlack
) -> None:
    @bolt.app.command("/fast")
    def fast(ack: Any, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modal())
        time.sleep(SHORT_TTL + 0.2)  # slow work after the modal is open is fine

    assert bolt.kit.slash_command("/fast", "", user_id="U_ANA").status == 200
    assert len(fake.open_modals("U_ANA")) == 1
