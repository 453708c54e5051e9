"""Giving up on the queue through the real gateway (REST and the web chat's WebSocket) and a real
staff console, Redis and SQL: the customer's words while queued, the web chat's 结束排队 /
Stop waiting, and a dropped socket that is not giving up."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.asyncio.client import connect

from bot.app import create_app
from console import app as staff_app
from handoff.conversation import Owner
from handoff.give_up import finish_pending
from handoff.models import Ticket
from handoff.ticket_models import TicketEntry
from tests.bot.conftest import CHROMIUM, gateway_settings
from tests.bot.test_web_browser import phone_page, send
from tests.bot.test_web_ws import hello, is_event, recv, until, until_all, ws_url
from tests.conftest import (
    TEST_ADMIN_PASSWORD,
    TEST_API_KEY,
    TEST_INTERNAL_TOKEN,
    TEST_JWT_SECRET,
    unique_app_name,
)
from tests.staff_console import Console

REST = {"Authorization": f"Bearer {TEST_API_KEY}"}


@pytest.fixture
async def gw(serve: Any, redis_url: str, database_url: str) -> Any:
    settings = gateway_settings(redis_url, database_url, rasa_timeout_s=1.0)
    return await serve(create_app(settings, unique_app_name("gw-giveup")))


async def customer_lines(c: Console, ticket_id: int) -> list[str]:
    async with AsyncSession(c.ctx.engine) as session:
        rows = await session.scalars(
            select(TicketEntry.text)
            .where(TicketEntry.ticket_id == ticket_id, TicketEntry.kind == "customer")
            .order_by(TicketEntry.id)
        )
        return list(rows.all())


async def test_saying_so_over_rest_while_queued_makes_the_ticket(gw: Any, claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])
    async with httpx.AsyncClient(base_url=gw.url, headers=REST, timeout=20) as api:
        url = "/api/v1/conversations/r-give/messages"
        first = await api.post(url, json={"text": "鞋子小了能换吗", "customer_id": "cust-r"})
        assert first.status_code == 200, first.text  # (Rasa is down here: a polite busy line)
        r = await c.handoff("r-give", channel="rest", customer={"id": "cust-r", "language": "zh"})
        assert r.json()["status"] == "queued"
        # a question while waiting is only kept for the agent
        wait = await api.post(url, json={"text": "还要等多久？", "customer_id": "cust-r"})
        assert wait.json()["owner"] == "queued"
        gave = await api.post(url, json={"text": "不等了，有人了再联系我", "customer_id": "cust-r"})
        assert gave.status_code == 200, gave.text
        body = gave.json()
        assert body["owner"] == "bot" and body["queue"] is None
        async with AsyncSession(c.ctx.engine) as session:
            [ticket] = (
                await session.scalars(select(Ticket).where(Ticket.conversation_id == "r-give"))
            ).all()
        [reply] = body["replies"]
        assert f"工单 {ticket.id}，" in reply["text"] and "好的，已为您取消排队" in reply["text"]
        assert ticket.packet is not None and ticket.type == "after_sales"
        # what they write next joins the ticket's log (masked)
        more = await api.post(url, json={"text": "电话13812345678", "customer_id": "cust-r"})
        assert more.json()["owner"] == "bot"
        assert await customer_lines(c, ticket.id) == ["不等了，有人了再联系我", "电话138****5678"]
        events = (await api.get("/api/v1/conversations/r-give/events?after=0")).json()["events"]
        assert [e["type"] for e in events].count("left_queue") == 1


async def test_stop_waiting_over_rest_makes_the_ticket_once(gw: Any, claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])
    async with httpx.AsyncClient(base_url=gw.url, headers=REST, timeout=20) as api:
        stop = "/api/v1/conversations/r-stop/stop-waiting"
        unknown = await api.post(stop)
        assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "not_found")
        said = await api.post(
            "/api/v1/conversations/r-stop/messages",
            json={"text": "my earphones broke", "customer_id": "cust-s", "lang": "en"},
        )
        assert said.status_code == 200, said.text
        early = await api.post(stop)  # the bot's: not waiting yet
        assert (early.status_code, early.json()["error"]["code"]) == (409, "not_waiting")
        r = await c.handoff("r-stop", channel="rest", customer={"id": "cust-s", "language": "en"})
        assert r.json()["status"] == "queued"
        ended = await api.post(stop)
        assert ended.status_code == 200, ended.text
        body = ended.json()
        async with AsyncSession(c.ctx.engine) as session:
            [ticket] = (
                await session.scalars(select(Ticket).where(Ticket.conversation_id == "r-stop"))
            ).all()
        assert body["ticket_id"] == str(ticket.id) and body["owner"] == "bot"
        assert "You have left the queue." in body["text"]
        assert f"opened ticket {ticket.id} for you" in body["text"]
        assert ticket.packet is not None and ticket.type == "after_sales"
        assert (await c.ctx.conversations.state("r-stop")).owner is Owner.BOT
        again = await api.post(stop)  # a retry: nothing more, and says why
        assert (again.status_code, again.json()["error"]["code"]) == (409, "not_waiting")
        events = (await api.get("/api/v1/conversations/r-stop/events?after=0")).json()["events"]
        told = [e for e in events if e.get("seq") == body["seq"]]
        assert told and told[0]["text"] == body["text"]
    left = [e for e in await c.events("r-stop") if e.type == "left_queue"]
    assert [e.data["cause"] for e in left] == ["closed"]


async def test_stop_waiting_on_the_web_chat_and_a_dropped_socket(gw: Any, claim_console: Console):
    c = claim_console
    await c.agent("li", ["presale"])
    async with connect(ws_url(gw)) as ws:
        welcome = await hello(ws, lang="en")
        conv = welcome["conversation_id"]
        await ws.send(json.dumps({"type": "stop_waiting"}))  # not waiting yet: refused
        refused = await until(ws, lambda f: f["type"] == "error")
        assert refused[-1]["code"] == "not_waiting"
        await c.ctx.conversations.append(
            conv, "message", {"from": "customer", "text": "hi"}, lang="en"
        )
        r = await c.handoff(conv, channel="web", skill_group="presale", reason="explicit_request")
        assert r.json()["status"] == "queued"
        await until(ws, is_event("queued"))
    # the tab closed (a dropped socket): still waiting, the customer may come back
    assert (await c.ctx.conversations.state(conv)).owner is Owner.QUEUED
    async with connect(ws_url(gw)) as ws:
        assert (await hello(ws, conversation_id=conv, after=0))["owner"] == "queued"
        await ws.send(json.dumps({"type": "stop_waiting"}))
        seen = await until_all(
            ws,
            lambda f: f["type"] == "stopped_waiting",
            is_event("left_queue"),
            lambda f: f.get("event") == "message" and "ticket" in f.get("text", ""),
        )
        ticket_id = next(f for f in seen if f["type"] == "stopped_waiting")["ticket_id"]
        told = next(f for f in seen if f.get("event") == "message" and "ticket" in f["text"])
        assert f"opened ticket {ticket_id} for you" in told["text"]  # in English, as they chose
        assert "You have left the queue." in told["text"]
        assert told["from"] == "system" and "ticket_id" not in told  # only public fields
        await ws.send(json.dumps({"type": "stop_waiting"}))  # twice: nothing more
        again = await until(ws, lambda f: f["type"] == "error")
        assert again[-1]["code"] == "not_waiting"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await recv(ws))["type"] == "pong"
    assert (await c.ctx.conversations.state(conv)).owner is Owner.BOT
    async with AsyncSession(c.ctx.engine) as session:
        rows = (await session.scalars(select(Ticket).where(Ticket.conversation_id == conv))).all()
    assert [t.id for t in rows] == [int(ticket_id)]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)")
async def test_the_stop_waiting_button_in_a_real_browser(
    serve: Any, redis_url: str, sqlite_url: str, browser: Any
):
    from console.settings import StaffSettings

    staff = await serve(
        staff_app.create_app(
            StaffSettings(
                redis_url=redis_url,
                database_url=sqlite_url,
                internal_token=SecretStr(TEST_INTERNAL_TOKEN),
                jwt_secret=SecretStr(TEST_JWT_SECRET),
                admin_password=SecretStr(TEST_ADMIN_PASSWORD),
                background_tasks=False,
                claim_groups=["aftersales"],
            ),
            unique_app_name("staff"),
        )
    )
    gateway = await serve(
        create_app(
            gateway_settings(redis_url, sqlite_url, rasa_timeout_s=1.0), unique_app_name("gw")
        )
    )
    console = Console(staff, httpx.AsyncClient(base_url=staff.url, timeout=15))
    try:
        await console.agent("li", ["aftersales"])
        page = await phone_page(browser)
        await page.goto(gateway.url + "/")
        await send(page, "鞋子小了能换吗")
        await page.wait_for_selector(".msg.customer")
        conv = await page.evaluate("window.kefuChat.state().conversationId")
        r = await console.handoff(conv, channel="web")
        assert r.json()["status"] == "queued"
        await page.wait_for_selector("#stop:visible")
        assert await page.inner_text("#stop") == "结束排队"
        await page.click("#stop")
        bubble = page.locator(".msg.system .bubble", has_text="您已结束排队")
        await bubble.wait_for()
        async with AsyncSession(console.ctx.engine) as session:
            [ticket] = (
                await session.scalars(select(Ticket).where(Ticket.conversation_id == conv))
            ).all()
        assert f"已为您创建工单 {ticket.id}，" in await bubble.inner_text()
        assert await page.locator("#queue").is_hidden()
        assert (await console.ctx.conversations.state(conv)).owner is Owner.BOT
        assert page.js_errors == []
    finally:
        await console.http.aclose()


async def test_stop_waiting_when_the_ticket_cannot_be_written_is_503_and_finished_later(
    gw: Any, claim_console: Console
):
    """The database refuses the ticket: leaving a message is 503 ``leave_message_failed`` and
    the customer still waits; stopping the wait is 503 ``stop_waiting_failed`` (neither a 500
    nor the database's own error code), the wait has ended all the same, and the console's
    worker finishes the pending give-up (ticket and the customer's line) once the database is
    back."""
    c = claim_console
    await c.agent("li", ["aftersales"])
    async with httpx.AsyncClient(base_url=gw.url, headers=REST, timeout=20) as api:
        said = await api.post(
            "/api/v1/conversations/r-down/messages",
            json={"text": "耳机坏了", "customer_id": "cust-d"},
        )
        assert said.status_code == 200, said.text
        r = await c.handoff("r-down", channel="rest", customer={"id": "cust-d", "language": "zh"})
        assert r.json()["status"] == "queued"
        async with c.ctx.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE tickets RENAME TO tickets_away"))
        try:
            left = await api.post(
                "/api/v1/conversations/r-down/leave-message",
                json={"text": "不等了，请回电 13812345678", "customer_id": "cust-d"},
            )
            assert left.status_code == 503, left.text  # the client keeps the text and retries
            assert left.json()["error"]["code"] == "leave_message_failed"
            assert (await c.ctx.conversations.state("r-down")).owner is Owner.QUEUED
            failed = await api.post("/api/v1/conversations/r-down/stop-waiting")
        finally:
            async with c.ctx.engine.begin() as conn:
                await conn.execute(text("ALTER TABLE tickets_away RENAME TO tickets"))
        assert failed.status_code == 503, failed.text
        assert failed.json()["error"]["code"] == "stop_waiting_failed"
        assert (await c.ctx.conversations.state("r-down")).owner is Owner.BOT
        assert await finish_pending(c.ctx.queue, older_than_s=0) == 1
        async with AsyncSession(c.ctx.engine) as session:
            [ticket] = (
                await session.scalars(select(Ticket).where(Ticket.conversation_id == "r-down"))
            ).all()
        events = (await api.get("/api/v1/conversations/r-down/events?after=0")).json()["events"]
        told = [e for e in events if e.get("type") == "message" and e.get("from") == "system"]
        assert any(f"工单 {ticket.id}" in e["text"] for e in told), told
