"""A gateway holds a bounded number of Redis connections however many customers wait on it:
300 web chat sockets and 60 REST long polls, counted with CLIENT LIST on the real server(s),
stay within ``redis_max_connections`` + the wake-up readers + the typing hub — and every
socket and long poll still gets its conversation's events exactly once and in order."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import redis
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect

from bot.app import create_app
from handoff.conversation import Conversations
from handoff.typing_relay import PUBSUB_POOL
from handoff.wakeups import PARTITIONS
from kefu.redis_client import parse_redis_url
from tests.bot.conftest import gateway_settings
from tests.conftest import TEST_API_KEY, unique_app_name

SOCKETS = 300
LONG_POLLS = 60
POOL = 8  # redis_max_connections of the gateway under test
BOUND = POOL + PARTITIONS + 1 + PUBSUB_POOL  # per Redis server (a cluster: per master)


def connections_named(redis_url: str, name: str) -> list[int]:
    """How many connections named ``name`` each Redis server (each master) has now."""
    address = parse_redis_url(redis_url)
    if address.kind == "cluster":
        clients = [redis.Redis(host=h, port=p) for h, p in address.nodes]
    else:
        clients = [redis.Redis.from_url(redis_url)]
    try:
        return [sum(1 for c in client.client_list() if c.get("name") == name) for client in clients]
    finally:
        for client in clients:
            client.close()


async def hello(ws: ClientConnection) -> str:
    await ws.send(json.dumps({"type": "hello", "after": 0}))
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if frame["type"] == "welcome":
            return str(frame["conversation_id"])


async def agent_texts(ws: ClientConnection, count: int) -> list[str]:
    texts: list[str] = []
    while len(texts) < count:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame["type"] == "event" and frame.get("event") == "message":
            texts.append(frame["text"])
    return texts


async def long_poll(client: httpx.AsyncClient, conv: str) -> list[str]:
    texts: list[str] = []
    after = 0
    while len(texts) < 3:
        reply = await client.get(
            f"/api/v1/conversations/{conv}/events", params={"after": after, "wait": 25}
        )
        assert reply.status_code == 200, reply.text
        body = reply.json()
        texts += [e["text"] for e in body["events"] if e["type"] == "message"]
        after = body["last_seq"]
    return texts


async def test_many_waiting_customers_hold_a_bounded_number_of_redis_connections(
    serve: Any, redis_url: str, sqlite_url: str, redis: Redis
):
    name = unique_app_name("gw-conns")
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        redis_max_connections=POOL,
        ws_max_per_address=SOCKETS + 10,
        rate_per_key_per_min=10_000,
        rate_per_conversation_per_min=10_000,
    )
    server = await serve(create_app(settings, name))
    ws_url = server.url.replace("http://", "ws://") + "/ws"
    conversations = Conversations(redis)
    sockets = [await connect(ws_url, max_queue=64) for _ in range(SOCKETS)]
    headers = {"Authorization": f"Bearer {TEST_API_KEY}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
        try:
            convs = [await hello(ws) for ws in sockets]
            rest_convs = [f"lp-{i}" for i in range(LONG_POLLS)]
            polls = [asyncio.ensure_future(long_poll(client, conv)) for conv in rest_convs]
            readers = [asyncio.ensure_future(agent_texts(ws, 3)) for ws in sockets]
            await asyncio.sleep(1.0)  # every socket and long poll is waiting now
            waiting = connections_named(redis_url, name)
            for n in range(3):
                for conv in convs + rest_convs:
                    await conversations.append(
                        conv, "message", {"from": "agent", "text": f"{conv}/{n}"}
                    )
            got = await asyncio.wait_for(asyncio.gather(*readers), 120)
            polled = await asyncio.wait_for(asyncio.gather(*polls), 120)
            delivered = connections_named(redis_url, name)
        finally:
            for ws in sockets:
                await ws.close()
    assert sum(waiting) > 0  # the gateway's connections are the ones counted
    assert max(waiting) <= BOUND, waiting
    assert max(delivered) <= BOUND, delivered
    for conv, texts in zip(convs + rest_convs, got + polled, strict=True):
        assert texts == [f"{conv}/0", f"{conv}/1", f"{conv}/2"]  # each once, in order
