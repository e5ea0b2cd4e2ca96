"""Runs a listener on the listener pool and answers Slack the moment it acknowledges.

Bolt's default runner checks every 10 ms whether a listener has acknowledged, so no answer
leaves sooner than that. With `process_before_response=True` Bolt answers as soon as the
function it called returns; this wrapper returns as soon as the real listener calls `ack()`
(an Event, not a poll), while the listener carries on with its database and Slack work.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from bot.executor import TrackingExecutor
from bot.request_labels import describe_request

logger = logging.getLogger("aplauso.errors")

ACK_TIMEOUT_SECONDS = 2.5  # Slack gives up at 3 s; answer an empty 200 a little before


def hand_off(listener: Callable[..., Any], executor: TrackingExecutor) -> Callable[..., None]:
    @functools.wraps(listener)  # Bolt reads the wrapped function's argument names
    def run_on_pool(**kwargs: Any) -> None:
        real_ack = kwargs.get("ack")
        acknowledged = threading.Event()
        if real_ack is not None:

            def ack_and_release(*args: Any, **options: Any) -> Any:
                try:
                    return real_ack(*args, **options)
                finally:
                    acknowledged.set()

            kwargs["ack"] = ack_and_release

        def work() -> None:
            try:
                listener(**kwargs)
            except Exception as error:  # logged once, without payload texts
                body = kwargs.get("body") or kwargs.get("command") or {}
                logger.error(
                    "listener failed on %s: %s", describe_request(body), type(error).__name__
                )
            finally:
                acknowledged.set()

        executor.submit(work)
        if real_ack is not None:
            acknowledged.wait(ACK_TIMEOUT_SECONDS)
            if getattr(real_ack, "response", None) is None:
                real_ack()  # the listener failed or is slow: Slack still gets its answer

    return run_on_pool
