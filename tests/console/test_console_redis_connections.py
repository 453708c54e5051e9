"""The staff console's socket holds no Redis connection of its own while it waits: 60 sockets
each watching a conversation keep the console within ``redis_max_connections`` + the wake-up
readers + the typing hub (CLIENT LIST on the real server), and each gets its events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets

from console.app import create_app
from handoff.typing_relay import PUBSUB_POOL
from handoff.wakeups import PARTITIONS
from tests.bot.test_redis_connections import connections_named
from tests.conftest import unique_app_name
from tests.console.test_staff_api import staff_settings
from tests.staff_console import Console

SOCKETS = 60
POOL = 8
BOUND = POOL + PARTITIONS + 1 + PUBSUB_POOL


async def watch_until(ws: Any, token: str, conv: str, text: str) -> None:
    await ws.send(json.dumps({"type": "auth", "token": token}))
    await ws.send(json.dumps({"type": "watch", "conversation_id": conv, "after": 0}))
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if message["type"] == "error":
            raise AssertionError(message)
        if message["type"] == "event" and message["event"].get("text") == text:
            return


async def test_watching_sockets_hold_a_bounded_number_of_redis_connections(
    serve: Any, redis_url: str, sqlite_url: str
):
    settings = staff_settings(redis_url, sqlite_url)
    settings.redis_max_connections = POOL
    name = unique_app_name("staff-conns")
    server = await serve(create_app(settings, name))
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        console = Console(server, http)
        headers = await console.agent("sup", ["aftersales"], roles=["supervisor"], online=False)
        token = headers["Authorization"].split()[1]
        convs = [f"watched-{i}" for i in range(SOCKETS)]
        for conv in convs:
            await console.ctx.conversations.append(
                conv, "message", {"from": "customer", "text": "hi"}
            )
        url = server.url.replace("http://", "ws://") + "/api/v1/ws"
        sockets = [await websockets.connect(url) for _ in convs]
        try:
            watching = [
                asyncio.ensure_future(watch_until(ws, token, conv, f"{conv}/later"))
                for ws, conv in zip(sockets, convs, strict=True)
            ]
            await asyncio.sleep(3.0)  # every socket is waiting on its conversation now
            waiting = connections_named(redis_url, name)
            for conv in convs:
                await console.ctx.conversations.append(
                    conv, "message", {"from": "customer", "text": f"{conv}/later"}
                )
            await asyncio.wait_for(asyncio.gather(*watching), 120)
            delivered = connections_named(redis_url, name)
        finally:
            for ws in sockets:
                await ws.close()
    assert sum(waiting) > 0
    assert max(waiting) <= BOUND, waiting
    assert max(delivered) <= BOUND, delivered
