"""The agent's customer panel: profile with a masked phone, recent orders with tracking and
refunds (from the real SQL demo shop), past conversations paged from ``conversation_facts``
(10,000 of them), a read-only past transcript, open tickets; a shop backend that times out; the
conversation's access rule — real console, Redis and SQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationArchive, ConversationFact, Ticket
from shop.demo import seed_shop
from tests.actions.conftest import handoffs, knowledge, services  # noqa: F401 (fixtures)
from tests.staff_console import Console

BASE = "/api/v1/conversations"


async def _customer_chat(c: Console, conv: str, customer: str) -> dict[str, str]:
    a = await c.agent("li", ["aftersales"])
    assert (await c.handoff(conv)).json()["agent"] == "li"
    await c.ctx.conversations.append(
        conv, "message", {"from": "customer", "text": "在吗"}, channel="web", customer_id=customer
    )
    return a


def _facts(customer: str, n: int) -> list[dict[str, Any]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        {
            "conversation_id": f"past-{customer}-{i:05d}",
            "customer_id": customer,
            "channel": "wechat" if i % 2 else "web",
            "lang": "zh",
            "customer_tier": 3,
            "started_at": start + timedelta(minutes=i),
            "ended_at": start + timedelta(minutes=i, seconds=30),
            "intents": ["track_shipment"],
            "faq_ids": [],
            "bot_only": i % 3 != 0,
            "resolution": "solved",
            "rating": 5,
            "rating_comment": "",
        }
        for i in range(n)
    ]


async def test_the_panel_shows_profile_orders_history_and_tickets(console: Console, database_url):
    c = console
    seed_shop(database_url)
    a = await _customer_chat(c, "chat-1", "demo-001")
    async with AsyncSession(c.ctx.engine) as session:
        await session.execute(insert(ConversationFact), _facts("demo-001", 10_000))
        await session.execute(insert(ConversationFact), _facts("demo-002", 3))
        session.add(
            ConversationArchive(
                conversation_id="past-demo-001-09999",
                closed_seq=7,
                transcript=[{"from": "customer", "text": "快递到哪了"}],
            )
        )
        now = datetime.now(UTC)
        session.add(Ticket(conversation_id="x", customer_id="demo-001", text="坏了", due_at=now))
        session.add(
            Ticket(
                conversation_id="y",
                customer_id="demo-001",
                text="好了",
                due_at=now,
                status="closed",
            )
        )
        session.add(Ticket(conversation_id="z", customer_id="demo-002", text="别人的", due_at=now))
        await session.commit()

    r = await c.http.get(f"{BASE}/chat-1/customer", headers=a)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["known"] is True and body["shop"] == "ok" and body["channel"] == "web"
    assert body["customer"]["name"] == "张晓雯" and body["customer"]["vip_level"] == 3
    assert body["customer"]["phone"] == "138****5678"  # masked
    assert "13812345678" not in r.text
    orders = {o["id"]: o for o in body["orders"]}
    assert len(orders) == 5
    shipped = [o for o in orders.values() if o["tracking"]]
    assert shipped and shipped[0]["tracking"]["tracking_no"]
    assert body["past"]["total"] == 10_000 and len(body["past"]["items"]) == 10
    assert body["past"]["items"][0]["conversation_id"] == "past-demo-001-09999"  # newest first
    assert [t["status"] for t in body["tickets"]] == ["new"]  # the closed one is not listed

    seen: set[str] = set()
    offset: int | None = 9_950
    while offset is not None:
        page = (
            await c.http.get(
                f"{BASE}/chat-1/customer/conversations?offset={offset}&limit=50", headers=a
            )
        ).json()
        seen |= {i["conversation_id"] for i in page["items"]}
        offset = page["next_offset"]
    assert len(seen) == 50 and all(s.startswith("past-demo-001-") for s in seen)
    r = await c.http.get(f"{BASE}/chat-1/customer/conversations?limit=5000", headers=a)
    assert r.status_code == 400

    past = await c.http.get(f"{BASE}/chat-1/customer/conversations/past-demo-001-09999", headers=a)
    assert past.status_code == 200
    assert past.json()["transcript"] == [{"from": "customer", "text": "快递到哪了"}]
    # another customer's past conversation is not reachable through this one
    other = await c.http.get(f"{BASE}/chat-1/customer/conversations/past-demo-002-00001", headers=a)
    assert other.status_code == 404


async def test_a_shop_backend_that_times_out_is_reported_and_the_rest_answers(console: Console):
    c = console

    class Hanging:
        async def customer(self, customer_id: str) -> Any:
            await asyncio.sleep(3600)

    c.ctx.shop = Hanging()
    c.ctx.settings.shop_timeout_s = 0.2
    a = await _customer_chat(c, "chat-2", "demo-001")
    r = await c.http.get(f"{BASE}/chat-2/customer", headers=a)
    assert r.status_code == 200
    assert r.json()["shop"] == "unavailable" and r.json()["orders"] == []
    # the chat goes on
    r = await c.http.post(f"{BASE}/chat-2/messages", headers=a, json={"text": "稍等，系统有点慢"})
    assert r.status_code == 201


async def test_an_anonymous_visitor_has_no_shop_data_and_others_cannot_look(console: Console):
    c = console
    a = await _customer_chat(c, "chat-3", "web-abcdefghijklmnopqrstuv")
    body = (await c.http.get(f"{BASE}/chat-3/customer", headers=a)).json()
    assert body["known"] is False and body["customer"] is None and body["orders"] == []
    await c.ctx.conversations.append(
        "chat-3", "message", {"from": "customer", "text": "微信"}, customer_id="oUnboundOpenid1"
    )
    body = (await c.http.get(f"{BASE}/chat-3/customer", headers=a)).json()
    assert body["known"] is False and body["customer"] is None  # nobody the shop knows
    outsider = await c.agent("zhao", ["presale"])
    r = await c.http.get(f"{BASE}/chat-3/customer", headers=outsider)
    assert r.status_code == 403
    r = await c.http.get(f"{BASE}/chat-3/customer/conversations", headers=outsider)
    assert r.status_code == 403


async def test_no_action_server_means_no_suggestions_not_an_error(console: Console):
    c = console
    a = await _customer_chat(c, "chat-5", "demo-001")
    c.ctx.settings.action_server_url = "http://127.0.0.1:9"  # nothing listens there
    r = await c.http.get(f"{BASE}/chat-5/suggestions", headers=a)
    assert r.status_code == 200
    assert r.json()["available"] is False and r.json()["hits"] == []


async def test_the_agent_searches_the_knowledge_base_from_the_chat(
    services: Any,  # noqa: F811 (the demo knowledge base of the action server)
    serve: Any,
    console: Console,
) -> None:
    """The search box: the agent's own words are searched (not the customer's last message),
    five answers at most; a blank or too long search is a clear 400; an agent who may not see
    the conversation may not search from it either."""
    from rasa_sdk.executor import ActionExecutor

    from actions.server import create_app as create_action_server
    from tests.conftest import TEST_INTERNAL_TOKEN

    c = console
    actions = await serve(create_action_server(ActionExecutor(), TEST_INTERNAL_TOKEN))
    c.ctx.settings.action_server_url = actions.url
    a = await _customer_chat(c, "chat-6", "demo-001")  # the customer said only "在吗"
    r = await c.http.get(f"{BASE}/chat-6/suggestions", headers=a, params={"q": " 运费险是啥 "})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == "运费险是啥" and body["searched"] is True
    assert 1 <= len(body["hits"]) <= 5 and body["hits"][0]["faq_id"] == "ins-001"
    for bad in ("   ", "运" * 201):  # (an empty q= is no search: the last message's answers)
        r = await c.http.get(f"{BASE}/chat-6/suggestions", headers=a, params={"q": bad})
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_query")
    outsider = await c.agent("zhao", ["presale"])
    r = await c.http.get(f"{BASE}/chat-6/suggestions", headers=outsider, params={"q": "运费险"})
    assert r.status_code == 403
