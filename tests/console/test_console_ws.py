"""The agent console's WebSocket: JWT authentication and live events of the agent's chats."""

from __future__ import annotations

import asyncio
import json
import time

import jwt
import websockets

from handoff.conversation import Owner
from tests.conftest import TEST_JWT_SECRET
from tests.staff_console import Console


def ws_url(console: Console) -> str:
    return console.server.url.replace("http://", "ws://") + "/api/v1/ws"


async def next_of(ws, kind: str) -> dict:  # type: ignore[no-untyped-def]
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if message["type"] == kind:
            return message


async def test_socket_needs_a_valid_staff_token(console: Console):
    expired = jwt.encode(
        {"sub": "li", "roles": ["agent"], "exp": int(time.time()) - 1},
        TEST_JWT_SECRET,
        algorithm="HS256",
    )
    for token in ("garbage", expired):
        async with websockets.connect(ws_url(console)) as ws:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            reply = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
            assert reply["type"] == "error" and reply["code"] in ("unauthorized", "token_expired")
    editor = await console.agent("ed", [], roles=["editor"], online=False)
    async with websockets.connect(ws_url(console)) as ws:
        await ws.send(json.dumps({"type": "auth", "token": editor["Authorization"].split()[1]}))
        reply = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        assert reply == {"type": "error", "code": "forbidden", "message": reply["message"]}


async def test_socket_pushes_customer_messages_and_sends_replies(console: Console):
    c = console
    headers = await c.agent("li", ["aftersales"])
    async with websockets.connect(ws_url(c)) as ws:
        await ws.send(json.dumps({"type": "auth", "token": headers["Authorization"].split()[1]}))
        assert (await next_of(ws, "ready"))["username"] == "li"
        await c.handoff("live-1")
        assert (await c.ctx.conversations.state("live-1")).owner is Owner.AGENT
        assert (await next_of(ws, "chats_changed"))["chats"] == ["live-1"]
        await c.ctx.conversations.append(
            "live-1", "message", {"from": "customer", "text": "<b>在吗</b>"}
        )
        while True:
            pushed = await next_of(ws, "event")
            if pushed["event"]["type"] == "message":
                break
        assert pushed["conversation_id"] == "live-1"
        assert pushed["event"]["text"] == "<b>在吗</b>"
        await ws.send(
            json.dumps(
                {"type": "send", "conversation_id": "live-1", "text": "在的", "client_msg_id": "w1"}
            )
        )
        assert (await next_of(ws, "sent"))["duplicate"] is False
        # a send frame is checked by the reply body's model (console.chat_bodies.StaffReply)
        for bad, code in [
            ({"text": 5}, "empty_text"),
            ({}, "empty_text"),
            ({"text": "在的", "client_msg_id": 7}, "invalid_client_msg_id"),
            ({"text": "在的", "client_msg_id": "w" * 65}, "invalid_client_msg_id"),
        ]:
            await ws.send(json.dumps({"type": "send", "conversation_id": "live-1", **bad}))
            assert (await next_of(ws, "error"))["code"] == code, bad
        await ws.send(json.dumps({"type": "ping"}))
        await next_of(ws, "pong")
    texts = [e.data["text"] for e in await c.events("live-1") if e.type == "message"]
    assert texts == ["<b>在吗</b>", "在的"]
