"""Reliability: two staff consoles on one Redis never double-assign or exceed capacity; a
staff console SIGKILLed mid-run loses or duplicates no message (small run of the bench)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from bench.handoff_reliability import run
from console.app import create_app
from handoff.conversation import Owner
from tests.conftest import TEST_ADMIN_PASSWORD, unique_app_name
from tests.console.test_staff_api import staff_settings
from tests.staff_console import INTERNAL, Console, packet


async def test_two_consoles_assign_each_conversation_to_exactly_one_agent(
    console: Console,
    serve,
    redis_url: str,
    database_url: str,  # type: ignore[no-untyped-def]
):
    other = await serve(
        create_app(staff_settings(redis_url, database_url), unique_app_name("staff-2"))
    )
    caps = {"r1": 2, "r2": 3, "r3": 1}
    for name, cap in caps.items():
        await console.agent(name, ["aftersales"], capacity=cap)
    async with httpx.AsyncClient(base_url=other.url, timeout=20) as second:
        clients = [console.http, second]
        n = 30
        results = await asyncio.gather(
            *(
                clients[i % 2].post("/api/v1/handoffs", headers=INTERNAL, json=packet(f"d{i}"))
                for i in range(n)
            )
        )
        assert all(r.status_code in (200, 201) for r in results)
        # both processes also run their dispatchers at once
        await asyncio.gather(console.ctx.queue.dispatch_all(), second.get("/health"))
        assigned = {}
        for i in range(n):
            state = await console.ctx.conversations.state(f"d{i}")
            accepted = [e for e in await console.events(f"d{i}") if e.type == "accepted"]
            if state.owner is Owner.AGENT:
                assigned[f"d{i}"] = state.agent
                assert len(accepted) == 1 and accepted[0].data["agent"] == state.agent
            else:
                assert state.owner is Owner.QUEUED and accepted == []
        assert len(assigned) == sum(caps.values())
        for name, cap in caps.items():
            chats = set(await console.ctx.agents.chats(name))
            assert len(chats) == cap
            assert chats == {c for c, a in assigned.items() if a == name}
        # claims from both processes for the rest: still never over capacity
        r1 = await console.login("r1", "agent-pass-123")
        queued = [f"d{i}" for i in range(n) if f"d{i}" not in assigned]
        claims = await asyncio.gather(
            *(
                clients[j % 2].post(f"/api/v1/conversations/{cid}/accept", headers=r1)
                for j, cid in enumerate(queued[:6])
            )
        )
        assert all(r.status_code == 409 for r in claims)
        assert len(await console.ctx.agents.chats("r1")) == 2
    assert TEST_ADMIN_PASSWORD


async def test_sigkilled_staff_console_loses_and_duplicates_nothing(redis_url: str, tmp_path: Path):
    result = await run(
        conversations_n=60,
        rounds=2,
        agents_n=4,
        capacity=5,
        redis_url=redis_url,
        workdir=tmp_path,
        kill=True,
        concurrency=30,
    )
    assert result["killed"] == 1
    assert result["problems"] == []
    assert result["max_agent_load"] <= 5
    assert result["archive_pending"] == 0
