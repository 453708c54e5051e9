"""While a conversation has an open ticket, what the customer writes next joins the ticket's log
(real gateway, Redis and SQL; Rasa down, so the bot's side is the polite fallback) — and an
answer to a ticket waiting for the customer starts its clock again."""

from __future__ import annotations

import httpx
import pytest

from bot.app import create_app
from handoff.accounts import Principal
from handoff.ticket_flow import change_state
from handoff.tickets import create_ticket, get_ticket
from tests.bot.conftest import gateway_settings
from tests.conftest import TEST_API_KEY, unique_app_name

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}
LEAD = Principal("lead", frozenset({"team_lead"}), frozenset({"complaints"}))


@pytest.fixture
async def gateway(serve, redis_url: str, sqlite_url: str):  # type: ignore[no-untyped-def]
    server = await serve(create_app(gateway_settings(redis_url, sqlite_url), unique_app_name("gw")))
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client, server.app.ctx.queue.engine


async def test_customer_lines_join_the_open_ticket(gateway):  # type: ignore[no-untyped-def]
    client, engine = gateway
    ticket = await create_ticket(
        engine, "c-ticket", "u1", "投诉快递员", "complaints", kind="complaint"
    )
    await change_state(engine, ticket["id"], LEAD, "waiting_customer", timezone="Asia/Shanghai")
    r = await client.post(
        "/api/v1/conversations/c-ticket/messages",
        json={"text": "我的电话是13812345678，下午都在", "customer_id": "u1"},
        headers=AUTH,
    )
    assert r.status_code == 200, r.text
    view = await get_ticket(engine, ticket["id"], LEAD)
    lines = [e["text"] for e in view["log"] if e["kind"] == "customer"]
    assert lines == ["我的电话是138****5678，下午都在"]  # masked where stored
    assert view["status"] == "in_progress" and view["clock_paused"] is False

    # another conversation without a ticket adds nothing anywhere
    r = await client.post(
        "/api/v1/conversations/c-other/messages", json={"text": "你好"}, headers=AUTH
    )
    assert r.status_code == 200
    assert len((await get_ticket(engine, ticket["id"], LEAD))["log"]) == len(view["log"])
