"""Typing over the agent console's WebSocket: the agent's typing reaches the web customer of a
chat they own (throttled, nameless, never stored); the customer's typing reaches that agent."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from redis.asyncio import Redis

from handoff import typing_relay
from handoff.conversation import Owner
from handoff.typing_relay import Typing, TypingHub
from tests.console.test_console_ws import next_of, ws_url
from tests.handoff.test_typing_relay import next_signal, subscribed
from tests.staff_console import Console


async def open_chat(c: Console, conv: str, channel: str = "web") -> None:
    """A customer of ``channel`` writes, the bot hands off, an online agent gets the chat."""
    await c.ctx.conversations.append(
        conv, "message", {"from": "customer", "text": "转人工"}, channel=channel
    )
    r = await c.handoff(conv, channel=channel)
    assert r.status_code == 201, r.text


async def agent_socket(c: Console, headers: dict[str, str]) -> Any:
    ws = await websockets.connect(ws_url(c))
    await ws.send(json.dumps({"type": "auth", "token": headers["Authorization"].split()[1]}))
    await next_of(ws, "ready")
    return ws


async def type_(ws: Any, conv: str, on: bool) -> None:
    await ws.send(json.dumps({"type": "typing", "conversation_id": conv, "on": on}))


@pytest.fixture
async def customer_side(redis_url: str) -> Any:
    """What a gateway would hear: a hub of its own in this test."""
    hub = TypingHub.from_url(redis_url)
    yield hub
    await hub.close()


async def test_agent_typing_reaches_only_their_web_chats_throttled_and_unstored(
    console: Console, customer_side: TypingHub, redis: Redis, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(typing_relay, "REFRESH_S", 3600.0)  # a burst is one "on", however slow
    c = console
    li = await c.agent("li", ["aftersales"], capacity=2)
    await open_chat(c, "web-mine")
    await open_chat(c, "rest-mine", channel="rest")
    await c.agent("wang", ["aftersales"], capacity=2)
    await open_chat(c, "web-theirs")
    owners = [(await c.ctx.conversations.state(conv)).agent for conv in CHATS]
    assert owners == ["li", "li", "wang"]

    heard: asyncio.Queue[Typing] = asyncio.Queue(64)
    for conv in CHATS:
        await customer_side.listen(conv, heard)
        await subscribed(redis, conv)
    ws = await agent_socket(c, li)
    try:
        # someone else's chat, a REST chat, an unknown one: nothing is published, no error
        await type_(ws, "web-theirs", True)
        await type_(ws, "rest-mine", True)
        await type_(ws, "no-such-chat", True)
        await type_(ws, "web-theirs", False)
        for _ in range(20):  # a typist hammering keys
            await type_(ws, "web-mine", True)
        await type_(ws, "web-mine", False)
        await type_(ws, "web-mine", False)
        await ws.send(json.dumps({"type": "ping"}))
        await next_of(ws, "pong")  # every frame above has been handled, in order
        assert await next_signal(heard) == Typing("web-mine", "agent", True)
        assert await next_signal(heard) == Typing("web-mine", "agent", False)
        # nothing else was published (a later signal on the same channel proves the order)
        await customer_side.publish("web-mine", "customer", True)
        assert await next_signal(heard) == Typing("web-mine", "customer", True)
        assert heard.empty()
    finally:
        await ws.close()

    for conv in CHATS:
        assert "typing" not in [e.type for e in await c.events(conv)]
    assert not [k for k in await redis.keys("*") if b"typing" in k]


CHATS = ("web-mine", "rest-mine", "web-theirs")


async def test_customer_typing_is_pushed_to_the_owning_agent_only(
    console: Console, customer_side: TypingHub, redis: Redis
):
    c = console
    li = await c.agent("li", ["aftersales"], capacity=1)
    await open_chat(c, "web-1")
    await c.agent("wang", ["aftersales"], capacity=1)
    await open_chat(c, "web-2")
    assert [(await c.ctx.conversations.state(v)).agent for v in ("web-1", "web-2")] == [
        "li",
        "wang",
    ]
    ws = await agent_socket(c, li)
    try:
        assert (await next_of(ws, "chats_changed"))["chats"] == ["web-1"]
        await subscribed(redis, "web-1")
        await customer_side.publish("web-2", "customer", True)  # wang's chat
        await customer_side.publish("web-1", "agent", True)  # li's own typing is not echoed
        await customer_side.publish("web-1", "customer", True)
        await customer_side.publish("web-1", "customer", False)
        assert await next_of(ws, "typing") == {
            "type": "typing",
            "conversation_id": "web-1",
            "on": True,
        }
        assert await next_of(ws, "typing") == {
            "type": "typing",
            "conversation_id": "web-1",
            "on": False,
        }

        # the chat goes back to the bot: li stops hearing that customer
        r = await c.http.post("/api/v1/conversations/web-1/handback", headers=li)
        assert r.status_code == 200, r.text
        assert (await c.ctx.conversations.state("web-1")).owner is Owner.BOT
        assert (await next_of(ws, "chats_changed"))["chats"] == []
        await open_chat(c, "web-3")  # li has room again; wang is full
        assert (await next_of(ws, "chats_changed"))["chats"] == ["web-3"]
        await subscribed(redis, "web-3")
        await customer_side.publish("web-1", "customer", True)
        await customer_side.publish("web-3", "customer", True)
        assert await next_of(ws, "typing") == {
            "type": "typing",
            "conversation_id": "web-3",
            "on": True,
        }
    finally:
        await ws.close()
