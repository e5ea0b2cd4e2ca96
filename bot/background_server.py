"""Serves the app from a background thread on loopback, for the demo, tests and benchmarks."""

from __future__ import annotations

import threading
from typing import Any

from waitress.server import create_server


def serve_until(server: Any, stopping: threading.Event) -> None:
    """Steps waitress's loop until `stopping` is set.

    waitress's own run() loops forever and swallows exceptions raised inside it, so neither
    a signal handler nor another thread can end it cleanly; a flag checked between short
    polls can, and no poll ever sees a socket closed under it.
    """
    while not stopping.is_set():
        server.asyncore.loop(
            timeout=0.05, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1
        )


def close_server(server: Any) -> None:
    """Closes every open connection, then the listening socket and the worker threads."""
    for channel in list(server._map.values()):
        if channel is not server:
            channel.close()
    server.close()
    server.task_dispatcher.shutdown()


class BackgroundServer:
    def __init__(
        self, wsgi_app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = 8
    ) -> None:
        self._server: Any = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="aplauso",
            clear_untrusted_proxy_headers=True,
        )
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="aplauso-http", daemon=True)

    def _serve(self) -> None:
        serve_until(self._server, self._stopping)

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        close_server(self._server)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *_exc_info: object) -> None:
        self.stop()
