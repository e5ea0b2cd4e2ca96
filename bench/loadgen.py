"""Open-loop HTTP load generator for signed Slack requests, run as its own process.

Why a separate process: the app under test, its listener pool and the fake Slack all share one
interpreter lock. A load generator in that same interpreter would wait for the lock before it
could send on time or take a response's arrival time, so it would add its own queueing to the
figures it reports. Here it only competes for CPU, not for the lock.

Why open loop: request i is due at ``t0 + i / rate`` whatever happened to earlier requests, so
a slow app faces the full offered load instead of a politely slowed-down client (closed-loop
clients hide queueing, "coordinated omission"). A pool of threads, each with one keep-alive
connection, takes due requests from a queue; if all are busy, the time a request waited to be
sent is reported as send lag, apart from the latency.

Usage (the latency bench writes the plan)::

    python bench/loadgen.py PLAN.json RESULTS.json

PLAN.json: ``{"host", "port", "path", "signing_secret", "rate", "threads", "timeout",
"drain_seconds", "bodies": [form-encoded body, or [content type, body], ...]}``. RESULTS.json: ``{"samples": [[sched,
sent, done, status, error], ...]}`` in seconds from t0; ``sent``/``done`` are null when a
request was never sent (past the drain deadline), ``status`` is 0 with an ``error`` name when no
response came. Only the standard library is used, so the process starts fast and stays small.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Any

START_LEAD_SECONDS = 0.3
FORM_TYPE = "application/x-www-form-urlencoded"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

Sample = list[Any]  # [sched, sent | None, done | None, status, error | None]


def sign(secret: bytes, body: bytes, content_type: str = FORM_TYPE) -> dict[str, str]:
    """Signed at send time, as Slack does, so the timestamp is never stale."""
    timestamp = str(int(time.time()))
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
    }


class Worker(threading.Thread):
    """One client connection, kept alive across requests and reopened after any failure."""

    def __init__(
        self,
        plan: dict[str, Any],
        bodies: list[tuple[str, bytes]],
        due: queue.Queue[int | None],
        samples: list[Sample],
        t0_box: list[float],
        deadline_box: list[float],
        ready: threading.Barrier,
    ) -> None:
        super().__init__(daemon=True)
        self.host = str(plan["host"])
        self.port = int(plan["port"])
        self.path = str(plan["path"])
        self.timeout = float(plan["timeout"])
        self.secret = str(plan["signing_secret"]).encode()
        self.bodies = bodies
        self.due = due
        self.samples = samples
        self.t0_box = t0_box
        self.deadline_box = deadline_box
        self.ready = ready
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        """A new connection object; it connects on first use, or in `run` before t0."""
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def run(self) -> None:
        """Connects, waits for every worker to be ready, then sends what falls due."""
        try:  # connect before t0 so no measured request pays for the TCP handshake
            self.connection.connect()
        except OSError:
            self.connection = self._connect()
        self.ready.wait()
        while (index := self.due.get()) is not None:
            self._send(index)

    def _send(self, index: int) -> None:
        """Sends one request and records when it was sent and answered, or why not."""
        t0 = self.t0_box[0]
        if time.perf_counter() > self.deadline_box[0]:
            return  # left as never sent: the app fell too far behind to wait for it
        content_type, body = self.bodies[index]
        headers = sign(self.secret, body, content_type)
        sent = time.perf_counter()
        try:
            self.connection.request("POST", self.path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
            status, error = response.status, None
        except (OSError, http.client.HTTPException) as failure:
            status, error = 0, type(failure).__name__
            self.connection.close()
            self.connection = self._connect()
        done = time.perf_counter()
        self.samples[index] = [self.samples[index][0], sent - t0, done - t0, status, error]


def _typed(body: str | list[str]) -> tuple[str, bytes]:
    """A plan's body: a form-encoded string, or a [content type, body] pair."""
    if isinstance(body, str):
        return FORM_TYPE, body.encode()
    return str(body[0]), str(body[1]).encode()


def run(plan: dict[str, Any]) -> list[Sample]:
    """Sends every body on schedule and returns one sample per body, in schedule order."""
    bodies = [_typed(body) for body in plan["bodies"]]
    rate = float(plan["rate"])
    threads = int(plan["threads"])
    samples: list[Sample] = [[index / rate, None, None, 0, None] for index in range(len(bodies))]
    due: queue.Queue[int | None] = queue.Queue()
    t0_box = [0.0]
    deadline_box = [float("inf")]
    ready = threading.Barrier(threads + 1)
    workers = [
        Worker(plan, bodies, due, samples, t0_box, deadline_box, ready) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    ready.wait(timeout=30)
    t0 = time.perf_counter() + START_LEAD_SECONDS
    t0_box[0] = t0
    deadline_box[0] = t0 + len(bodies) / rate + float(plan["drain_seconds"])
    for index in range(len(bodies)):
        delay = t0 + index / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        due.put(index)
    for _ in workers:
        due.put(None)
    # Bounded: after the deadline workers drop what is queued, and a request in flight ends
    # within the socket timeout.
    join_by = deadline_box[0] + float(plan["timeout"]) + 5
    for worker in workers:
        worker.join(timeout=max(0.0, join_by - time.perf_counter()))
    return samples


def main(argv: list[str]) -> int:
    """Reads the plan, runs it, writes the samples; the latency bench reads them."""
    if len(argv) != 2:
        print("usage: loadgen.py PLAN.json RESULTS.json", file=sys.stderr)
        return 2
    plan = json.loads(Path(argv[0]).read_text())
    samples = run(plan)
    Path(argv[1]).write_text(json.dumps({"samples": samples}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
