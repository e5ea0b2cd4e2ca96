"""A quiet, threaded HTTP/1.1 server on loopback that hands each request to one callable.

It knows nothing of Slack: it reads the whole body, calls ``app(request)`` and writes the
reply with a ``Content-Length`` so connections can be kept alive. One daemon thread per
connection and a large listen backlog let a bench open thousands of connections without the
fake becoming the bottleneck. Nothing is logged per request.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from sandbox.web_api import HttpReply, HttpRequest

App = Callable[[HttpRequest], HttpReply]
MAX_BODY_BYTES = 64 * 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], app: App) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.stopping = False
        self.resets: set[int] = set()
        self.resets_lock = threading.Lock()

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        """A client that went away first (it timed out, or hung up) is not the fake's bug."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        """Hang up; a connection marked for reset is closed at once (RST, no FIN first)."""
        with self.resets_lock:
            reset = id(request) in self.resets
            self.resets.discard(id(request))
        if reset:
            self.close_request(request)
        else:
            super().shutdown_request(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes; with Nagle's algorithm on, a kept-alive client
    # would wait for its delayed ACK (40 ms) on every answer, which no real server makes it do
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests and benches print their own output."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        if self.server.stopping:
            # A kept-alive connection must not outlive stop(): answer and hang up.
            self.close_connection = True
            self._write(HttpReply.text("server stopped", 503))
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._write(HttpReply.text("request too large", 413))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length > 0 else b""
        parts = urlsplit(self.path)
        request = HttpRequest(
            verb=self.command,
            path=parts.path,
            query=parts.query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        try:
            reply = self.server.app(request)
        except Exception as error:  # a bug in the fake must show up, not hang the client
            reply = HttpReply.json(
                {"ok": False, "error": "fatal_error", "detail": repr(error)}, 500
            )
        if reply.reset:
            self._reset()
            return
        self._write(reply)

    def _reset(self) -> None:
        """Drop the connection unanswered: linger 0 makes the close send a TCP reset."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with self.server.resets_lock:
            self.server.resets.add(id(self.connection))

    def _write(self, reply: HttpReply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


class QuietHttpServer:
    """Start/stop wrapper around the threaded server, serving on a background thread."""

    def __init__(self, app: App, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Host and bound port (the real port when 0 was asked for)."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def running(self) -> bool:
        """Whether the server is accepting connections."""
        return self._server is not None

    def start(self) -> None:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            return
        self._server = _Server((self._host, self._port), self._app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fake-slack-{self.address[1]}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.stopping = True
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
