"""REST channel additions: API keys per integration, rate limits per key and per conversation
(429 + Retry-After), internal events filtered from the events endpoint, the CSAT endpoint and
the queue field — real gateway, real Redis."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.app import create_app
from handoff.conversation import Conversations, Owner
from tests.bot.conftest import gateway_settings
from tests.conftest import TEST_API_KEY, unique_app_name

SHOP_KEY = "shop-a-key-0123456789"
APP_KEY = "app-b-key-9876543210"


async def start(serve: Any, redis_url: str, sqlite_url: str, **overrides: Any) -> httpx.AsyncClient:
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        api_keys=SecretStr(f"shop-a:{SHOP_KEY}, app-b:{APP_KEY}"),
        **overrides,
    )
    server = await serve(create_app(settings, unique_app_name("gw-rest")))
    return httpx.AsyncClient(base_url=server.url, timeout=10)


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_each_integration_key_works_and_is_limited_on_its_own(
    serve, redis_url: str, sqlite_url: str
):
    async with await start(
        serve, redis_url, sqlite_url, rate_per_key_per_min=3, rate_per_conversation_per_min=100
    ) as client:
        for key, conv in ((TEST_API_KEY, "c0"), (SHOP_KEY, "c1"), (APP_KEY, "c2")):
            r = await client.get(f"/api/v1/conversations/{conv}/events", headers=auth(key))
            assert r.status_code == 200
        r = await client.get("/api/v1/conversations/c1/events", headers=auth("shop-a"))
        assert r.status_code == 401
        for _ in range(2):
            assert (
                await client.get("/api/v1/conversations/c1/events", headers=auth(SHOP_KEY))
            ).status_code == 200
        r = await client.get("/api/v1/conversations/c1/events", headers=auth(SHOP_KEY))
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(r.headers["retry-after"]) <= 61
        # Another integration is not affected.
        r = await client.get("/api/v1/conversations/c2/events", headers=auth(APP_KEY))
        assert r.status_code == 200


async def test_another_integrations_key_cannot_reach_its_conversation(
    serve, redis_url: str, sqlite_url: str, redis: Redis
):
    """A conversation belongs to the integration that created it; other keys get 404 on every
    route, and web or WeChat conversations are never reachable over REST."""
    async with await start(serve, redis_url, sqlite_url) as client:
        r = await client.post(
            "/api/v1/conversations/shop-conv/messages",
            json={"text": "你好", "customer_id": "demo-001"},
            headers=auth(SHOP_KEY),
        )
        assert r.status_code == 200, r.text
        assert (
            await client.get("/api/v1/conversations/shop-conv/events", headers=auth(SHOP_KEY))
        ).status_code == 200
        calls = [
            ("GET", "/api/v1/conversations/shop-conv/events", None),
            ("POST", "/api/v1/conversations/shop-conv/messages", {"text": "我的订单"}),
            ("POST", "/api/v1/conversations/shop-conv/csat", {"score": 5}),
            ("POST", "/api/v1/conversations/shop-conv/leave-message", {"text": "hi"}),
        ]
        for method, path, body in calls:
            r = await client.request(method, path, json=body, headers=auth(APP_KEY))
            assert r.status_code == 404, (path, r.text)
            assert r.json()["error"]["code"] == "not_found"
        conversations = Conversations(redis)
        await conversations.append(
            "web-abcdefghijklmnopqrstuvwx",
            "message",
            {"from": "customer", "text": "我的地址"},
            channel="web",
            customer_id="demo-001",
        )
        r = await client.get(
            "/api/v1/conversations/web-abcdefghijklmnopqrstuvwx/events", headers=auth(SHOP_KEY)
        )
        assert r.status_code == 404


async def test_one_conversation_is_limited_without_blocking_others(
    serve, redis_url: str, sqlite_url: str
):
    async with await start(
        serve, redis_url, sqlite_url, rate_per_conversation_per_min=2, rasa_timeout_s=0.5
    ) as client:
        for _ in range(2):
            r = await client.post(
                "/api/v1/conversations/busy/messages", json={"text": "hi"}, headers=auth(SHOP_KEY)
            )
            assert r.status_code == 200
        r = await client.post(
            "/api/v1/conversations/busy/messages", json={"text": "hi"}, headers=auth(SHOP_KEY)
        )
        assert r.status_code == 429
        assert "retry-after" in r.headers
        r = await client.post(
            "/api/v1/conversations/calm/messages", json={"text": "hi"}, headers=auth(SHOP_KEY)
        )
        assert r.status_code == 200


async def test_events_never_carry_internal_notes(
    serve, redis_url: str, sqlite_url: str, redis: Redis
):
    conversations = Conversations(redis)
    await conversations.append("c9", "message", {"from": "customer", "text": "在吗"})
    await conversations.append("c9", "note", {"text": "客户手机号 138****0000", "internal": True})
    await conversations.append("c9", "delivery_failed", {"reason": "x", "internal": True})
    await conversations.append(
        "c9", "message", {"from": "agent", "text": "hidden", "internal": True}
    )
    await conversations.append(
        "c9", "message", {"from": "agent", "text": "在的", "agent": "wang", "agent_name": "小王"}
    )
    await conversations.append(
        "c9",
        "transferred",
        {
            "reason": "客户骂人，转主管",
            "by": "wang",
            "to_agent": "li",
            "text_for_customer": "正在为您转接其他客服",
        },
    )
    await conversations.append("c9", "sla_breach", {"level": 2})
    async with await start(serve, redis_url, sqlite_url) as client:
        body = (
            await client.get("/api/v1/conversations/c9/events", headers=auth(TEST_API_KEY))
        ).json()
        assert [e["type"] for e in body["events"]] == ["message", "message", "transferred"]
        assert [e.get("text") for e in body["events"][:2]] == ["在吗", "在的"]
        assert body["events"][1]["agent_name"] == "小王"
        assert body["events"][2]["text_for_customer"] == "正在为您转接其他客服"
        assert body["last_seq"] == 7
        for hidden in ("internal", "客户骂人", "wang", "to_agent", "sla_breach", "手机号"):
            assert hidden not in str(body)
        body = (
            await client.get("/api/v1/conversations/c9/events?after=1", headers=auth(TEST_API_KEY))
        ).json()
        assert [e["seq"] for e in body["events"]] == [5, 6]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"score": 0}, "invalid_csat"),
        ({"score": "5"}, "invalid_csat"),
        ({"score": True}, "invalid_csat"),
        ({"score": 3, "comment": 7}, "invalid_csat"),
    ],
)
async def test_csat_endpoint_validates(
    serve, redis_url: str, sqlite_url: str, redis: Redis, payload: dict[str, Any], code: str
):
    await Conversations(redis).append("c5", "message", {"from": "customer", "text": "hi"})
    await Conversations(redis).transition("c5", {Owner.BOT}, Owner.CLOSED, "closed", {})
    async with await start(serve, redis_url, sqlite_url) as client:
        r = await client.post(
            "/api/v1/conversations/c5/csat", json=payload, headers=auth(TEST_API_KEY)
        )
        assert r.status_code == 400
        assert r.json()["error"]["code"] == code


async def test_csat_endpoint_stores_the_answer(
    serve, redis_url: str, sqlite_url: str, redis: Redis
):
    conversations = Conversations(redis)
    await conversations.append("c6", "message", {"from": "customer", "text": "hi"})
    await conversations.transition("c6", {Owner.BOT}, Owner.CLOSED, "closed", {})
    async with await start(serve, redis_url, sqlite_url) as client:
        r = await client.post(
            "/api/v1/conversations/c6/csat",
            json={"score": 5, "comment": "很好"},
            headers=auth(SHOP_KEY),
        )
        assert r.status_code == 201
        r = await client.post(
            "/api/v1/conversations/never/csat", json={"score": 5}, headers=auth(SHOP_KEY)
        )
        assert r.status_code == 404
    csat = [e for e in await conversations.events("c6") if e.type == "csat"]
    assert csat[0].data["score"] == 5 and csat[0].data["comment"] == "很好"


async def test_queued_conversation_gets_a_waiting_reply_not_the_bot(
    serve, redis_url: str, sqlite_url: str, redis: Redis
):
    """The bot stays silent while queued (the place in the queue, from handoff's
    QueueService, is checked end to end in test_handoff_flow.py)."""
    conversations = Conversations(redis)
    await conversations.append("q1", "message", {"from": "customer", "text": "转人工"})
    await conversations.transition(
        "q1", {Owner.BOT}, Owner.QUEUED, "queued", {"position": 1, "eta_seconds": 60}
    )
    async with await start(serve, redis_url, sqlite_url) as client:
        r = await client.post(
            "/api/v1/conversations/q1/messages",
            json={"text": "还要等多久"},
            headers=auth(TEST_API_KEY),
        )
    body = r.json()
    assert body["owner"] == "queued"
    assert [reply["from"] for reply in body["replies"]] == ["system"]
    assert "转接人工客服" in body["replies"][0]["text"]
