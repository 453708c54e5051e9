"""The web channel's WebSocket ``/ws`` and the pages, through a real gateway and real Redis
(Rasa is down here: the router's polite fallback is the bot's turn; the real bot is in
test_web_browser.py and the benchmarks)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bot.app import create_app
from handoff.conversation import Conversations, Owner
from tests.bot.conftest import gateway_settings
from tests.conftest import unique_app_name


@pytest.fixture
async def gw(serve, redis_url: str, sqlite_url: str):  # type: ignore[no-untyped-def]
    settings = gateway_settings(redis_url, sqlite_url, ws_messages_per_10s=5)
    return await serve(create_app(settings, unique_app_name("gw-web")))


def ws_url(server: Any) -> str:
    return server.url.replace("http://", "ws://") + "/ws"


async def recv(ws: ClientConnection, limit_s: float = 10.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), limit_s))


async def until(ws: ClientConnection, pred: Any, limit_s: float = 10.0) -> list[dict[str, Any]]:
    """Frames up to and including the first that satisfies ``pred``."""
    seen: list[dict[str, Any]] = []
    while True:
        frame = await recv(ws, limit_s)
        seen.append(frame)
        if pred(frame):
            return seen


async def until_all(ws: ClientConnection, *preds: Any) -> list[dict[str, Any]]:
    """Frames until each predicate has matched one (pushes and replies may interleave)."""
    seen: list[dict[str, Any]] = []
    while not all(any(p(f) for f in seen) for p in preds):
        seen.append(await recv(ws))
    return seen


async def hello(ws: ClientConnection, **fields: Any) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "hello", "after": 0, **fields}))
    frame = await recv(ws)
    assert frame["type"] == "welcome"
    return frame


def is_event(kind: str, **match: Any) -> Any:
    return lambda f: (
        f["type"] == "event" and f["event"] == kind and all(f.get(k) == v for k, v in match.items())
    )


async def test_pages_are_served_with_utf8_and_a_strict_csp(gw: Any):
    async with httpx.AsyncClient(base_url=gw.url) as client:
        page = await client.get("/")
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "/static/chat.js" in page.text
        js = await client.get("/static/chat.js")
        assert js.headers["content-type"].startswith("application/javascript")
        assert "innerHTML" not in js.text
        widget = await client.get("/widget.js")
        assert "attachShadow" in widget.text and "innerHTML" not in widget.text
        missing = await client.get("/static/../settings.py")
        assert missing.status_code == 404


async def test_message_round_trip_with_ack_typing_and_events(gw: Any, redis: Redis):
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws, lang="zh-CN")
        conv = welcome["conversation_id"]
        assert conv.startswith("web-") and welcome["owner"] == "bot"
        await ws.send(json.dumps({"type": "message", "text": "我的订单怎么还没发货", "cid": "c1"}))
        frames = await until_all(
            ws,
            is_event("message", **{"from": "system"}),
            lambda f: f["type"] == "typing" and not f["on"],
        )
    kinds = [f["type"] for f in frames]
    assert "ack" in kinds and {"type": "typing", "on": True} in frames
    customer = next(f for f in frames if f.get("event") == "message" and f["from"] == "customer")
    assert customer["text"] == "我的订单怎么还没发货"
    system = next(f for f in frames if f.get("event") == "message" and f["from"] == "system")
    assert "系统繁忙" in system["text"]
    done = next(f for f in frames if f["type"] == "typing" and not f["on"])
    assert done["seq"] == system["seq"]
    state = await Conversations(redis).state(conv)
    assert state.channel == "web"


async def test_agent_messages_are_pushed_live_and_internal_notes_never(gw: Any, redis: Redis):
    conversations = Conversations(redis)
    async with connect(ws_url(gw)) as ws:
        conv = (await hello(ws))["conversation_id"]
        await conversations.append(conv, "message", {"from": "customer", "text": "转人工"})
        await conversations.transition(
            conv, {Owner.BOT}, Owner.QUEUED, "queued", {"position": 2, "eta_seconds": 120}
        )
        await conversations.transition(
            conv, {Owner.QUEUED}, Owner.AGENT, "accepted", {"agent_name": "小王"}, agent="wang"
        )
        await conversations.append(conv, "note", {"text": "内部备注：VIP", "internal": True})
        await conversations.append(
            conv, "message", {"from": "agent", "text": "internal?", "internal": True}
        )
        await conversations.append(
            conv, "message", {"from": "agent", "text": "您好，我是小王", "agent_name": "小王"}
        )
        frames = await until(ws, is_event("message", **{"from": "agent"}))
    events = [f for f in frames if f["type"] == "event"]
    assert [e["event"] for e in events] == ["message", "queued", "accepted", "message"]
    assert events[1]["position"] >= 1
    assert events[2]["agent_name"] == "小王"
    assert events[3]["text"] == "您好，我是小王"
    assert all("内部" not in json.dumps(f, ensure_ascii=False) for f in frames)


async def test_reconnect_resumes_after_last_seq_without_loss_or_doubles(gw: Any, redis: Redis):
    conversations = Conversations(redis)
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws)
        conv, customer = welcome["conversation_id"], welcome["customer_id"]
        await ws.send(json.dumps({"type": "message", "text": "hello", "cid": "m1"}))
        frames = await until(ws, is_event("message", **{"from": "system"}))
        last = max(f["seq"] for f in frames if f["type"] == "event")
    # While the customer is away, an agent writes twice.
    for text in ("first while away", "second while away"):
        await conversations.append(conv, "message", {"from": "agent", "text": text})
    async with connect(ws_url(gw)) as ws:
        again = await hello(ws, conversation_id=conv, customer_id=customer, after=last)
        assert again["conversation_id"] == conv and again["customer_id"] == customer
        frames = await until(ws, is_event("message", text="second while away"))
        # The client re-sends a message whose ack it lost: deduplicated by its cid.
        await ws.send(json.dumps({"type": "message", "text": "hello", "cid": "m1"}))
        ack = await until(ws, lambda f: f["type"] == "ack")
        assert ack[-1].get("duplicate") is True
    texts = [f["text"] for f in frames if f["type"] == "event"]
    assert texts == ["first while away", "second while away"]
    customer_msgs = [
        e
        for e in await conversations.events(conv)
        if e.type == "message" and e.data["from"] == "customer"
    ]
    assert len(customer_msgs) == 1

    # A reload (after=0) brings the whole history back, in order.
    async with connect(ws_url(gw)) as ws:
        await hello(ws, conversation_id=conv, customer_id=customer, after=0)
        frames = await until(ws, is_event("message", text="second while away"))
    seqs = [f["seq"] for f in frames if f["type"] == "event"]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) == 4


async def test_bad_frames_get_error_frames_and_the_connection_lives(gw: Any):
    async with connect(ws_url(gw), max_size=None) as ws:
        await ws.send(json.dumps({"type": "message", "text": "hi"}))
        assert (await recv(ws))["code"] == "hello_first"
        await hello(ws)
        for bad, code in [
            ("not json", "malformed_json"),
            ("[1,2]", "bad_frame"),
            (json.dumps({"type": "nope"}), "unknown_type"),
            (json.dumps({"type": "message", "text": ""}), "empty_text"),
            (json.dumps({"type": "csat", "score": 9}), "invalid_csat"),
            ("x" * 20_000, "frame_too_large"),
        ]:
            await ws.send(bad)
            frame = await recv(ws)
            assert frame == {"type": "error", "code": code, "message": frame["message"]}
        await ws.send(json.dumps({"type": "ping"}))
        assert (await recv(ws))["type"] == "pong"
        # Far over the limit: the connection is closed (1009), the gateway carries on.
        await ws.send("x" * 200_000)
        with pytest.raises(ConnectionClosed):
            for _ in range(5):
                await recv(ws)
    async with connect(ws_url(gw)) as ws:
        await hello(ws)


async def test_a_flooding_connection_is_limited_then_closed_and_others_are_fine(gw: Any):
    async with connect(ws_url(gw)) as calm, connect(ws_url(gw)) as flood:
        await hello(calm)
        await hello(flood)
        for i in range(40):
            try:
                await flood.send(json.dumps({"type": "csat", "score": 5, "cid": str(i)}))
            except ConnectionClosed:
                break
        codes = []
        with pytest.raises(ConnectionClosed):
            while True:
                frame = await recv(flood)
                if frame["type"] == "error":
                    codes.append(frame["code"])
        assert "rate_limited" in codes
        assert flood.close_code == 1008
        await calm.send(json.dumps({"type": "ping"}))
        assert (await recv(calm))["type"] == "pong"


async def test_csat_frame_is_stored(gw: Any, redis: Redis):
    async with connect(ws_url(gw)) as ws:
        conv = (await hello(ws))["conversation_id"]
        await Conversations(redis).transition(
            conv, {Owner.BOT}, Owner.CLOSED, "closed", {"resolution": "idle"}
        )
        await until(ws, is_event("closed"))
        await ws.send(json.dumps({"type": "csat", "score": 4, "comment": "挺好的<script>"}))
        frames = await until_all(ws, is_event("csat"), lambda f: f["type"] == "csat_ok")
    csat = next(f for f in frames if f.get("event") == "csat")
    assert csat["score"] == 4 and csat["comment"] == "挺好的<script>"


async def test_many_connections_each_get_their_pushes(
    serve, redis_url: str, sqlite_url: str, redis: Redis
):
    """More open connections than redis-py's default pool of 100: every reader still waits
    on its own stream and every customer gets the agent's message."""
    settings = gateway_settings(redis_url, sqlite_url)
    server = await serve(create_app(settings, unique_app_name("gw-many")))
    conversations = Conversations(redis)
    sockets = [await connect(ws_url(server)) for _ in range(150)]
    try:
        convs = [(await hello(ws))["conversation_id"] for ws in sockets]
        await asyncio.sleep(0.5)  # every reader is now blocked on its stream
        for conv in convs:
            await conversations.append(conv, "message", {"from": "agent", "text": f"to {conv}"})
        frames = await asyncio.gather(*(until(ws, is_event("message")) for ws in sockets))
        assert [f[-1]["text"] for f in frames] == [f"to {conv}" for conv in convs]
    finally:
        for ws in sockets:
            await ws.close()


