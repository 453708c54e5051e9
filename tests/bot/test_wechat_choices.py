"""Buttons on WeChat (bot/channels/wechat_choices.py) through a real gateway and real Redis, with
a recording stand-in for Rasa's webhook: the bot's buttons arrive as numbered lines, and the
customer's "1" (or the line's text) reaches the bot as that button's payload — what the web page
sends on a tap — and the title is the stored text, the one people read. A number means nothing
special once the customer has written since, or while a person owns the chat."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sanic import Sanic
from sanic.request import Request
from sanic.response import json

from bot.app import create_app
from bot.wechat import parse
from handoff.conversation import Conversations, Owner
from tests.bot.conftest import gateway_settings, wechat_overrides
from tests.bot.test_wechat import OPENID, signed_query, text_xml
from tests.conftest import unique_app_name

PICK = '/faq_pick{"faq_id":"shp-002"}'
SUGGESTION = {"title": "订单一直没发货怎么办？", "payload": PICK}
PERSON = {"title": "转人工客服", "payload": "/request_human"}


def recording_rasa(received: list[str]) -> Sanic:
    app = Sanic(unique_app_name("rasa-stand-in"))

    @app.post("/webhooks/kefu/webhook")
    async def webhook(request: Request):  # type: ignore[no-untyped-def]
        text = str(request.json.get("message") or "")
        received.append(text)
        if text == PICK:
            return json([{"recipient_id": "x", "text": "现货商品正常在48小时内发货。"}])
        if text.startswith("/"):
            return json([{"recipient_id": "x", "text": f"payload {text}"}])
        return json(
            [
                {"recipient_id": "x", "text": "您想问的是…？", "buttons": [SUGGESTION]},
                {"recipient_id": "x", "text": "也可以找人工：", "buttons": [PERSON]},
            ]
        )

    return app


@pytest.fixture
async def wx(serve, redis_url: str, sqlite_url: str, fake_wechat):  # type: ignore[no-untyped-def]
    received: list[str] = []
    rasa = await serve(recording_rasa(received))
    api_base, _ = fake_wechat
    settings = gateway_settings(
        redis_url, sqlite_url, **wechat_overrides(api_base), rasa_url=rasa.url
    )
    server = await serve(create_app(settings, unique_app_name("gw-wx-choice")))
    async with httpx.AsyncClient(base_url=server.url, timeout=15) as client:
        client.received = received  # type: ignore[attr-defined]
        yield client


async def say(wx: httpx.AsyncClient, text: str) -> str:
    r = await wx.post("/wechat", params=signed_query(), content=text_xml(text))
    assert r.status_code == 200, r.text
    return parse(r.content)["Content"]


async def test_buttons_are_numbered_and_a_number_sends_the_payload(wx, redis_url: str):  # type: ignore[no-untyped-def]
    shown = await say(wx, "发货慢")
    assert "1. 订单一直没发货怎么办？" in shown and "2. 转人工客服" in shown  # across the turn
    answer = await say(wx, "1")
    assert wx.received[-1] == PICK and "48小时内发货" in answer
    redis = Redis.from_url(redis_url)
    events = await Conversations(redis).events(f"wx-{OPENID}")
    mine = [e.data for e in events if e.type == "message" and e.data.get("from") == "customer"]
    # people read the title (bot.taps): the agent's transcript, the packet, the archive
    assert [d["text"] for d in mine] == ["发货慢", "订单一直没发货怎么办？"]
    assert mine[1]["payload"] == PICK and "attachment" not in mine[1]
    assert mine[1]["lang"] == "zh"  # the title's language, not the payload's Latin letters
    # The customer has written since those buttons: "1" is only text now.
    await say(wx, "1")
    assert wx.received[-1] == "1"
    await redis.aclose()


async def test_a_typed_line_or_a_full_width_number_taps_too(wx):  # type: ignore[no-untyped-def]
    await say(wx, "发货慢")
    await say(wx, "2. 转人工客服")
    assert wx.received[-1] == "/request_human"
    await say(wx, "发货慢")
    await say(wx, "１")
    assert wx.received[-1] == PICK
    await say(wx, "发货慢")
    await say(wx, "7")  # no such button: the customer's own text
    assert wx.received[-1] == "7"


async def test_a_number_is_not_a_button_while_a_person_owns_the_chat(wx, redis_url: str):  # type: ignore[no-untyped-def]
    await say(wx, "发货慢")
    redis = Redis.from_url(redis_url)
    conversations = Conversations(redis)
    await conversations.transition(f"wx-{OPENID}", {Owner.BOT}, Owner.QUEUED, "queued", {})
    received = len(wx.received)
    await say(wx, "1")
    assert len(wx.received) == received  # not sent to the bot at all
    events: list[Any] = await conversations.events(f"wx-{OPENID}")
    assert events[-1].data.get("text") == "1"
    await redis.aclose()
