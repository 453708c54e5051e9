"""`kefu demo` survives its processes crashing: under light REST traffic each process is killed
in turn (``kill -9``), the supervisor restarts it while the others keep serving, ``/health`` is
ready again, the bot answers again after Rasa's crash, nothing acknowledged is lost, and only
SIGINT (Ctrl-C) stops everything.

Everything is real: the demo command, the embedded Redis (AOF), SQLite, the trained Rasa model,
the action server. Figures are printed (``-s``), never asserted.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from kefu.config import ROOT
from kefu.envfile import read_env
from kefu.rasa_proc import latest_model, rasa_binary
from kefu.redis_server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.rasa, pytest.mark.timeout(1800)]

STARTED = re.compile(r"\| (\w+) (?:started|restarted) \(pid (\d+)\)")
BUSY = "系统繁忙"
CONVERSATIONS = [f"survive-{n}" for n in range(4)]


@dataclass
class Demo:
    process: subprocess.Popen[str]
    gateway: str
    staff: str
    api_key: str
    lines: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pids(self) -> dict[str, int]:
        with self.lock:
            found = [STARTED.search(line) for line in self.lines]
        return {m.group(1): int(m.group(2)) for m in found if m}

    def saw(self, text: str) -> bool:
        with self.lock:
            return any(text in line for line in self.lines)

    def tail(self) -> str:
        with self.lock:
            return "\n".join(self.lines[-60:])


def wait_for(demo: Demo, what: str, predicate: Callable[[], bool], limit_s: float) -> float:
    started = time.monotonic()
    while not predicate():
        if demo.process.poll() is not None:
            raise AssertionError(f"kefu demo exited while waiting for {what}:\n{demo.tail()}")
        if time.monotonic() - started > limit_s:
            raise AssertionError(f"no {what} after {limit_s:.0f} s:\n{demo.tail()}")
        time.sleep(0.5)
    return time.monotonic() - started


def ready(demo: Demo) -> bool:
    """Both public servers say every part can serve."""
    try:
        return all(
            httpx.get(url + "/health", timeout=5).status_code == 200
            for url in (demo.gateway, demo.staff)
        )
    except httpx.HTTPError:
        return False


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    if latest_model() is None or not rasa_binary().exists():
        pytest.fail("no trained model or .venv-rasa: run `make test`, which builds both")
    ports = {name: free_port() for name in ("GATEWAY", "STAFF", "RASA", "ACTIONS")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.update({f"KEFU_{name}_PORT": str(port) for name, port in ports.items()})
    env.update(
        {
            "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'kefu.db'}",
            "KEFU_VAR_DIR": str(tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "kefu_cli", "demo"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    api_key = env.get("KEFU_API_KEY") or read_env(ROOT / ".env").get("KEFU_API_KEY", "")
    running = Demo(
        process,
        f"http://127.0.0.1:{ports['GATEWAY']}",
        f"http://127.0.0.1:{ports['STAFF']}",
        api_key,
    )

    def collect() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with running.lock:
                running.lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=collect, daemon=True)
    reader.start()
    try:
        yield running
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for pid in running.pids().values():  # nothing left behind, even if the test failed
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()  # else a ResourceWarning fails whichever test GC runs in


class Traffic:
    """One REST message about every half second, round robin over a few conversations;
    a 200 answer means the message was acknowledged."""

    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.acknowledged: dict[str, list[str]] = {c: [] for c in CONVERSATIONS}
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.demo.api_key}"}
        with httpx.Client(base_url=self.demo.gateway, headers=headers, timeout=40) as client:
            for n in itertools.count():
                if self._stop.wait(0.5):
                    return
                conv = CONVERSATIONS[n % len(CONVERSATIONS)]
                text = f"你好 #{n}"
                try:
                    r = client.post(
                        f"/api/v1/conversations/{conv}/messages",
                        json={"text": text, "customer_id": "demo-002", "lang": "zh"},
                    )
                except httpx.HTTPError:
                    self.refused += 1
                    continue
                if r.status_code == 200:
                    self.acknowledged[conv].append(text)
                else:
                    self.refused += 1


def customer_texts(demo: Demo, conv: str) -> list[str]:
    headers = {"Authorization": f"Bearer {demo.api_key}"}
    texts: list[str] = []
    after = 0
    with httpx.Client(base_url=demo.gateway, headers=headers, timeout=30) as client:
        while True:
            r = client.get(f"/api/v1/conversations/{conv}/events", params={"after": after})
            assert r.status_code == 200, r.text
            body = r.json()
            texts += [
                e["text"]
                for e in body["events"]
                if e["type"] == "message" and e.get("from") == "customer"
            ]
            if not body["events"] or body["last_seq"] == after:
                return texts
            after = body["last_seq"]


def bot_answers(demo: Demo) -> bool:
    headers = {"Authorization": f"Bearer {demo.api_key}"}
    try:
        r = httpx.post(
            f"{demo.gateway}/api/v1/conversations/survive-probe-{time.monotonic_ns()}/messages",
            json={"text": "你好", "customer_id": "demo-002", "lang": "zh"},
            headers=headers,
            timeout=40,
        )
    except httpx.HTTPError:
        return False
    replies = r.json().get("replies", []) if r.status_code == 200 else []
    return bool(replies) and all(x["from"] == "bot" and BUSY not in x["text"] for x in replies)


def test_each_process_killed_in_turn_comes_back_and_nothing_acknowledged_is_lost(demo: Demo):
    took = wait_for(demo, "ready demo", lambda: demo.saw("kefu demo | ready after"), 600)
    # On a fresh checkout the demo writes .env (and its API key) only once it has started.
    demo.api_key = demo.api_key or read_env(ROOT / ".env").get("KEFU_API_KEY", "")
    assert demo.api_key, "no KEFU_API_KEY in .env after the demo started"
    assert ready(demo), "the demo printed its URLs before /health was ready"
    print(f"\ndemo ready after {took:.0f} s")

    with Traffic(demo) as traffic:
        for name in ("actions", "staff", "gateway", "redis", "rasa"):
            pid = demo.pids()[name]
            others = {k: v for k, v in demo.pids().items() if k != name}
            os.kill(pid, signal.SIGKILL)
            killed = time.monotonic()
            wait_for(demo, f"{name} restart", lambda n=name, p=pid: demo.pids()[n] != p, 120)
            back = wait_for(demo, f"ready after killing {name}", lambda: ready(demo), 600)
            # The others kept running: same pids, never restarted.
            assert {k: v for k, v in demo.pids().items() if k != name} == others
            if name == "rasa":
                wait_for(demo, "the bot's answer", lambda: bot_answers(demo), 600)
            print(
                f"kill -9 {name}: ready again after {back:.0f} s, "
                f"bot answering {time.monotonic() - killed:.0f} s after the crash"
            )
            time.sleep(3)  # a little traffic between crashes

    acknowledged = sum(len(v) for v in traffic.acknowledged.values())
    print(f"messages acknowledged {acknowledged}, refused {traffic.refused}")
    assert acknowledged > 20
    for conv, sent in traffic.acknowledged.items():
        stored = customer_texts(demo, conv)
        missing = [t for t in sent if t not in stored]
        assert missing == [], f"{conv}: acknowledged but lost: {missing}"
        assert len(stored) == len(set(stored)), f"{conv}: a message stored twice"

    pids = demo.pids()
    os.kill(demo.process.pid, signal.SIGINT)  # Ctrl-C
    assert demo.process.wait(timeout=120) == 0
    for pid in pids.values():  # every supervised process is gone
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