async def test_connections_over_the_limit_are_refused_politely(
    serve, redis_url: str, sqlite_url: str
):
    settings = gateway_settings(redis_url, sqlite_url, ws_max_connections=1)
    server = await serve(create_app(settings, unique_app_name("gw-full")))
    async with connect(ws_url(server)) as first:
        await hello(first)
        async with connect(ws_url(server)) as second:
            with pytest.raises(ConnectionClosed):
                await recv(second)
            assert second.close_code == 1013
        await first.send(json.dumps({"type": "ping"}))
        assert (await recv(first))["type"] == "pong"


async def test_a_message_is_acknowledged_only_once_stored_and_a_failed_store_is_retried(
    gw: Any, redis: Redis
):
    """Redis fails right when the message is to be stored: no ack, the socket closes, and the
    client's retry (same cid) on a new socket is stored — not acknowledged as a duplicate."""
    conversations = Conversations(redis)
    router = gw.app.ctx.router
    real_append = router._conversations.append
    failures = []

    async def append_failing_once(conversation_id: str, type_: str, data: Any, **state: Any) -> int:
        if data.get("from") == "customer" and not failures:
            failures.append(conversation_id)
            raise ConnectionError("Redis went away while storing")
        return await real_append(conversation_id, type_, data, **state)

    router._conversations.append = append_failing_once  # fault injection: a Redis outage
    try:
        async with connect(ws_url(gw)) as ws:
            welcome = await hello(ws)
            conv, customer = welcome["conversation_id"], welcome["customer_id"]
            await ws.send(json.dumps({"type": "message", "text": "退款到哪了", "cid": "lost1"}))
            frames: list[dict[str, Any]] = []
            with pytest.raises(ConnectionClosed):
                while True:
                    frames.append(await recv(ws))
        assert failures == [conv]
        assert not [f for f in frames if f["type"] == "ack"], frames
        async with connect(ws_url(gw)) as ws:
            await hello(ws, conversation_id=conv, customer_id=customer, after=0)
            await ws.send(json.dumps({"type": "message", "text": "退款到哪了", "cid": "lost1"}))
            acks = [f for f in await until(ws, lambda f: f["type"] == "ack")]
            assert acks[-1] == {"type": "ack", "cid": "lost1"}
    finally:
        router._conversations.append = real_append
    stored = [
        e.data["text"]
        for e in await conversations.events(conv)
        if e.type == "message" and e.data["from"] == "customer"
    ]
    assert stored == ["退款到哪了"]
