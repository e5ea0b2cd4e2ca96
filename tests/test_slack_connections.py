"""Calls to Slack reuse their connection, and a connection the server has closed or that sat
idle too long is replaced before a call goes out on it (bot/slack_http.py).

The server here is a plain HTTP/1.1 server from the standard library that says which client
connection each request came on, so the tests see what Slack's side would see.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.request import Request

import pytest

from bot.slack_http import KeptAliveConnections


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = 404 if self.path == "/missing" else 200
        body = f'{{"port": {self.client_address[1]}}}'.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        # "/hang-up": the server closes the connection after answering, without saying so
        # (as an idle timeout on Slack's side would, a moment later)
        self.close_connection = self.path == "/hang-up"


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _request(url: str) -> Request:
    return Request(url, data=b"token=x", method="POST")  # noqa: S310 (the test server's URL)


def _post(connections: KeptAliveConnections, url: str) -> int:
    """The client port the server saw this request come from."""
    answer = connections.send(_request(url), ssl_context=None, timeout=5)
    assert answer.status == 200
    return int(answer.body.decode().split(":")[1].strip(" }"))


def test_calls_in_a_row_go_over_one_connection(server: str) -> None:
    connections = KeptAliveConnections()
    ports = {_post(connections, f"{server}/api/chat.postMessage") for _ in range(5)}
    connections.close_all()

    assert len(ports) == 1


def test_a_connection_the_server_closed_is_replaced_and_the_call_succeeds(server: str) -> None:
    connections = KeptAliveConnections()
    first = _post(connections, f"{server}/hang-up")
    time.sleep(0.1)  # the server's close reaches the client
    second = _post(connections, f"{server}/api/chat.postMessage")
    connections.close_all()

    assert second != first


def test_a_connection_idle_too_long_is_not_reused(server: str) -> None:
    connections = KeptAliveConnections(idle_seconds=0.05)
    first = _post(connections, f"{server}/api/auth.test")
    time.sleep(0.1)
    second = _post(connections, f"{server}/api/auth.test")
    connections.close_all()

    assert second != first


def test_an_error_status_is_raised_as_urllib_would_and_the_connection_is_kept(
    server: str,
) -> None:
    connections = KeptAliveConnections()
    with pytest.raises(HTTPError) as refused:
        connections.send(_request(f"{server}/missing"), ssl_context=None, timeout=5)
    before = int(refused.value.read().decode().split(":")[1].strip(" }"))
    after = _post(connections, f"{server}/api/auth.test")
    connections.close_all()

    assert refused.value.code == 404
    assert after == before


def test_threads_calling_at_once_each_get_a_connection_of_their_own(server: str) -> None:
    connections = KeptAliveConnections()
    ports: list[int] = []
    barrier = threading.Barrier(4)

    def call() -> None:
        barrier.wait()
        ports.extend(_post(connections, f"{server}/api/auth.test") for _ in range(3))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    connections.close_all()

    assert len(ports) == 12
    assert 1 <= len(set(ports)) <= 4  # reused, and never more than the threads at once
