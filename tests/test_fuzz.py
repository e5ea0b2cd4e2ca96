"""Thousands of random and malformed requests, signed and not, on every surface of the app.

Nothing may answer 5xx or log a traceback, and what the door refuses leaves the database as it
was. `bench/fuzz.py` runs the same strategies for longer.
"""

from __future__ import annotations

import hashlib
import logging
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from tests.support.app_harness import RunningApp
from tests.support.fuzzing import Request, malformed_bodies, signed_requests

EXAMPLES = int(os.environ.get("APLAUSO_FUZZ_EXAMPLES", "1000"))  # CI: ~40 s per database
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
REFUSED_AT_THE_DOOR = (400, 401, 413)  # a 404 is Bolt's: no listener, but the person was met
FAILURE_MARKS = ("Traceback", "listener failed", "request failed", "dispatch answered")


def fingerprint(app: RunningApp) -> str:
    """Every row of every table, hashed: equal fingerprints mean nothing was written."""
    app.settle()
    digest = hashlib.sha256()
    with app.database.engine.connect() as connection:
        for table in sorted(inspect(connection).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608
            digest.update(table.encode() + repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


def row_counts(app: RunningApp) -> tuple[int, ...]:
    """Rows per table in one query: a cheap check that nothing was inserted or deleted."""
    app.settle()
    with app.database.engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        counts = [f'SELECT {i}, count(*) FROM "{t}"' for i, t in enumerate(tables)]  # noqa: S608
        union = " UNION ALL ".join(counts)
        return tuple(count for _, count in sorted(connection.execute(text(union)).all()))


def send(app: RunningApp, request: Request, headers: dict[str, str] | None = None) -> int:
    signed = app.slack.sign(request.body) if headers is None else headers
    response = app.slack.raw(request.body, {"Content-Type": request.content_type, **signed})
    assert "Traceback" not in response.body
    return response.status


def no_failures_logged(caplog: pytest.LogCaptureFixture) -> None:
    logged = caplog.text
    assert not [mark for mark in FAILURE_MARKS if mark in logged], logged[-3000:]


TIMESTAMPS = st.one_of(
    st.text(alphabet="0123456789.e-+ x", max_size=14), st.integers().map(str), st.just("")
)
SIGNATURES = st.one_of(
    st.text(max_size=70).filter(lambda s: s.isascii() and s.isprintable()),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64).map("v0={}".format),
)


def test_unsigned_and_malformed_requests_never_get_in(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    before = fingerprint(app)

    @settings(FUZZ, max_examples=EXAMPLES * 3 // 5)  # two requests each
    @given(request=malformed_bodies(), timestamp=TIMESTAMPS, signature=SIGNATURES)
    def refused(request: Request, timestamp: str, signature: str) -> None:
        forged = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}
        assert send(app, request, forged) == 401
        assert send(app, request) in (400, 401, 413)
        app.settle()

    with caplog.at_level(logging.WARNING):
        refused()
    no_failures_logged(caplog)
    assert app.fake.calls == []
    assert fingerprint(app) == before


def test_signed_requests_on_every_surface_never_fail(
    app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    app.fake.clear_rate_limits()  # the door is under test here, not the app's throttling
    response_url = app.fake.new_response_url(channel_id="C0GENERAL", user_id="U04EMMA")

    @FUZZ
    @given(request=signed_requests(response_url))
    def answered(request: Request) -> None:
        before = row_counts(app), len(app.fake.calls)
        status = send(app, request)
        assert status < 500
        if status in REFUSED_AT_THE_DOOR:
            assert (row_counts(app), len(app.fake.calls)) == before
        app.settle()  # quiet before the next draw: hypothesis watches the global random state

    with caplog.at_level(logging.WARNING):
        answered()
    no_failures_logged(caplog)
