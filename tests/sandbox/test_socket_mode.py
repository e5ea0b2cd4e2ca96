"""Socket Mode: slack_sdk's own client (and Bolt on top of it) connects to the fake, gets
``hello`` and envelopes, acknowledges them, and survives a failed connection and a refresh."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from sandbox.fake_slack import FakeSlack
from sandbox.slack_payloads import Origin, event_envelope, new_event_id
from sandbox.socket_mode_kit import SocketModeSlackClient

# slack_sdk's built-in client leaves the sockets of failed or replaced connections to the
# garbage collector (a ResourceWarning in slack_sdk, not in the fake): collect them here.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture
def sdk_client(fake: FakeSlack) -> Iterator[SocketModeClient]:
    """slack_sdk's built-in Socket Mode client, pointed at the fake's Web API."""
    client = SocketModeClient(
        app_token=fake.app_token,
        web_client=WebClient(base_url=fake.api_url),
        ping_interval=0.3,  # also how often it checks the connection and reconnects
    )
    try:
        yield client
    finally:
        client.close()
        gc.collect()


def hello_event(fake: FakeSlack) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": "U_ANA", "channel": "DU_ANA", "tab": "home"}
    event["event_ts"] = "1700000000.000100"
    return event_envelope(Origin(), event, event_id=new_event_id(), event_time=int(time.time()))


def test_slack_sdks_client_connects_receives_an_envelope_and_acks_it(
    fake: FakeSlack, sdk_client: SocketModeClient
) -> None:
    messages: list[dict[str, Any]] = []
    requests: list[SocketModeRequest] = []

    def on_message(client: Any, message: dict[str, Any], raw: str | None) -> None:
        messages.append(message)

    def on_request(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        response = SocketModeResponse(envelope_id=request.envelope_id, payload={"seen": True})
        client.send_socket_mode_response(response)

    sdk_client.message_listeners.append(on_message)
    sdk_client.socket_mode_request_listeners.append(on_request)
    sdk_client.connect()
    assert fake.socket_mode.wait_for_connections(1)
    [opened] = fake.calls_to("apps.connections.open")
    assert opened.ok
    assert opened.response["url"].startswith("ws://127.0.0.1:")

    body = hello_event(fake)
    envelope_id = fake.socket_mode.send_event(body)
    ack = fake.socket_mode.wait_for_ack(envelope_id)
    assert ack == {"envelope_id": envelope_id, "payload": {"seen": True}}
    [request] = requests
    assert (request.type, request.payload, request.accepts_response_payload) == (
        "events_api",
        body,
        False,
    )
    hello = next(message for message in messages if message.get("type") == "hello")
    assert hello["connection_info"] == {"app_id": fake.app_id}
    assert hello["num_connections"] == 1


def test_a_refused_first_connection_is_retried_by_the_clients_monitor(
    fake: FakeSlack, sdk_client: SocketModeClient
) -> None:
    fake.socket_mode.fail_next_connections(1, status=503)
    sdk_client.connect()  # the handshake gets 503; slack_sdk logs it and its monitor retries
    assert fake.socket_mode.wait_for_connections(1, timeout=5)
    assert len(fake.calls_to("apps.connections.open")) == 2


def test_a_connection_closed_before_hello_is_also_retried(
    fake: FakeSlack, sdk_client: SocketModeClient
) -> None:
    fake.socket_mode.fail_next_connections(1, status=None)
    sdk_client.connect()  # the server closes the socket (1011) instead of saying hello
    assert fake.socket_mode.wait_for_connections(1, timeout=5)
    assert len(fake.calls_to("apps.connections.open")) == 2


def test_a_used_ticket_cannot_open_a_second_connection(fake: FakeSlack) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    url = WebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.app_token)["url"]
    with connect(url) as first:
        assert '"type": "hello"' in str(first.recv(timeout=5))
        with pytest.raises(InvalidStatus):
            connect(url)


def test_after_a_disconnect_the_client_reconnects_and_gets_the_next_envelope(
    fake: FakeSlack, sdk_client: SocketModeClient
) -> None:
    acked = threading.Event()

    def on_request(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))
        acked.set()

    sdk_client.socket_mode_request_listeners.append(on_request)
    sdk_client.connect()
    assert fake.socket_mode.wait_for_connections(1)
    fake.socket_mode.disconnect("refresh_requested", close_after=0.2)
    assert fake.socket_mode.wait_for_connections(2, timeout=5, opened=True)
    deadline = time.monotonic() + 5
    while fake.socket_mode.connections != 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    envelope_id = fake.socket_mode.send_event(hello_event(fake))
    assert fake.socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    assert len(fake.calls_to("apps.connections.open")) == 2


def test_bolt_over_socket_mode_answers_the_kit_through_acks(fake: FakeSlack) -> None:
    app = App(
        client=WebClient(base_url=fake.api_url, token=fake.bot_token),
        signing_secret="not-used-in-socket-mode",
        request_verification_enabled=False,
    )
    seen: list[dict[str, Any]] = []

    @app.command("/kudos")
    def kudos(ack: Any, body: dict[str, Any]) -> None:
        ack(text=f"Thanks noted: {body['text']}")

    @app.event("reaction_added")
    def reaction(event: dict[str, Any]) -> None:
        seen.append(event)

    handler = SocketModeHandler(app, fake.app_token, web_client=WebClient(base_url=fake.api_url))
    handler.connect()  # type: ignore[no-untyped-call]
    try:
        assert fake.socket_mode.wait_for_connections(1)
        kit = SocketModeSlackClient(fake)
        answer = kit.command("/kudos", "@Ana Torres great work", as_user="U_BOB")
        assert answer.status == 200
        # the manifest escapes /kudos, so the picked person arrives as a mention
        assert answer.json == {"text": "Thanks noted: <@U_ANA|ana> great work"}
        [envelope] = [e for e in fake.socket_mode.envelopes if e["type"] == "slash_commands"]
        assert envelope["accepts_response_payload"] is True
        assert envelope["payload"]["command"] == "/kudos"
        fake.add_message("C_TEAM", "U_BOB", "nice")
        retried = kit.event(
            {
                "type": "reaction_added",
                "user": "U_ANA",
                "reaction": "clap",
                "item": {"type": "message", "channel": "C_TEAM", "ts": "1.000001"},
            },
            retry_num=1,
        )
        assert retried.status == 200
        events = [e for e in fake.socket_mode.envelopes if e["type"] == "events_api"]
        assert (events[-1]["retry_attempt"], events[-1]["retry_reason"]) == (1, "http_timeout")
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert seen[0]["reaction"] == "clap"
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        gc.collect()


def test_a_dropped_connection_gets_no_goodbye_and_the_client_reconnects(
    fake: FakeSlack, sdk_client: SocketModeClient
) -> None:
    seen: list[str] = []

    def on_request(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        seen.append(request.envelope_id)
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))

    sdk_client.socket_mode_request_listeners.append(on_request)
    sdk_client.connect()
    assert fake.socket_mode.wait_for_connections(1)
    assert fake.socket_mode.drop_connections() == 1
    assert fake.socket_mode.dropped == 1
    assert fake.socket_mode.wait_for_connections(2, timeout=5, opened=True)
    envelope_id = fake.socket_mode.send_event(hello_event(fake))
    assert fake.socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    assert fake.socket_mode.ack_count(envelope_id) == 1
    assert seen == [envelope_id]
    assert not [e for e in fake.socket_mode.envelopes if e.get("type") == "disconnect"]


def test_every_acknowledgement_is_counted_so_a_double_ack_shows(fake: FakeSlack) -> None:
    from websockets.sync.client import connect

    url = WebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.app_token)["url"]
    with connect(url) as socket:
        socket.recv(timeout=5)  # hello
        envelope_id = fake.socket_mode.send_interactive({"type": "shortcut"})
        socket.recv(timeout=5)
        assert fake.socket_mode.ack_count(envelope_id) == 0
        socket.send(f'{{"envelope_id": "{envelope_id}"}}')
        socket.send(f'{{"envelope_id": "{envelope_id}"}}')
        assert fake.socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
        deadline = time.monotonic() + 5
        while fake.socket_mode.ack_count(envelope_id) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fake.socket_mode.ack_count(envelope_id) == 2
        assert len(fake.socket_mode.acks) == 1  # one per envelope, the latest


def test_apps_connections_open_fails_on_demand_and_for_good_once_the_token_is_revoked(
    fake: FakeSlack,
) -> None:
    from slack_sdk.errors import SlackApiError

    client = WebClient(base_url=fake.api_url)
    client.retry_handlers = []
    fake.fail_next("apps.connections.open", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as refused:
            client.apps_connections_open(app_token=fake.app_token)
        assert refused.value.response.status_code == 503
    assert client.apps_connections_open(app_token=fake.app_token)["url"].startswith("ws://")
    fake.revoke_app_token()
    for _ in range(2):
        with pytest.raises(SlackApiError) as revoked:
            client.apps_connections_open(app_token=fake.app_token)
        assert revoked.value.response["error"] == "invalid_auth"
