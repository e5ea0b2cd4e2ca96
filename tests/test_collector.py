"""The digest's pause of the cycle collector: off while any pause is open, back on after the
last, and never turned on by a pause that found it off."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from engagement.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_a_pause_and_on_again_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_resumes_after_an_error_too() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="digest failed"), collector_paused():
        raise ValueError("the digest failed")
    assert gc.isenabled()


def test_overlapping_pauses_of_two_threads_resume_it_only_when_the_last_ends() -> None:
    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def other_thread() -> None:
        with collector_paused():
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=other_thread)
    with collector_paused():
        worker.start()
        assert inside.wait(10)
    assert not gc.isenabled()  # the other thread's digest is still being built
    leave.set()
    worker.join(10)
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
