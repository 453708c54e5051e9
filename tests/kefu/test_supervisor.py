"""``kefu.supervisor`` with real child processes: a killed one comes back, the others are left
alone, a process that keeps crashing waits longer each time, and stop() ends them all."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from kefu.supervisor import Backoff, Supervisor

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


def wait_for(predicate: Callable[[], bool], limit_s: float = 30.0) -> None:
    deadline = time.monotonic() + limit_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.05)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def running() -> Iterator[Callable[[Supervisor], threading.Thread]]:
    started: list[tuple[Supervisor, threading.Thread]] = []

    def start(supervisor: Supervisor) -> threading.Thread:
        thread = threading.Thread(target=supervisor.run, daemon=True)
        thread.start()
        started.append((supervisor, thread))
        return thread

    yield start
    for supervisor, thread in started:
        supervisor.stop()
        thread.join(timeout=30)


def test_a_killed_process_is_restarted_and_the_others_keep_running(running):
    out = io.StringIO()
    supervisor = Supervisor(Backoff(first_s=0.1), output=out)
    supervisor.add("one", SLEEPER)
    supervisor.add("two", SLEEPER)
    running(supervisor)
    wait_for(lambda: supervisor.pid("one") is not None and supervisor.pid("two") is not None)
    first, other = supervisor.pid("one"), supervisor.pid("two")
    assert first is not None and other is not None

    os.kill(first, signal.SIGKILL)
    wait_for(lambda: supervisor.pid("one") not in (None, first))
    assert supervisor.pid("two") == other
    assert alive(other)
    text = out.getvalue()
    assert "one killed by signal 9" in text
    assert "one restarted" in text
    assert "two | up" in text or "two  | up" in text


def test_stop_ends_every_process(running):
    supervisor = Supervisor(Backoff(first_s=0.1), output=io.StringIO())
    supervisor.add("one", SLEEPER)
    supervisor.add("two", SLEEPER)
    thread = running(supervisor)
    wait_for(lambda: supervisor.pid("one") is not None and supervisor.pid("two") is not None)
    pids = [supervisor.pid("one"), supervisor.pid("two")]
    supervisor.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert not any(alive(pid) for pid in pids if pid)


def test_a_process_that_keeps_crashing_backs_off():
    backoff = Backoff(first_s=1, max_s=30, healthy_after_s=60)
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 4, 8, 16, 30, 30]

    out = io.StringIO()
    supervisor = Supervisor(Backoff(first_s=0.05, max_s=0.4), output=out)
    supervisor.add("crasher", CRASHER)
    thread = threading.Thread(target=supervisor.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: out.getvalue().count("exited with code 3") >= 5)
    finally:
        supervisor.stop()
        thread.join(timeout=30)
    delays = [
        line.rsplit("restarting in ", 1)[1]
        for line in out.getvalue().splitlines()
        if "restarting in" in line
    ]
    assert delays[:5] == ["0.05 s", "0.1 s", "0.2 s", "0.4 s", "0.4 s"]
