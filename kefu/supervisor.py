"""Keep ``kefu demo``'s processes running: start each, restart a crashed one with backoff while
the others keep serving, and stop them all only when asked (Ctrl-C or SIGTERM).

Why a module of our own: honcho (used before) stops every process as soon as one exits and has
no restart policy; supervisord and circus are daemons with their own configuration files and
control sockets (circus also needs ZeroMQ) — too much machinery for a newcomer's one command.
Production runs each process under systemd instead (``kefu systemd``). This module has one job;
its output keeps honcho's format (``time name | line``) through honcho's own printer.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from honcho.printer import Message, Printer

COLOURS = (36, 33, 32, 35, 34, 31)


@dataclass(frozen=True)
class Backoff:
    """Wait ``first_s`` before the first restart, doubling up to ``max_s`` while a process keeps
    crashing; a run of ``healthy_after_s`` or more counts as healthy and starts over."""

    first_s: float = 1.0
    max_s: float = 30.0
    healthy_after_s: float = 60.0

    def delay(self, failures: int) -> float:
        return float(min(self.max_s, self.first_s * 2 ** max(0, failures - 1)))


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: str
    colour: int
    ready: Callable[[], bool] | None = None
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    starts: int = 0
    reader: threading.Thread | None = field(default=None, repr=False)


class Supervisor:
    """``add`` the processes in start order, then ``run()`` until ``stop()`` or a signal."""

    def __init__(
        self,
        backoff: Backoff | None = None,
        output: IO[str] | None = None,
        stop_grace_s: float = 10.0,
        ready_timeout_s: float = 30.0,
    ) -> None:
        self.backoff = backoff or Backoff()
        self.stop_grace_s = stop_grace_s
        self.ready_timeout_s = ready_timeout_s
        self._children: list[Child] = []
        self._stop = threading.Event()
        self._print_lock = threading.Lock()
        self._printer = Printer(output or sys.stdout, width=0)
        self._width = 0

    def add(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        ready: Callable[[], bool] | None = None,
    ) -> None:
        """``ready`` (optional) answers True once the process serves; the next process starts
        only then (or after ``ready_timeout_s``), e.g. Redis before everything that uses it."""
        colour = COLOURS[len(self._children) % len(COLOURS)]
        self._children.append(
            Child(name, argv, dict(env or os.environ), cwd or os.getcwd(), colour, ready)
        )
        self._width = max(self._width, len(name), len("kefu"))

    def pid(self, name: str) -> int | None:
        for child in self._children:
            if child.name == name and child.process and child.process.poll() is None:
                return child.process.pid
        return None

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # ------------------------------------------------------------------ the loop

    def run(self) -> int:
        """Start every process and keep them up; returns 0 once stopped and all have exited."""
        restore = self._install_signals()
        try:
            for child in self._children:
                if self._stop.is_set():
                    break
                self._start(child)
                self._wait_ready(child)
            while not self._stop.wait(0.2):
                for child in self._children:
                    self._tend(child)
        finally:
            self._stop_all()
            restore()
        return 0

    def _tend(self, child: Child) -> None:
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.restart_at = None
                self._start(child)
            return
        if child.process is None or child.process.poll() is None:
            return
        code = child.process.returncode
        # Whatever it left behind in its process group (e.g. server workers) goes with it, so
        # the new one finds its port free.
        self._signal(child, signal.SIGKILL)
        ran = now - child.started_at
        child.failures = 1 if ran >= self.backoff.healthy_after_s else child.failures + 1
        delay = self.backoff.delay(child.failures)
        how = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        self.say(f"{child.name} {how} after {ran:.0f} s; restarting in {delay:.3g} s")
        child.restart_at = now + delay

    def _start(self, child: Child) -> None:
        try:
            child.process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
                child.argv,
                env=child.env,
                cwd=child.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: we signal it, not the tty
            )
        except OSError as exc:
            child.process = None
            child.failures += 1
            delay = self.backoff.delay(child.failures)
            self.say(f"{child.name} could not start ({exc}); retrying in {delay:.3g} s")
            child.restart_at = time.monotonic() + delay
            return
        child.started_at = time.monotonic()
        child.starts += 1
        verb = "started" if child.starts == 1 else "restarted"
        self.say(f"{child.name} {verb} (pid {child.process.pid})")
        stream = child.process.stdout
        assert stream is not None
        child.reader = threading.Thread(
            target=self._relay, args=(child, stream), name=f"out-{child.name}", daemon=True
        )
        child.reader.start()

    def _wait_ready(self, child: Child) -> None:
        if child.ready is None:
            return
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline and not self._stop.is_set():
            with contextlib.suppress(Exception):
                if child.ready():
                    return
            if child.process is None or child.process.poll() is not None:
                return  # it died: the loop restarts it
            self._stop.wait(0.1)

    def _relay(self, child: Child, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self._print(child.name, child.colour, raw.rstrip(b"\n"))
        stream.close()

    def _stop_all(self) -> None:
        running = [c for c in self._children if c.process and c.process.poll() is None]
        # Stop in reverse start order: the servers before Redis.
        for child in reversed(running):
            self._signal(child, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_grace_s
        for child in reversed(running):
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{child.name} did not stop in {self.stop_grace_s:.0f} s; killing it")
                self._signal(child, signal.SIGKILL)
                child.process.wait()
        for child in self._children:
            if child.reader is not None:
                child.reader.join(timeout=2)

    @staticmethod
    def _signal(child: Child, sig: signal.Signals) -> None:
        assert child.process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, sig)

    def _install_signals(self) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

        def on_signal(signum: int, _frame: object) -> None:
            if not self._stop.is_set():
                self.say(f"{signal.Signals(signum).name}: stopping every process")
            self._stop.set()

        for sig in previous:
            signal.signal(sig, on_signal)

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    # ------------------------------------------------------------------ output

    def say(self, text: str) -> None:
        self._print("kefu", 0, text.encode())

    def _print(self, name: str, colour: int, data: bytes) -> None:
        message = Message(
            type="line",
            data=data,
            time=datetime.datetime.now(),  # local time, as honcho prints it
            name=name.ljust(self._width),
            colour=colour or None,
        )
        with self._print_lock, contextlib.suppress(ValueError, OSError):
            self._printer.write(message)
