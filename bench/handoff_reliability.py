"""Handoff under a crash: N conversations handed off and chatted through while the staff
console (`kefu staff`, a real subprocess) is SIGKILLed and restarted mid-run. Afterwards every
customer and agent message must be in its conversation exactly once, each conversation closed
exactly once and never owned by two agents at a time, and no agent over capacity.

    .venv/bin/python -m bench.handoff_reliability --conversations 1000 --rounds 2

Prints figures (JSON). Uses KEFU_REDIS_URL if reachable, else an embedded Redis; SQLite in a
temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis

from handoff.conversation import Conversations, Owner
from handoff.routing import Routing
from kefu import redis_keys as keys
from kefu.config import ROOT
from kefu.redis_server import EmbeddedRedis, free_port, redis_reachable
from kefu.schema import upgrade

JWT_SECRET = "bench-jwt-secret-0123456789abcdef"
INTERNAL_TOKEN = "bench-internal-token-0123456789"
ADMIN_PASSWORD = "bench-admin-password"
AGENT_PASSWORD = "bench-agent-pass"


class StaffProcess:
    """`kefu staff` as a subprocess that can be SIGKILLed and started again."""

    def __init__(self, redis_url: str, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = dict(os.environ)
        self.env.update(
            {
                "KEFU_REDIS_URL": redis_url,
                "KEFU_DATABASE_URL": database_url,
                "KEFU_STAFF_PORT": str(self.port),
                "KEFU_JWT_SECRET": JWT_SECRET,
                "KEFU_INTERNAL_TOKEN": INTERNAL_TOKEN,
                "KEFU_ADMIN_PASSWORD": ADMIN_PASSWORD,
                "KEFU_LOG_LEVEL": "WARNING",
                "KEFU_HEARTBEAT_TIMEOUT_S": "600",
                "KEFU_REASSIGN_GRACE_S": "600",
                "KEFU_BACKGROUND_INTERVAL_S": "0.5",
            }
        )
        self.proc: subprocess.Popen[bytes] | None = None
        upgrade(database_url)  # `kefu staff` refuses an unmigrated database

    async def start(self, wait_s: float = 60.0) -> None:
        with self.log.open("ab") as out:  # the child keeps its own descriptor
            self.proc = subprocess.Popen(  # noqa: ASYNC220 - spawning is quick
                [sys.executable, "-m", "kefu_cli", "staff"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + wait_s
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"staff console exited: {self.log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(self.url + "/health")).status_code in (200, 503):
                        return
                await asyncio.sleep(0.2)
        raise RuntimeError("staff console did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Stats:
    handoff_to_assigned_ms: list[float] = field(default_factory=list)
    retries: int = 0
    completed: int = 0


async def call(
    client: httpx.AsyncClient,
    stats: Stats,
    method: str,
    url: str,
    ok: tuple[int, ...],
    **kwargs: Any,
) -> httpx.Response:
    """Retry through connection errors (the process may be dead right now)."""
    for _ in range(600):
        try:
            r = await client.request(method, url, **kwargs)
            if r.status_code in ok or r.status_code < 500:
                return r
        except httpx.HTTPError:
            pass
        stats.retries += 1
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{method} {url} never succeeded")


async def run(
    conversations_n: int,
    rounds: int,
    agents_n: int,
    capacity: int,
    redis_url: str,
    workdir: Path,
    kill: bool = True,
    concurrency: int = 100,
) -> dict[str, Any]:
    database_url = f"sqlite:///{workdir / 'kefu.db'}"
    staff = StaffProcess(redis_url, database_url, workdir / "staff.log")
    redis = Redis.from_url(redis_url, max_connections=200)
    conv = Conversations(redis)
    stats = Stats()
    await staff.start()
    killed_at: list[float] = []
    try:
        async with httpx.AsyncClient(
            base_url=staff.url, timeout=10, limits=httpx.Limits(max_connections=200)
        ) as client:
            r = await client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            admin = {"Authorization": f"Bearer {r.json()['token']}"}
            tokens: dict[str, dict[str, str]] = {}
            for i in range(agents_n):
                name = f"bench{i}"
                await client.post(
                    "/api/v1/agents",
                    headers=admin,
                    json={
                        "username": name,
                        "password": AGENT_PASSWORD,
                        "roles": ["agent"],
                        "skill_groups": ["aftersales"],
                        "capacity": capacity,
                    },
                )
                r = await client.post(
                    "/api/v1/auth/login", json={"username": name, "password": AGENT_PASSWORD}
                )
                tokens[name] = {"Authorization": f"Bearer {r.json()['token']}"}
                await client.post(
                    "/api/v1/agent/status", headers=tokens[name], json={"status": "online"}
                )
            internal = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}
            gate = asyncio.Semaphore(concurrency)
            max_load = 0

            async def one(i: int) -> None:
                nonlocal max_load
                cid = f"rel-{i}"
                async with gate:
                    await conv.append(
                        cid,
                        "message",
                        {"from": "customer", "text": f"{cid}-c0"},
                        channel="rest",
                        customer_id=f"u{i}",
                    )
                    body = {
                        "conversation_id": cid,
                        "channel": "rest",
                        "customer": {
                            "id": f"u{i}",
                            "display_name": "客户",
                            "vip_level": 0,
                            "language": "zh",
                        },
                        "reason": "explicit_request",
                        "priority": 1,
                        "skill_group": "aftersales",
                        "summary": "bench",
                    }
                    t0 = time.perf_counter()
                    await call(
                        client,
                        stats,
                        "POST",
                        "/api/v1/handoffs",
                        (200, 201),
                        json=body,
                        headers=internal,
                    )
                    while True:  # until an agent owns it (inline, or by the dispatcher)
                        state = await conv.state(cid)
                        if state.owner is Owner.AGENT:
                            break
                        await asyncio.sleep(0.02)
                    stats.handoff_to_assigned_ms.append((time.perf_counter() - t0) * 1000)
                    for k in range(rounds):
                        await conv.append(
                            cid, "message", {"from": "customer", "text": f"{cid}-c{k + 1}"}
                        )
                        agent = (await conv.state(cid)).agent
                        r = await call(
                            client,
                            stats,
                            "POST",
                            f"/api/v1/conversations/{cid}/messages",
                            (200, 201),
                            json={"text": f"{cid}-a{k}", "client_msg_id": f"a{k}"},
                            headers=tokens[agent],
                        )
                        assert r.status_code in (200, 201), r.text
                    loads = [await Routing(redis).load(a) for a in tokens]
                    max_load = max(max_load, *loads)
                    agent = (await conv.state(cid)).agent
                    r = await call(
                        client,
                        stats,
                        "POST",
                        f"/api/v1/conversations/{cid}/close",
                        (200, 409),
                        json={"resolution": "resolved"},
                        headers=tokens[agent],
                    )
                    if r.status_code == 409:  # closed by the attempt that died with the process
                        assert (await conv.state(cid)).owner is Owner.CLOSED, r.text
                    stats.completed += 1

            async def killer() -> None:
                while stats.completed < conversations_n // 3:  # noqa: ASYNC110 - a plain counter
                    await asyncio.sleep(0.05)
                staff.kill()
                killed_at.append(time.time())
                await asyncio.sleep(0.5)
                await staff.start()

            t_start = time.perf_counter()
            tasks = [one(i) for i in range(conversations_n)]
            if kill:
                tasks.append(killer())
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - t_start
            # let the restarted process archive what the dead one left pending
            for _ in range(100):
                if await redis.scard(keys.archive_pending()) == 0:
                    break
                await asyncio.sleep(0.1)
        problems = await verify(conv, conversations_n, rounds)
        lat = sorted(stats.handoff_to_assigned_ms)
        return {
            "conversations": conversations_n,
            "rounds": rounds,
            "agents": agents_n,
            "capacity": capacity,
            "killed": len(killed_at),
            "seconds": round(elapsed, 2),
            "messages": conversations_n * (2 * rounds + 1),
            "retries": stats.retries,
            "max_agent_load": max_load,
            "archive_pending": await redis.scard(keys.archive_pending()),
            "wait_for_agent_ms_p50 (incl. queueing)": round(statistics.median(lat), 2),
            "wait_for_agent_ms_p99 (incl. queueing)": round(lat[int(len(lat) * 0.99) - 1], 2),
            "problems": problems[:20],
            "problem_count": len(problems),
        }
    finally:
        staff.stop()
        await redis.aclose()


async def verify(conv: Conversations, n: int, rounds: int) -> list[str]:
    problems: list[str] = []
    for i in range(n):
        cid = f"rel-{i}"
        events = await conv.events(cid, 0, limit=10000)
        texts = Counter(e.data.get("text") for e in events if e.type == "message")
        want = [f"{cid}-c{k}" for k in range(rounds + 1)] + [f"{cid}-a{k}" for k in range(rounds)]
        for text in want:
            if texts[text] != 1:
                problems.append(f"{cid}: {text} seen {texts[text]} times")
        extra = set(texts) - set(want)
        if extra:
            problems.append(f"{cid}: unexpected messages {sorted(extra)}")
        closed = sum(1 for e in events if e.type == "closed")
        if closed != 1:
            problems.append(f"{cid}: closed {closed} times")
        # an agent message is only ever written while that agent owned the conversation
        owner = ""
        for e in events:
            if e.type in ("accepted", "transferred") and e.data.get("owner") == "agent":
                owner = e.data.get("agent", "")
            if e.type == "message" and e.data.get("from") == "agent" and e.data["agent"] != owner:
                problems.append(f"{cid}: message by {e.data['agent']} while {owner} owned it")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=5)
    parser.add_argument("--no-kill", action="store_true")
    args = parser.parse_args()
    configured = os.environ.get("KEFU_REDIS_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        server = None
        if configured and redis_reachable(configured):
            redis_url = configured.rsplit("/", 1)[0] + "/7"
            import redis as sync_redis

            sync_redis.Redis.from_url(redis_url).flushdb()
        else:
            server = EmbeddedRedis(work / "redis", persistent=False).start()
            redis_url = f"redis://127.0.0.1:{server.port}/0"
        try:
            result = asyncio.run(
                run(
                    args.conversations,
                    args.rounds,
                    args.agents,
                    args.capacity,
                    redis_url,
                    work,
                    kill=not args.no_kill,
                )
            )
        finally:
            if server is not None:
                server.stop()
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
