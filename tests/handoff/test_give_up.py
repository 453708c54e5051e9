"""Giving up on the queue becomes a ticket (``handoff.give_up``), on a real staff console, Redis
and SQL: the customer's words that say so, ending the wait on purpose, waiting past the group's
maximum wait (once, with two staff processes), a complaint's ticket reused, a second give-up
with the same ticket, an agent accepting at the same moment, and the conversation's facts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from console.app import create_app
from handoff.conversation import Owner
from handoff.facts import fact_of
from handoff.give_up import expire_waits, finish_pending, give_up, said_give_up
from handoff.handoff_tickets import ticket_for_handoff
from handoff.models import Ticket
from handoff.ticket_models import TicketEntry
from handoff.tickets import open_ticket_for
from kefu import redis_keys as keys
from kefu.i18n import to_traditional
from tests.conftest import unique_app_name
from tests.console.test_staff_api import staff_settings
from tests.staff_console import Console, packet

GIVE_UPS = [
    "不等了",
    "算了不用了",
    "太慢了我不等了",
    "不等了，有人了再联系我",
    "不等了，有人了再聯繫我",
    "算了，不用了！",
    "太慢了，我不等了",
    "等不及了，取消排队吧",
    "I'll stop waiting",
    "I’ll stop waiting.",
    "forget it, too slow",
    "Never mind, I don't want to wait",
    "不要客服了，算了",
]
NOT_GIVE_UPS = [
    "我等了很久了",
    "还要等多久？",
    "我打算了解一下退货",
    "帮我算了一下运费是多少",
    "I can't wait to get my order",
    "How long do I have to wait?",
    "算了 帮我叫个人来吧",
    "算了，转人工",
    "never mind, let me talk to a human",
    "订单20231120001的快递到哪了，昨天说不等了就发货，结果到现在还没有发出来，怎么回事呀",
]


@pytest.mark.parametrize("text", GIVE_UPS)
def test_the_words_of_a_customer_who_gives_up(text: str):
    assert said_give_up(text)


@pytest.mark.parametrize("text", NOT_GIVE_UPS)
def test_waiting_words_that_are_not_giving_up(text: str):
    assert not said_give_up(text)


async def tickets_of(engine: Any, conversation_id: str) -> list[Ticket]:
    async with AsyncSession(engine) as session:
        rows = await session.scalars(
            select(Ticket).where(Ticket.conversation_id == conversation_id)
        )
        return list(rows.all())


async def queued(c: Console, conv: str, **overrides: Any) -> None:
    r = await c.handoff(conv, **overrides)
    assert r.status_code == 201, r.text
    assert (await c.ctx.conversations.state(conv)).owner is Owner.QUEUED


async def test_ending_the_wait_makes_a_ticket_with_the_packet_and_says_its_number(
    claim_console: Console,
):
    c = claim_console
    await c.agent("li", ["aftersales"])
    await queued(c, "g1")
    assert await c.ctx.redis.zscore(keys.sla_due(), "g1") is not None
    result = await c.ctx.queue.give_up("g1", "closed")
    assert result is not None
    ticket = result["ticket"]
    # the state machine moved it: off the queue, SLA timer stopped, the bot's again
    state = await c.ctx.conversations.state("g1")
    assert state.owner is Owner.BOT
    assert await c.ctx.redis.zscore(keys.queue("aftersales"), "g1") is None
    assert await c.ctx.redis.zscore(keys.sla_due(), "g1") is None
    # one ticket, an after-sales review, with the packet attached
    [row] = await tickets_of(c.ctx.engine, "g1")
    assert row.id == ticket["id"] and row.type == "after_sales" and row.status == "new"
    assert row.packet is not None and row.packet["reason"] == "explicit_request"
    assert "138****5678" in row.text  # the packet's (masked) summary
    # what the customer reads: the real ticket number and due time, in their language
    events = await c.events("g1")
    types = [e.type for e in events]
    assert types.count("left_queue") == 1 and types.count("ticket_created") == 1
    told = [e for e in events if e.type == "message" and e.data.get("reason") == "left_queue"]
    assert len(told) == 1 and told[0].data["ticket_id"] == row.id
    assert f"工单 {row.id}，" in told[0].data["text"]
    assert (
        "您已结束排队" in told[0].data["text"] and "补充情况或留下联系电话" in told[0].data["text"]
    )
    # the next thing the customer writes joins the open ticket's log
    assert await c.ctx.queue.add_to_open_ticket("g1", "我的电话 13812345678") == row.id
    async with AsyncSession(c.ctx.engine) as session:
        lines = await session.scalars(
            select(TicketEntry.text).where(
                TicketEntry.ticket_id == row.id, TicketEntry.kind == "customer"
            )
        )
        assert list(lines.all()) == ["我的电话 138****5678"]
    # ended again: it is not waiting any more, nothing happens
    assert await c.ctx.queue.give_up("g1", "closed") is None
    assert len(await tickets_of(c.ctx.engine, "g1")) == 1


@pytest.mark.parametrize(
    ("lang", "expect"),
    [("zh-Hant", to_traditional("好的，已为您取消排队。已为您创建工单")), ("en", "opened ticket")],
)
async def test_the_customer_is_told_in_their_language(
    claim_console: Console, lang: str, expect: str
):
    c = claim_console
    await c.agent("li", ["aftersales"])
    await queued(c, "g-lang")
    await c.ctx.conversations.append(
        "g-lang", "message", {"from": "customer", "text": "..."}, lang=lang
    )
    result = await c.ctx.queue.give_up("g-lang", "said", "不等了")
    assert result is not None
    assert expect in result["text"] and str(result["ticket"]["id"]) in result["text"]
    assert result["lang"] == lang


async def test_a_complaint_keeps_its_one_ticket(claim_console: Console):
    c = claim_console
    await c.agent("zhang", ["complaints"])
    r = await c.handoff("g-c", reason="complaint", skill_group="complaints", priority=2)
    complaint = r.json()["ticket"]
    result = await c.ctx.queue.give_up("g-c", "said", "太慢了我不等了")
    assert result is not None and result["ticket"]["id"] == complaint["id"]
    [row] = await tickets_of(c.ctx.engine, "g-c")
    assert row.type == "complaint"
    async with AsyncSession(c.ctx.engine) as session:
        said = await session.scalars(
            select(TicketEntry.text).where(
                TicketEntry.ticket_id == row.id, TicketEntry.kind == "customer"
            )
        )
        assert list(said.all()) == ["太慢了我不等了"]


async def test_giving_up_twice_gives_one_ticket(claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])
    await queued(c, "g2")
    # the customer's words and the end button at the same moment: one give-up
    both = await asyncio.gather(
        c.ctx.queue.give_up("g2", "said", "不等了"), c.ctx.queue.give_up("g2", "closed")
    )
    assert len([b for b in both if b is not None]) == 1
    first = next(b for b in both if b is not None)["ticket"]
    # asks for a person again, then gives up again: the open ticket is theirs still
    await queued(c, "g2")
    again = await c.ctx.queue.give_up("g2", "said", "算了不用了")
    assert again is not None and again["ticket"]["id"] == first["id"]
    assert len(await tickets_of(c.ctx.engine, "g2")) == 1
    assert [e.type for e in await c.events("g2")].count("left_queue") == 2


@pytest.fixture
async def two_staff_processes(
    serve: Any, redis_url: str, database_url: str
) -> AsyncIterator[list[Console]]:
    """Two staff consoles on one Redis and one database, claim mode, a short maximum wait."""
    consoles, clients = [], []
    for _ in range(2):
        settings = staff_settings(redis_url, database_url)
        settings.claim_groups = list(settings.skill_groups)
        settings.max_wait_s = {"aftersales": 0.2, "presale": 0}
        server = await serve(create_app(settings, unique_app_name("staff")))
        client = httpx.AsyncClient(base_url=server.url, timeout=10)
        clients.append(client)
        consoles.append(Console(server, client))
    yield consoles
    for client in clients:
        await client.aclose()


async def test_past_the_maximum_wait_one_ticket_with_two_workers(
    two_staff_processes: list[Console],
):
    one, two = two_staff_processes
    await one.agent("li", ["aftersales", "presale"])
    await queued(one, "w1")
    await queued(one, "w-presale", skill_group="presale")  # its group has no maximum wait
    await asyncio.sleep(0.3)
    counts = await asyncio.gather(one.ctx.worker.tick(), two.ctx.worker.tick())
    assert sum(c["waited_too_long"] for c in counts) == 1
    assert (await one.ctx.conversations.state("w1")).owner is Owner.BOT
    assert (await one.ctx.conversations.state("w-presale")).owner is Owner.QUEUED
    [row] = await tickets_of(one.ctx.engine, "w1")
    events = await one.events("w1")
    [left] = [e for e in events if e.type == "left_queue"]
    assert left.data["cause"] == "max_wait"
    [told] = [e for e in events if e.type == "message" and e.data.get("reason") == "left_queue"]
    assert told.data["ticket_id"] == row.id and f"工单 {row.id}，" in told.data["text"]
    assert "1 分钟内没有客服能够接入" in told.data["text"]
    # later ticks find nothing more to do
    again = await asyncio.gather(one.ctx.worker.tick(), two.ctx.worker.tick())
    assert sum(c["waited_too_long"] for c in again) == 0
    assert len(await tickets_of(one.ctx.engine, "w1")) == 1


async def test_an_agent_accepting_as_the_maximum_wait_fires(claim_console: Console):
    c = claim_console
    agent = await c.agent("li", ["aftersales"], capacity=10)
    for n in range(6):
        conv = f"race-{n}"
        await queued(c, conv)
        accept, fired = await asyncio.gather(
            c.http.post(f"/api/v1/conversations/{conv}/accept", headers=agent),
            expire_waits(c.ctx.queue, now=time.time() + 7200),
        )
        state = await c.ctx.conversations.state(conv)
        tickets = await tickets_of(c.ctx.engine, conv)
        types = [e.type for e in await c.events(conv)]
        if accept.status_code == 200:  # the agent won: no ticket for an assigned chat
            assert fired == 0 and state.owner is Owner.AGENT and state.agent == "li"
            assert tickets == [] and "left_queue" not in types
        else:  # the maximum wait won: a ticket, and nobody is assigned after it
            assert accept.status_code == 409, accept.text
            assert fired == 1 and state.owner is Owner.BOT
            assert len(tickets) == 1 and tickets[0].assignee == ""
            assert "accepted" not in types
        assert types.count("left_queue") + types.count("accepted") == 1


async def test_the_facts_of_a_given_up_wait_say_ticket(claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])
    await queued(c, "g-f")
    result = await give_up(c.ctx.queue, "g-f", "said", text="不等了")
    assert result is not None
    # the bot has it again; it ends (idle) and is archived with its facts
    await c.ctx.conversations.transition("g-f", {Owner.BOT}, Owner.CLOSED, "closed", {})
    assert await c.ctx.archiver.archive("g-f")
    fact = await fact_of(c.ctx.engine, "g-f")
    assert fact is not None
    assert (fact["resolution"], fact["ticket_id"]) == ("ticket", result["ticket"]["id"])
    assert fact["wait_s"] is None  # no agent ever came
    async with AsyncSession(c.ctx.engine) as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert await open_ticket_for(c.ctx.engine, "g-f") is not None


async def test_one_ticket_however_many_ask_at_once(console: Console):
    """A complaint's handoff and a give-up of the same moment: one finder-or-maker at a time."""
    c = console
    body = packet("g-many", reason="complaint", skill_group="complaints")
    made = await asyncio.gather(
        *[
            ticket_for_handoff(c.ctx.engine, c.ctx.conversations, body, timezone="Asia/Shanghai")
            for _ in range(5)
        ]
    )
    assert len({t["id"] for t in made}) == 1
    assert len(await tickets_of(c.ctx.engine, "g-many")) == 1
    assert [e.type for e in await c.events("g-many")].count("ticket_created") == 1


