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
        self._thread = threading.Thread(target=self._server.run, name="aplauso-http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self._server.effective_port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        self._server.task_dispatcher.shutdown()
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
