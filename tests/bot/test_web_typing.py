"""Typing indicators on the web channel's WebSocket, through a real gateway and real Redis: the
agent's typing reaches the customer without a name; the customer's reaches the agent only while
an agent owns the chat; neither is ever stored or replayed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from websockets.asyncio.client import connect

from bot.app import create_app
from handoff import typing_relay
from handoff.conversation import Conversations, Owner
from handoff.typing_relay import Typing, TypingHub
from tests.bot.conftest import gateway_settings
from tests.bot.test_web_ws import hello, until, ws_url
from tests.conftest import unique_app_name
from tests.handoff.test_typing_relay import next_signal, subscribed


@pytest.fixture
async def gw(serve, redis_url: str, sqlite_url: str):  # type: ignore[no-untyped-def]
    settings = gateway_settings(redis_url, sqlite_url, ws_messages_per_10s=5)
    return await serve(create_app(settings, unique_app_name("gw-typing")))


@pytest.fixture
async def console_side(redis_url: str) -> AsyncIterator[TypingHub]:
    """What the staff console would publish and hear: a hub of its own."""
    hub = TypingHub.from_url(redis_url)
    yield hub
    await hub.close()


async def with_agent(conversations: Conversations, conv: str) -> None:
    await conversations.transition(conv, {Owner.BOT}, Owner.QUEUED, "queued", {"position": 1})
    await conversations.transition(
        conv, {Owner.QUEUED}, Owner.AGENT, "accepted", {"agent_name": "小王"}, agent="wang"
    )


async def frames_until_pong(ws: Any) -> list[dict[str, Any]]:
    await ws.send(json.dumps({"type": "ping"}))
    return await until(ws, lambda f: f["type"] == "pong")


async def test_agent_typing_is_shown_to_the_customer_without_a_name(
    gw: Any, redis: Redis, console_side: TypingHub
):
    async with connect(ws_url(gw)) as ws:
        conv = (await hello(ws))["conversation_id"]
        await subscribed(redis, conv)
        await console_side.publish(conv, "agent", True)
        frames = await until(ws, lambda f: f["type"] == "typing")
        assert frames[-1] == {"type": "typing", "on": True, "from": "agent"}
        await console_side.publish(conv, "customer", True)  # the customer's own: not echoed
        await console_side.publish(conv, "agent", False)
        frames = await until(ws, lambda f: f["type"] == "typing")
        assert frames == [{"type": "typing", "on": False, "from": "agent"}]
        # another conversation's agent typing never shows here
        other = "web-" + "o" * 20
        async with connect(ws_url(gw)) as ws2:
            await hello(ws2, conversation_id=other)
            await subscribed(redis, other)
            await console_side.publish(other, "agent", True)
            await until(ws2, lambda f: f["type"] == "typing")
        await console_side.publish(conv, "agent", True)
        assert (await until(ws, lambda f: f["type"] == "typing")) == [
            {"type": "typing", "on": True, "from": "agent"}
        ]


async def test_customer_typing_reaches_the_agent_only_while_an_agent_owns_the_chat(
    gw: Any, redis: Redis, console_side: TypingHub, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(typing_relay, "REFRESH_S", 3600.0)  # a burst is one "on", however slow
    conversations = Conversations(redis)
    heard: asyncio.Queue[Typing] = asyncio.Queue(64)
    async with connect(ws_url(gw)) as ws:
        conv = (await hello(ws))["conversation_id"]
        await conversations.append(conv, "message", {"from": "customer", "text": "转人工"})
        await console_side.listen(conv, heard)
        await subscribed(redis, conv, count=2)  # the gateway's socket and the "console"
        # the bot owns the chat: typing goes nowhere
        await ws.send(json.dumps({"type": "typing", "on": True}))
        await ws.send(json.dumps({"type": "typing", "on": False}))
        await frames_until_pong(ws)
        await with_agent(conversations, conv)
        for _ in range(30):  # a customer hammering keys: well over the message limit of 5
            await ws.send(json.dumps({"type": "typing", "on": True}))
        await ws.send(json.dumps({"type": "typing", "on": False}))
        await ws.send(json.dumps({"type": "typing", "on": False}))
        frames = await frames_until_pong(ws)
        assert not [f for f in frames if f["type"] == "error"]  # typing is not rate-limited
        await console_side.publish(conv, "agent", True)  # a later signal proves the order
        assert await next_signal(heard) == Typing(conv, "customer", True)
        assert await next_signal(heard) == Typing(conv, "customer", False)
        assert await next_signal(heard) == Typing(conv, "agent", True)
        assert heard.empty()
    await console_side.unlisten(conv, heard)
    assert "typing" not in [e.type for e in await conversations.events(conv)]


async def test_typing_is_never_stored_nor_replayed(gw: Any, redis: Redis, console_side: TypingHub):
    conversations = Conversations(redis)
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws)
        conv, customer = welcome["conversation_id"], welcome["customer_id"]
        await conversations.append(conv, "message", {"from": "customer", "text": "转人工"})
        await with_agent(conversations, conv)
        await subscribed(redis, conv)
        await console_side.publish(conv, "agent", True)
        await until(ws, lambda f: f["type"] == "typing")
        await ws.send(json.dumps({"type": "typing", "on": True}))
        await frames_until_pong(ws)
    # the agent types while the customer is away: nobody hears it, nothing keeps it
    await console_side.publish(conv, "agent", True)
    async with connect(ws_url(gw)) as ws:
        await hello(ws, conversation_id=conv, customer_id=customer, after=0)
        frames = await until(ws, lambda f: f.get("event") == "accepted")
        frames += await frames_until_pong(ws)
    assert [f["event"] for f in frames if f["type"] == "event"] == ["message", "queued", "accepted"]
    assert not [f for f in frames if f["type"] == "typing"]
    assert "typing" not in [e.type for e in await conversations.events(conv)]
    assert not [k for k in await redis.keys("*") if b"typing" in k]
