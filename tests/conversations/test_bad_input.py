"""Bad input through the real gateway, Rasa model and action server: every message gets a
sensible reply (or a clear 4xx), nothing of another customer leaks, and the chat goes on."""

from __future__ import annotations

import httpx
import pytest

from bot.app import create_app
from tests.bot.test_rest import AUTH, gateway_settings
from tests.conftest import unique_app_name

pytestmark = pytest.mark.rasa


@pytest.fixture
async def gateway(serve, redis_url: str, dialogue_stack):  # type: ignore[no-untyped-def]
    settings = gateway_settings(
        redis_url,
        dialogue_stack.database_url,
        rasa_url=dialogue_stack.rasa_url,
        action_server_url=dialogue_stack.actions_url,
        rasa_timeout_s=60.0,
    )
    server = await serve(create_app(settings, unique_app_name("gw-bad")))
    async with httpx.AsyncClient(base_url=server.url, timeout=90) as client:
        yield client


async def say(client: httpx.AsyncClient, conv: str, text: str) -> dict:
    r = await client.post(
        f"/api/v1/conversations/{conv}/messages",
        headers=AUTH,
        json={"text": text, "customer_id": "demo-001", "lang": "zh"},
    )
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize(
    "text",
    [
        "好" * 4000,
        "😀😀😀🙏",
        "https://example.com/item?id=123&from=share",
        "'; DROP TABLE shop_orders; --",
        "<script>alert('x')</script>",
    ],
)
async def test_odd_messages_get_a_reply_and_the_chat_goes_on(gateway, text: str):
    conv = f"bad-{abs(hash(text)) % 10**8}"
    first = await say(gateway, conv, text)
    assert first["owner"] == "bot"
    assert first["replies"] and all(r["text"] or r["buttons"] for r in first["replies"])
    assert all("<script>" not in r["text"] for r in first["replies"])
    after = await say(gateway, conv, "订单20231120003到哪了")
    assert any("20231120003" in r["text"] for r in after["replies"]), after


async def test_empty_text_is_a_clear_400(gateway):
    r = await gateway.post(
        "/api/v1/conversations/bad-empty/messages",
        headers=AUTH,
        json={"text": "", "customer_id": "demo-001"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] in ("empty_text", "missing_text")


async def test_missing_and_someone_elses_order_read_the_same(gateway):
    missing = await say(gateway, "bad-missing", "查一下订单20991231999的物流")
    theirs = await say(gateway, "bad-theirs", "查一下订单20231120021的物流")
    text_missing = " ".join(r["text"] for r in missing["replies"])
    text_theirs = " ".join(r["text"] for r in theirs["replies"])
    assert "您的账户下没有找到订单" in text_missing
    assert text_theirs.replace("20231120021", "X") == text_missing.replace("20991231999", "X")
    assert "Wireless earbuds" not in text_theirs and "顺丰" not in text_theirs
    again = await say(gateway, "bad-theirs", "你好")
    assert again["replies"] and again["owner"] == "bot"