async def test_a_give_up_whose_process_died_is_finished_by_another(claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])
    await queued(c, "g-crash")
    # what give_up does before it dies: the move, and the give-up listed as pending
    moved = await c.ctx.conversations.move(
        "g-crash", {Owner.QUEUED}, Owner.BOT, "left_queue", {"cause": "closed"}
    )
    member = f"g-crash|{moved.seq}"
    await c.ctx.redis.zadd(keys.gave_up_pending(), {member: time.time() - 120})
    assert await finish_pending(c.ctx.queue) == 1
    [row] = await tickets_of(c.ctx.engine, "g-crash")
    told = [e for e in await c.events("g-crash") if e.data.get("reason") == "left_queue"]
    assert len(told) == 1 and f"工单 {row.id}，" in told[0].data["text"]
    assert "您已结束排队" in told[0].data["text"]
    assert await c.ctx.redis.zcard(keys.gave_up_pending()) == 0
    # a second staff console finding the same entry again tells nobody twice
    await c.ctx.redis.zadd(keys.gave_up_pending(), {member: time.time() - 120})
    assert await finish_pending(c.ctx.queue) == 0
    assert len([e for e in await c.events("g-crash") if e.data.get("reason") == "left_queue"]) == 1
    assert len(await tickets_of(c.ctx.engine, "g-crash")) == 1
    # a give-up that finished leaves nothing pending
    await queued(c, "g-ok")
    assert await c.ctx.queue.give_up("g-ok", "closed") is not None
    assert await c.ctx.redis.zcard(keys.gave_up_pending()) == 0
