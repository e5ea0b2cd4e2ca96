"""Serves the app from a background thread on loopback, for the demo, tests and benchmarks."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from waitress.server import create_server


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
        """waitress's own run() loops forever; stepping the loop lets stop() end it before any
        socket is closed, so no poll ever sees a closed file descriptor."""
        adjustments = self._server.adj
        while not self._stopping.is_set():
            self._server.asyncore.loop(
                timeout=0.05,
                map=self._server._map,
                use_poll=adjustments.asyncore_use_poll,
                count=1,
            )

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for channel in list(self._server._map.values()):
            if channel is not self._server:
                channel.close()
        self._server.close()
        self._server.task_dispatcher.shutdown()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
