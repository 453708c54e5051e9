"""The web chat socket's limits beyond one connection: messages per conversation over all its
sockets and per client address (Redis, shared by gateway processes), open sockets per address;
X-Forwarded-For believed only from KEFU_TRUSTED_PROXIES."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bot.app import create_app
from tests.bot.conftest import gateway_settings
from tests.conftest import unique_app_name

BAD_CSAT = json.dumps({"type": "csat", "score": "x"})  # answered with one error, stores nothing


async def gateway(serve: Any, redis_url: str, sqlite_url: str, **settings: Any) -> str:
    app = create_app(gateway_settings(redis_url, sqlite_url, **settings), unique_app_name("gw"))
    server = await serve(app)
    return str(server.url.replace("http://", "ws://") + "/ws")


async def recv(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), 10))


async def hello(ws: ClientConnection, **fields: Any) -> str:
    await ws.send(json.dumps({"type": "hello", "after": 0, **fields}))
    while True:
        frame = await recv(ws)
        if frame["type"] == "welcome":
            return str(frame["conversation_id"])


async def answers(ws: ClientConnection, frames: int) -> list[str]:
    """Send ``frames`` bad CSAT frames; the error code of each answer."""
    codes = []
    for _ in range(frames):
        await ws.send(BAD_CSAT)
        while True:
            frame = await recv(ws)
            if frame["type"] == "error":
                codes.append(frame["code"])
                break
    return codes


async def test_sockets_of_one_conversation_share_its_limit(
    serve: Any, redis_url: str, sqlite_url: str
):
    url = await gateway(serve, redis_url, sqlite_url, ws_messages_per_10s=5)
    async with connect(url) as first, connect(url) as second, connect(url) as third:
        conv = await hello(first)
        await hello(second, conversation_id=conv)
        await hello(third, conversation_id=conv)
        codes = [c for ws in (first, second, third) for c in await answers(ws, 3)]
    assert codes.count("invalid_csat") == 5  # the conversation's 5 per 10 s, not 5 per socket
    assert codes.count("rate_limited") == 4


async def test_one_address_has_a_message_limit_over_its_conversations(
    serve: Any, redis_url: str, sqlite_url: str
):
    url = await gateway(
        serve, redis_url, sqlite_url, ws_messages_per_10s=5, ws_messages_per_address_per_min=4
    )
    async with connect(url) as one, connect(url) as two:
        await hello(one)
        await hello(two)
        codes = await answers(one, 3) + await answers(two, 3)
    assert codes == ["invalid_csat"] * 4 + ["rate_limited"] * 2


async def closed_at_once(url: str, headers: dict[str, str] | None = None) -> bool:
    """True when the gateway closes a new socket with 1013 instead of serving it."""
    async with connect(url, additional_headers=headers) as ws:
        try:
            await ws.send(json.dumps({"type": "ping"}))
            await recv(ws)
        except ConnectionClosed:
            return ws.close_code == 1013
    return False


async def test_open_sockets_are_capped_per_address(serve: Any, redis_url: str, sqlite_url: str):
    url = await gateway(serve, redis_url, sqlite_url, ws_max_per_address=2)
    async with connect(url) as a, connect(url) as b:
        for ws in (a, b):
            await ws.send(json.dumps({"type": "ping"}))
            assert (await recv(ws))["type"] == "pong"
        assert await closed_at_once(url)
    assert not await closed_at_once(url)  # freed when they close


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
async def test_forwarded_for_counts_only_from_a_trusted_proxy(
    serve: Any, redis_url: str, sqlite_url: str, trusted: str
):
    url = await gateway(serve, redis_url, sqlite_url, ws_max_per_address=1, trusted_proxies=trusted)
    async with connect(url, additional_headers={"X-Forwarded-For": "203.0.113.7"}) as ws:
        await ws.send(json.dumps({"type": "ping"}))
        assert (await recv(ws))["type"] == "pong"
        other_customer = {"X-Forwarded-For": "198.51.100.9"}
        # behind a trusted proxy another customer gets in; otherwise the header is a lie
        assert await closed_at_once(url, other_customer) is (not trusted)
        assert await closed_at_once(url, {"X-Forwarded-For": "203.0.113.7"})


async def test_open_sockets_are_capped_per_address_over_every_gateway(
    serve: Any, redis_url: str, sqlite_url: str
):
    """Two gateway processes on one Redis share one count per address."""
    first = await gateway(serve, redis_url, sqlite_url, ws_max_per_address=2)
    second = await gateway(serve, redis_url, sqlite_url, ws_max_per_address=2)
    async with connect(first) as a, connect(second) as b:
        for ws in (a, b):
            await ws.send(json.dumps({"type": "ping"}))
            assert (await recv(ws))["type"] == "pong"
        assert await closed_at_once(first)
        assert await closed_at_once(second)
    assert not await closed_at_once(second)  # freed when they close
