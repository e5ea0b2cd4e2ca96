"""The fake keeps up with a weekly pulse to thousands of people, without quadratic slowdowns."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

from slack_sdk import WebClient

from sandbox.fake_slack import FakeSlack
from sandbox.web_api import HttpRequest

PEOPLE = 10_000


def test_ten_thousand_dms_cost_the_same_per_message_at_the_end_as_at_the_start() -> None:
    fake = FakeSlack(rate_limits=False)  # a bench of the fake itself, not of Slack's limits
    for index in range(PEOPLE):
        fake.add_user(f"U{index:05d}", f"person{index}")
    headers = {"authorization": f"Bearer {fake.bot_token}", "content-type": "application/json"}
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "How was your week?"}}]
    laps: list[float] = []
    started = time.perf_counter()
    for index in range(PEOPLE):
        body = json.dumps({"channel": f"U{index:05d}", "text": "Pulse", "blocks": blocks})
        request = HttpRequest("POST", "/api/chat.postMessage", "", headers, body.encode())
        assert fake.handle_request(request).status == 200
        if index % 2000 == 1999:
            laps.append(time.perf_counter() - started)
            started = time.perf_counter()
    assert sum(laps) < 8
    assert laps[-1] < 3 * laps[0] + 0.05, laps
    assert len(fake.calls_to("chat.postMessage")) == PEOPLE
    assert fake.dm_messages(f"U{PEOPLE - 1:05d}")[0]["text"] == "Pulse"


def test_many_concurrent_connections_are_all_answered(fake: FakeSlack) -> None:
    fake.clear_rate_limits()  # 200 DMs at once: the workspace-wide postMessage cap would 429
    for index in range(200):
        fake.add_user(f"UC{index:03d}", f"c{index}")
    client = WebClient(base_url=fake.api_url, token=fake.bot_token, timeout=10)

    def post(index: int) -> str:
        return str(client.chat_postMessage(channel=f"UC{index:03d}", text="hi")["ts"])

    with ThreadPoolExecutor(max_workers=32) as pool:
        stamps = list(pool.map(post, range(200)))
    assert len(set(stamps)) == 200
    assert all(len(fake.dm_messages(f"UC{index:03d}")) == 1 for index in range(200))
