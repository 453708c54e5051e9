"""A tapped button (bot/taps.py) through a real gateway, real Redis and real SQL, with a recording
stand-in for Rasa's webhook: the bot reads the payload; the conversation log (what the agent's
console and the handoff history read), the REST events and the SQL archive show the title of the
button the bot offered — looked up on the server, whatever title a client sends along. A payload
the bot never offered is kept as typed."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from sanic import Sanic
from sanic.request import Request
from sanic.response import json as json_response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.asyncio.client import connect

from bot.app import create_app
from handoff.models import ConversationArchive
from tests.bot.conftest import gateway_settings
from tests.bot.test_web_ws import hello, until, ws_url
from tests.conftest import TEST_API_KEY, unique_app_name

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}
PICK = '/faq_pick{"faq_id":"shp-002"}'
TITLE = "订单一直没发货怎么办？"
SUGGESTION = {"title": TITLE, "payload": PICK}
PERSON = {"title": "转人工客服", "payload": "/request_human"}


def recording_rasa(received: list[dict[str, Any]]) -> Sanic:
    app = Sanic(unique_app_name("rasa-taps"))

    @app.post("/webhooks/kefu/webhook")
    async def webhook(request: Request):  # type: ignore[no-untyped-def]
        received.append(dict(request.json))
        if str(request.json.get("message") or "").startswith("/"):
            return json_response([{"recipient_id": "x", "text": "现货商品正常在48小时内发货。"}])
        return json_response(
            [
                {"recipient_id": "x", "text": "您想问的是…？", "buttons": [SUGGESTION]},
                {"recipient_id": "x", "text": "也可以找人工：", "buttons": [PERSON]},
            ]
        )

    return app


@pytest.fixture
async def gw(serve, redis_url: str, database_url: str):  # type: ignore[no-untyped-def]
    received: list[dict[str, Any]] = []
    rasa = await serve(recording_rasa(received))
    settings = gateway_settings(redis_url, database_url, rasa_url=rasa.url)
    server = await serve(create_app(settings, unique_app_name("gw-taps")))
    server.received = received
    return server


async def post(client: httpx.AsyncClient, conv: str, text: str) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/conversations/{conv}/messages", json={"text": text}, headers=AUTH
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def customer_lines(gw: Any, conv: str) -> list[dict[str, Any]]:
    events = await gw.app.ctx.conversations.events(conv)
    return [e.data for e in events if e.type == "message" and e.data.get("from") == "customer"]


async def test_a_rest_tap_shows_its_title_to_people_and_sends_its_payload(gw):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=gw.url, timeout=15) as client:
        await post(client, "tap-rest", "发货好慢")
        await post(client, "tap-rest", PICK)
        assert gw.received[-1]["message"] == PICK  # the bot reads the payload
        assert gw.received[-1]["metadata"]["button_title"] == TITLE  # for the packet's history
        lines = await customer_lines(gw, "tap-rest")
        assert [d["text"] for d in lines] == ["发货好慢", TITLE]  # the agent's transcript
        assert lines[1]["payload"] == PICK and lines[1]["lang"] == "zh"
        r = await client.get("/api/v1/conversations/tap-rest/events", headers=AUTH)
        assert r.status_code == 200
        mine = [e for e in r.json()["events"] if e.get("from") == "customer"]
        assert [e["text"] for e in mine] == ["发货好慢", TITLE]  # the bot's buttons keep payloads
        assert "faq_pick" not in json.dumps(mine)
    assert await gw.app.ctx.endings.close("tap-rest")  # ends it and archives it to SQL
    async with AsyncSession(gw.app.ctx.engine) as session:
        row = await session.scalar(
            select(ConversationArchive).where(ConversationArchive.conversation_id == "tap-rest")
        )
    assert row is not None
    said = [t["text"] for t in row.transcript if t["from"] == "customer"]
    assert said == ["发货好慢", TITLE]
    assert "faq_pick" not in json.dumps(row.transcript, ensure_ascii=False)


async def test_a_payload_the_bot_never_offered_is_kept_as_typed(gw):  # type: ignore[no-untyped-def]
    other = '/faq_pick{"faq_id":"ret-001"}'
    async with httpx.AsyncClient(base_url=gw.url, timeout=15) as client:
        await post(client, "tap-typed", other)  # nothing offered yet
        await post(client, "tap-typed", "发货好慢")
        await post(client, "tap-typed", other)  # offered buttons, but not this one
    lines = await customer_lines(gw, "tap-typed")
    assert [d["text"] for d in lines] == [other, "发货好慢", other]
    assert all("payload" not in d for d in lines)
    assert "button_title" not in gw.received[-1]["metadata"]


async def test_a_web_tap_shows_the_offered_title_not_the_one_the_page_sends(gw):  # type: ignore[no-untyped-def]
    async def send(ws: Any, text: str, **extra: Any) -> None:
        frame = {"type": "message", "text": text, "cid": f"c{time.monotonic_ns()}", **extra}
        await ws.send(json.dumps(frame))
        await until(ws, lambda f: f["type"] == "typing" and f.get("on") is False, 30)

    async with connect(ws_url(gw)) as ws:
        conv = (await hello(ws))["conversation_id"]
        await send(ws, "发货好慢")
        await send(ws, "/request_human", title="我同意退款 ¥999")  # a forged title: not trusted
        await send(ws, PICK, title=TITLE)  # an older turn's button is still tappable
    lines = await customer_lines(gw, conv)
    assert [d["text"] for d in lines] == ["发货好慢", "转人工客服", TITLE]
    assert [d.get("payload") for d in lines] == [None, "/request_human", PICK]
    assert all("attachment" not in d for d in lines)
