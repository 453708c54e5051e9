"""Who is chatting on the web socket: the shop's signed identity, and which conversation a
``hello`` opens for whom — real gateway, real Redis (Rasa is down: the customer's message is
still stored, which is what makes a conversation someone's)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from pydantic import SecretStr
from websockets.asyncio.client import connect

from bot.app import create_app
from kefu.identity import identity_hash
from tests.bot.conftest import gateway_settings
from tests.bot.test_web_ws import hello, recv, until, ws_url
from tests.conftest import unique_app_name

SECRET = "identity-secret-for-tests-0123456789"


def signed(customer_id: str, expires: int | None = None, name: str = "") -> dict[str, Any]:
    fields: dict[str, Any] = {
        "customer_id": customer_id,
        "name": name,
        "hash": identity_hash(SECRET, customer_id, expires),
    }
    if expires is not None:
        fields["expires"] = expires
    return fields


@pytest.fixture
async def gw(serve, redis_url: str, sqlite_url: str):  # type: ignore[no-untyped-def]
    settings = gateway_settings(redis_url, sqlite_url, identity_secret=SecretStr(SECRET))
    return await serve(create_app(settings, unique_app_name("gw-identity")))


async def say(ws: Any, text: str) -> None:
    await ws.send(json.dumps({"type": "message", "text": text, "cid": f"c{time.monotonic_ns()}"}))
    await until(ws, lambda f: f["type"] == "typing" and f.get("on") is False)


async def test_a_signed_customer_is_known_and_followed_to_a_new_device(gw):
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws, **signed("demo-001", name="张晓雯"))
        assert welcome["customer_id"] == "demo-001"
        assert welcome["identity"] == "verified"
        await say(ws, "我的订单到哪了")
    async with connect(ws_url(gw)) as phone:  # another device: no stored conversation id
        again = await hello(phone, **signed("demo-001", int(time.time()) + 600))
        assert again["conversation_id"] == welcome["conversation_id"]
        texts = [f.get("text") for f in await until(phone, lambda f: f.get("from") == "system")]
        assert "我的订单到哪了" in texts  # the same conversation, from its start


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({**signed("demo-001"), "hash": "f" * 64}, "bad_hash"),  # tampered
        ({**signed("demo-002"), "customer_id": "demo-001"}, "bad_hash"),  # a hash for another id
        (signed("demo-001", int(time.time()) - 5), "expired"),
        (
            {**signed("demo-001", int(time.time()) - 5), "expires": int(time.time()) + 600},
            "bad_hash",
        ),
    ],
)
async def test_a_bad_identity_stays_anonymous(gw, fields, reason):
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws, **fields)
        assert welcome["identity"] == "anonymous"
        assert welcome["identity_refused"] == reason
        assert welcome["customer_id"].startswith("web-")


async def test_a_signed_customers_conversation_is_never_given_to_someone_else(gw):
    async with connect(ws_url(gw)) as ws:
        mine = await hello(ws, **signed("demo-001"))
        await say(ws, "查订单")
    conv = mine["conversation_id"]
    async with connect(ws_url(gw)) as ws:  # the stored id, but a forged identity
        other = await hello(ws, conversation_id=conv, **{**signed("demo-001"), "hash": "0" * 64})
        assert other["conversation_id"] != conv and other["identity"] == "anonymous"
    async with connect(ws_url(gw)) as ws:  # the stored id, no identity at all
        other = await hello(ws, conversation_id=conv)
        assert other["conversation_id"] != conv
    async with connect(ws_url(gw)) as ws:  # the stored id, a different signed customer
        other = await hello(ws, conversation_id=conv, **signed("demo-002"))
        assert other["conversation_id"] != conv and other["customer_id"] == "demo-002"
    async with connect(ws_url(gw)) as ws:  # the owner still has it
        same = await hello(ws, conversation_id=conv, **signed("demo-001"))
        assert same["conversation_id"] == conv


async def test_an_anonymous_visitor_who_logs_in_keeps_the_conversation(gw):
    async with connect(ws_url(gw)) as ws:
        anon = await hello(ws)
        assert anon["identity"] == "anonymous"
        await say(ws, "你好")
        # events of the first turn may still be arriving: read up to the new welcome
        await ws.send(
            json.dumps(
                {
                    "type": "hello",
                    "conversation_id": anon["conversation_id"],
                    "after": 0,
                    **signed("demo-003"),
                }
            )
        )
        known = (await until(ws, lambda f: f["type"] == "welcome"))[-1]
        assert known["conversation_id"] == anon["conversation_id"]
        assert known["customer_id"] == "demo-003"
        await recv(ws)  # the conversation's events are replayed from its start
