"""Every conversation ends, as the customer lives it through the gateway: an idle bot chat is
closed by the staff console's worker, asked whether it was solved, rated once, archived with
its facts (intents from the real bot), and its Redis keys leave after the retention. Ratings
before the end or twice, and a left message outside the queue, are refused."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.app import create_app
from console import app as staff_app
from console.settings import StaffSettings
from handoff.conversation import Conversations, Owner
from handoff.facts import fact_of
from kefu import redis_keys as keys
from kefu.redis_client import async_client
from tests.bot.conftest import gateway_settings
from tests.conftest import (
    TEST_ADMIN_PASSWORD,
    TEST_API_KEY,
    TEST_INTERNAL_TOKEN,
    TEST_JWT_SECRET,
    unique_app_name,
)

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


def staff_settings(redis_url: str, database_url: str, **overrides: Any) -> StaffSettings:
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "database_url": database_url,
        "internal_token": SecretStr(TEST_INTERNAL_TOKEN),
        "jwt_secret": SecretStr(TEST_JWT_SECRET),
        "admin_password": SecretStr(TEST_ADMIN_PASSWORD),
        "background_tasks": False,  # the test drives the worker's ticks
    }
    values.update(overrides)
    return StaffSettings(**values)


async def tick_until_closed(staff: Any, conversations: Conversations, conv: str) -> None:
    for _ in range(100):
        await staff.app.ctx.worker.tick()
        if (await conversations.state(conv)).owner is Owner.CLOSED:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{conv} was not closed for idleness")


async def wait_gone(redis: Redis, *names: str) -> None:
    for _ in range(200):
        if not await redis.exists(*names):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{names} did not expire")


@pytest.mark.rasa
async def test_idle_bot_chat_is_closed_asked_rated_once_archived_and_expires(
    serve: Any, sqlite_url: str, rasa_stack: Any
) -> None:
    # Rasa keeps its trackers in the stack's Redis: the gateway and staff console share it.
    redis_url = rasa_stack.redis_url
    gw = await serve(
        create_app(
            gateway_settings(
                redis_url,
                sqlite_url,
                rasa_url=rasa_stack.rasa_url,
                action_server_url=rasa_stack.actions_url,
                rasa_timeout_s=30.0,
            ),
            unique_app_name("gw-endings"),
        )
    )
    staff = await serve(
        staff_app.create_app(
            staff_settings(redis_url, sqlite_url, idle_close_s=0.2),
            unique_app_name("staff-endings"),
        )
    )
    redis = async_client(redis_url)
    conversations = Conversations(redis)
    conv = f"idle-{unique_app_name('c')}"
    try:
        async with httpx.AsyncClient(base_url=gw.url, timeout=30) as client:
            r = await client.post(
                f"/api/v1/conversations/{conv}/messages",
                json={"text": "你好", "customer_id": "c-idle"},
                headers=AUTH,
            )
            assert r.status_code == 200 and r.json()["owner"] == "bot", r.text
            # Rasa's tracker expires on the same retention (endpoints.yml, KEFU_RETENTION_S)
            assert 0 < await redis.ttl(keys.rasa_tracker(conv)) <= 7 * 86400
            # Rated before the end: refused.
            r = await client.post(
                f"/api/v1/conversations/{conv}/csat", json={"score": 5}, headers=AUTH
            )
            assert r.status_code == 409 and r.json()["error"]["code"] == "not_ended"

            await tick_until_closed(staff, conversations, conv)
            events = await conversations.events(conv, 0, limit=100)
            closed = [e for e in events if e.type == "closed"]
            assert len(closed) == 1 and closed[0].data["resolution"] == "idle"
            asked = [e for e in events if e.data.get("ask_solved") and e.type == "message"]
            assert len(asked) == 1 and "解决了吗" in asked[0].data["text"]
            assert [b["title"] for b in asked[0].data["buttons"]] == ["已解决", "未解决"]
            # The customer sees the question (REST events) and answers it.
            seen = await client.get(f"/api/v1/conversations/{conv}/events", headers=AUTH)
            assert any("解决了吗" in (e.get("text") or "") for e in seen.json()["events"])
            r = await client.post(
                f"/api/v1/conversations/{conv}/messages",
                json={"text": "未解决", "customer_id": "c-idle"},
                headers=AUTH,
            )
            body = r.json()
            assert body["owner"] == "closed", body  # an answer, not a new conversation
            assert "转人工" in body["replies"][0]["text"]
            assert body["replies"][0]["buttons"][0]["title"] == "转人工"

            r = await client.post(
                f"/api/v1/conversations/{conv}/csat",
                json={"score": 2, "comment": "没找到答案"},
                headers=AUTH,
            )
            assert r.status_code == 201, r.text
            r = await client.post(
                f"/api/v1/conversations/{conv}/csat", json={"score": 5}, headers=AUTH
            )
            assert r.status_code == 409 and r.json()["error"]["code"] == "already_rated"

        fact = await fact_of(staff.app.ctx.engine, conv)
        assert fact is not None
        assert fact["intents"] == ["greet"]  # what the real bot recognised
        assert fact["bot_only"] is True and fact["agent"] is None
        assert fact["handoff_reason"] is None and fact["wait_s"] is None
        assert (fact["channel"], fact["lang"], fact["customer_id"]) == ("rest", "zh", "c-idle")
        assert fact["resolution"] == "unsolved"
        assert (fact["rating"], fact["rating_comment"]) == (2, "没找到答案")

        names = [keys.conv_state(conv), keys.conv_events(conv), keys.conv_packet(conv)]
        assert 0 < await redis.ttl(names[0]) <= 7 * 86400  # archived: retention started
        staff.app.ctx.archiver.retention_s = 1
        assert await staff.app.ctx.archiver.retain(conv)
        await wait_gone(redis, *names)
    finally:
        await redis.aclose()


async def test_rating_before_the_end_or_twice_and_leaving_a_message_outside_the_queue(
    serve: Any, redis_url: str, sqlite_url: str, redis: Redis
) -> None:
    gw = await serve(
        create_app(gateway_settings(redis_url, sqlite_url), unique_app_name("gw-refuse"))
    )
    conversations = Conversations(redis)
    await conversations.append("r1", "message", {"from": "customer", "text": "在吗"})
    async with httpx.AsyncClient(base_url=gw.url, timeout=10) as client:
        r = await client.post("/api/v1/conversations/r1/csat", json={"score": 4}, headers=AUTH)
        assert r.status_code == 409 and r.json()["error"]["code"] == "not_ended"
        r = await client.post(
            "/api/v1/conversations/r1/leave-message", json={"text": "回电话"}, headers=AUTH
        )
        assert r.status_code == 409 and r.json()["error"]["code"] == "not_waiting"

        await conversations.transition("r1", {Owner.BOT}, Owner.CLOSED, "closed", {})
        r = await client.post("/api/v1/conversations/r1/csat", json={"score": 4}, headers=AUTH)
        assert r.status_code == 201, r.text
        r = await client.post("/api/v1/conversations/r1/csat", json={"score": 1}, headers=AUTH)
        assert r.status_code == 409 and r.json()["error"]["code"] == "already_rated"
        r = await client.post(
            "/api/v1/conversations/r1/leave-message", json={"text": "回电话"}, headers=AUTH
        )
        assert r.status_code == 409 and r.json()["error"]["code"] == "not_waiting"
    scores = [e.data["score"] for e in await conversations.events("r1") if e.type == "csat"]
    assert scores == [4]
    fact = await fact_of(gw.app.ctx.engine, "r1")
    assert fact is not None and fact["rating"] == 4 and fact["bot_only"] is True
