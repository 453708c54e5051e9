"""Handoff latency figures.

1. routing decision: one atomic assign (queue head → least-loaded online agent with room)
   among 200 online agents, timed per call on real Redis;
2. handoff request → agent assigned: POST /api/v1/handoffs to a real `kefu staff` process
   while agents have room (assignment happens inside the request), timed per request.

    .venv/bin/python -m bench.handoff_latency [--agents 200] [--handoffs 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis

from bench.handoff_reliability import (
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    INTERNAL_TOKEN,
    StaffProcess,
)
from handoff.conversation import Conversations, Owner
from kefu.redis_server import EmbeddedRedis, redis_reachable


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 3)


async def routing(redis_url: str, agents: int, decisions: int) -> dict[str, Any]:
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    conv = Conversations(redis)
    for i in range(agents):
        await conv.routing.set_presence(
            f"ag{i}", "online", {"capacity": 50, "groups": ["aftersales"], "name": f"ag{i}"}
        )
    for i in range(decisions):
        await conv.move(
            f"r{i}",
            {Owner.BOT},
            Owner.QUEUED,
            "queued",
            {},
            group="aftersales",
            queue_score=float(i),
        )
    times = []
    for _ in range(decisions):
        t0 = time.perf_counter()
        got = await conv.assign_next("aftersales")
        times.append((time.perf_counter() - t0) * 1000)
        assert got is not None
    loads = [await conv.routing.load(f"ag{i}") for i in range(agents)]
    await redis.flushdb()
    await redis.aclose()
    return {
        "agents_online": agents,
        "decisions": decisions,
        "routing_ms_p50": pct(times, 0.5),
        "routing_ms_p99": pct(times, 0.99),
        "load_spread": [min(loads), max(loads)],
    }


async def handoffs(redis_url: str, n: int, workdir: Path) -> dict[str, Any]:
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    staff = StaffProcess(redis_url, f"sqlite:///{workdir / 'lat.db'}", workdir / "staff.log")
    await staff.start()
    try:
        async with httpx.AsyncClient(base_url=staff.url, timeout=10) as client:
            r = await client.post(
                "/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            )
            admin = {"Authorization": f"Bearer {r.json()['token']}"}
            for i in range(10):
                await client.post(
                    "/api/v1/agents",
                    headers=admin,
                    json={
                        "username": f"lat{i}",
                        "password": AGENT_PASSWORD,
                        "roles": ["agent"],
                        "skill_groups": ["presale"],
                        "capacity": 50,
                    },
                )
                r = await client.post(
                    "/api/v1/auth/login", json={"username": f"lat{i}", "password": AGENT_PASSWORD}
                )
                await client.post(
                    "/api/v1/agent/status",
                    json={"status": "online"},
                    headers={"Authorization": f"Bearer {r.json()['token']}"},
                )
            internal = {"Authorization": f"Bearer {INTERNAL_TOKEN}"}
            times, assigned = [], 0
            for i in range(n):
                body = {
                    "conversation_id": f"lat-{i}",
                    "channel": "rest",
                    "customer": {"id": f"u{i}"},
                    "reason": "explicit_request",
                    "skill_group": "presale",
                }
                t0 = time.perf_counter()
                r = await client.post("/api/v1/handoffs", json=body, headers=internal)
                times.append((time.perf_counter() - t0) * 1000)
                assigned += int("agent" in r.json())
        return {
            "handoffs": n,
            "assigned_in_request": assigned,
            "handoff_to_assigned_ms_p50": pct(times, 0.5),
            "handoff_to_assigned_ms_p99": pct(times, 0.99),
            "mean_ms": round(statistics.mean(times), 3),
        }
    finally:
        staff.stop()
        await redis.flushdb()
        await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=2000)
    parser.add_argument("--handoffs", type=int, default=500)
    args = parser.parse_args()
    configured = os.environ.get("KEFU_REDIS_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if configured and redis_reachable(configured):
            redis_url = configured.rsplit("/", 1)[0] + "/6"
        else:
            server = EmbeddedRedis(Path(tmp) / "redis", persistent=False).start()
            redis_url = f"redis://127.0.0.1:{server.port}/0"
        try:
            result = asyncio.run(routing(redis_url, args.agents, args.decisions))
            result.update(asyncio.run(handoffs(redis_url, args.handoffs, Path(tmp))))
        finally:
            if server is not None:
                server.stop()
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
