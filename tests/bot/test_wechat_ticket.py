"""A ticket update on WeChat (real Redis and SQL, the fake WeChat API): a customer-service
message while the 48-hour window is open; once it is closed, a template message when the shop
configured one, else the ticket is marked not reachable on WeChat."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import httpx
from redis.asyncio import Redis

from bot.wechat.api import WeChatApi
from bot.wechat.outbox import WeChatOutbox
from handoff.accounts import Principal
from handoff.conversation import Conversations
from handoff.ticket_log import mark_unreachable
from handoff.ticket_notify import tell_customer
from handoff.tickets import create_ticket, get_ticket
from tests.bot.conftest import WX_APPID, WX_SECRET

SUP = Principal("boss", frozenset({"supervisor"}))


async def _deliver(
    redis: Redis, fake: tuple[str, Any], engine: Any, openid: str, template: str
) -> tuple[int, Any]:
    """Tell the customer their ticket is resolved and run the outbox until WeChat got something
    (a message or a template) or the ticket was marked."""
    api_base, state = fake
    conv = f"wx-{openid}"
    conversations = Conversations(redis)
    async with httpx.AsyncClient(timeout=10) as http:
        box = WeChatOutbox(
            redis,
            WeChatApi(redis, http, api_base, WX_APPID, WX_SECRET),
            conversations,
            merge_s=0,
            ticket_template_id=template,
            mark_unreachable=partial(mark_unreachable, engine),
        )
        await box.customer_wrote(openid, conv)
        ticket = await create_ticket(engine, conv, openid, "投诉", "complaints", kind="complaint")
        runner = asyncio.create_task(box.run())
        try:
            await tell_customer(conversations, {**ticket, "status": "resolved"}, state="resolved")
            for _ in range(600):  # up to 30 s: the outbox's first try is slow on a loaded machine
                view = await get_ticket(engine, ticket["id"], SUP)
                marked = any(e["kind"] == "notice" for e in view["log"])
                if state.sent or state.templates or marked:
                    break
                await asyncio.sleep(0.05)
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
    return ticket["id"], await get_ticket(engine, ticket["id"], SUP)


async def test_open_window_sends_a_customer_service_message(
    redis: Redis, fake_wechat, async_engine
):
    _, state = fake_wechat
    ticket_id, _ = await _deliver(redis, fake_wechat, async_engine, "oWX-open-000000000", "")
    sent = state.sent
    assert f"您的工单 {ticket_id} 已处理完成" in sent[0]["text"]["content"]


async def test_closed_window_uses_the_template(redis: Redis, fake_wechat, async_engine):
    _, state = fake_wechat
    state.out_of_window.add("oWX-closed-tpl0000")
    ticket_id, view = await _deliver(
        redis, fake_wechat, async_engine, "oWX-closed-tpl0000", "TPL-ticket-1"
    )
    assert state.sent == [] and len(state.templates) == 1
    assert state.templates[0]["template_id"] == "TPL-ticket-1"
    assert f"工单 {ticket_id}" in state.templates[0]["data"]["first"]["value"]
    assert not any(e["kind"] == "notice" for e in view["log"])


async def test_closed_window_without_template_marks_the_ticket(
    redis: Redis, fake_wechat, async_engine
):
    _, state = fake_wechat
    state.out_of_window.add("oWX-closed-none000")
    _, view = await _deliver(redis, fake_wechat, async_engine, "oWX-closed-none000", "")
    assert state.templates == []
    notices = [e for e in view["log"] if e["kind"] == "notice"]
    assert len(notices) == 1 and notices[0]["data"] == {"unreachable": "wechat"}
