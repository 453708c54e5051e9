"""A signed customer's last ended web conversation, read-only from the SQL archive, on any
device once its Redis keys are gone — and never for anyone else: real gateway, real Redis, real
SQL (SQLite and PostgreSQL), the real idle close that archives (Rasa is down: the customer's
messages are still stored)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr
from websockets.asyncio.client import connect

from bot.app import create_app
from kefu import redis_keys as keys
from tests.bot.conftest import gateway_settings
from tests.bot.test_web_identity import SECRET, say, signed
from tests.bot.test_web_ws import hello, until, ws_url
from tests.conftest import unique_app_name


@pytest.fixture
async def gw(serve, redis_url: str, database_url: str):  # type: ignore[no-untyped-def]
    settings = gateway_settings(redis_url, database_url, identity_secret=SecretStr(SECRET))
    return await serve(create_app(settings, unique_app_name("gw-archive")))


async def ended_conversation(gw: Any, who: dict[str, Any], text: str) -> str:
    """A conversation of ``who`` that ended (idle close → archived to SQL) and whose Redis keys
    have expired since."""
    async with connect(ws_url(gw)) as ws:
        conv = (await hello(ws, **who))["conversation_id"]
        await say(ws, text)
    assert await gw.app.ctx.endings.close(conv)  # ends it and archives it
    redis = gw.app.ctx.redis
    await redis.delete(keys.conv_state(conv), keys.conv_events(conv), keys.conv_packet(conv))
    return conv


async def frames_after_hello(ws: Any, **fields: Any) -> list[dict[str, Any]]:
    """Every frame a ``hello`` brings before a ``ping``'s ``pong`` (frames are answered in order,
    so nothing the hello sends can come after it)."""
    await ws.send(json.dumps({"type": "hello", "after": 0, **fields}))
    await ws.send(json.dumps({"type": "ping"}))
    return await until(ws, lambda f: f["type"] == "pong")


def archived(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "archived"]


async def test_the_last_archived_conversation_is_shown_read_only_on_a_new_device(gw):
    old = await ended_conversation(gw, signed("demo-001"), "上次问的羊毛大衣尺码")
    async with connect(ws_url(gw)) as phone:  # another device: no stored conversation id
        frames = await frames_after_hello(phone, **signed("demo-001"))
        welcome = frames[0]
        assert welcome["type"] == "welcome" and welcome["conversation_id"] != old
        [shown] = archived(frames)
        assert shown["conversation_id"] == old
        assert "上次问的羊毛大衣尺码" in [t["text"] for t in shown["transcript"]]
        assert {t["from"] for t in shown["transcript"]} <= {"customer", "bot", "agent"}
        assert not any("问题解决了吗" in t["text"] for t in shown["transcript"])
        # writing starts the new conversation; the archived one stays ended
        await say(phone, "新的问题")
    state = await gw.app.ctx.conversations.state(welcome["conversation_id"])
    assert state.customer_id == "demo-001" and state.seq > 0
    assert (await gw.app.ctx.conversations.state(old)).seq == 0  # not reopened
    async with connect(ws_url(gw)) as again:  # the new one is current: no archive any more
        frames = await frames_after_hello(again, **signed("demo-001"))
        assert frames[0]["conversation_id"] == welcome["conversation_id"]
        assert archived(frames) == []


async def test_the_old_device_does_not_reuse_an_archived_conversation_id(gw):
    old = await ended_conversation(gw, signed("demo-001"), "旧会话")
    async with connect(ws_url(gw)) as ws:  # the device still holds the old id
        frames = await frames_after_hello(ws, conversation_id=old, **signed("demo-001"))
        assert frames[0]["conversation_id"] != old
        assert [f["conversation_id"] for f in archived(frames)] == [old]


async def test_nobody_else_ever_sees_the_archive(gw):
    old = await ended_conversation(gw, signed("demo-001"), "只有我能看到的话")
    forged = {**signed("demo-001"), "hash": "0" * 64}
    tries: list[dict[str, Any]] = [
        forged,  # a forged identity claiming the customer
        {**signed("demo-002"), "customer_id": "demo-001"},  # another customer's hash
        {"customer_id": "demo-001"},  # a claim without a hash
        {"conversation_id": old},  # anonymous, holding the archived conversation's id
        {"conversation_id": old, **forged},
        {"conversation_id": old, **signed("demo-002")},  # a different signed customer
    ]
    for fields in tries:
        async with connect(ws_url(gw)) as ws:
            frames = await frames_after_hello(ws, **fields)
            assert frames[0]["conversation_id"] != old, fields
            assert archived(frames) == [], fields
            assert "只有我能看到的话" not in json.dumps(frames, ensure_ascii=False), fields


async def test_another_customer_sees_only_their_own_archive(gw):
    await ended_conversation(gw, signed("demo-001"), "一号客户的话")
    theirs = await ended_conversation(gw, signed("demo-002"), "二号客户的话")
    async with connect(ws_url(gw)) as ws:
        frames = await frames_after_hello(ws, **signed("demo-002"))
        [shown] = archived(frames)
        assert shown["conversation_id"] == theirs
        dumped = json.dumps(frames, ensure_ascii=False)
        assert "二号客户的话" in dumped and "一号客户的话" not in dumped


PRODUCT = {
    "id": "SKU-1001",
    "title": "羊毛大衣 <b>冬季</b>",
    "url": "https://shop.example/p/1001",
    "price": "¥599",
}


@pytest.mark.parametrize(
    ("product", "why"),
    [
        ({**PRODUCT, "url": "javascript:alert(1)"}, "http(s)"),
        ({**PRODUCT, "image": "data:image/png;base64,AAAA"}, "http(s)"),
        ({**PRODUCT, "title": "长" * 201}, "over 200"),
        ({"title": "no id", "url": "https://shop.example/p"}, "product.id is required"),
        ({**PRODUCT, "onclick": "x"}, "unknown fields"),
        ("SKU-1001", "must be an object"),
    ],
)
async def test_a_bad_product_is_left_out_and_the_chat_goes_on(gw, redis, product, why):
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws, product=product)
        assert why in welcome["product_refused"]
        await say(ws, "这个有货吗")
    state = await gw.app.ctx.conversations.state(welcome["conversation_id"])
    assert state.seq > 0 and "product" not in state.extra


async def test_the_product_page_is_stored_with_the_conversation(gw):
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws, product=PRODUCT)
        assert "product_refused" not in welcome
        await say(ws, "这个有货吗")
    state = await gw.app.ctx.conversations.state(welcome["conversation_id"])
    assert json.loads(state.extra["product"]) == PRODUCT
