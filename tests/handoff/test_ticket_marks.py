"""Remembering "no open ticket" in Redis (``handoff.ticket_marks``), on a real staff console,
Redis and SQL: a remembered "none" spares the SQL look-up, and every path that gives the
conversation an open ticket — the handoff's ticket, a ticket opened by hand, a message left in
the queue, a ticket reopened by a state change or a follow-up call — makes the customer's next
line join that ticket again; a link committed during a look-up, and a lost mark, are safe."""

from __future__ import annotations

from typing import Any

from handoff.handoff_tickets import ticket_for_handoff
from handoff.ticket_marks import open_ticket, ticket_linked
from handoff.tickets import open_ticket_for
from kefu import redis_keys as keys
from tests.staff_console import Console, packet


class CountedLookUp:
    """``open_ticket_for`` that counts its SQL look-ups."""

    def __init__(self, c: Console, conversation_id: str) -> None:
        self.c, self.conversation_id, self.calls = c, conversation_id, 0

    async def __call__(self) -> dict[str, Any] | None:
        self.calls += 1
        return await open_ticket_for(self.c.ctx.engine, self.conversation_id)


async def remembered_none(c: Console, conv: str) -> None:
    """Two look-ups: the first asks SQL and remembers "none", the second does not ask."""
    look_up = CountedLookUp(c, conv)
    assert await open_ticket(c.ctx.redis, conv, look_up) is None
    assert await open_ticket(c.ctx.redis, conv, look_up) is None
    assert look_up.calls == 1
    assert await c.ctx.queue.add_to_open_ticket(conv, "还在吗") is None


async def test_a_remembered_none_spares_sql_and_a_lost_mark_asks_it_again(console: Console):
    c = console
    await remembered_none(c, "m-1")
    look_up = CountedLookUp(c, "m-1")
    await c.ctx.redis.delete(keys.conv_ticket_mark("m-1"))  # a flush, or older data
    assert await open_ticket(c.ctx.redis, "m-1", look_up) is None
    assert look_up.calls == 1


async def test_the_handoffs_ticket_gets_the_next_line(console: Console):
    c = console
    await remembered_none(c, "m-h")
    made = await ticket_for_handoff(
        c.ctx.engine, c.ctx.conversations, packet("m-h"), timezone="Asia/Shanghai"
    )
    assert await c.ctx.queue.add_to_open_ticket("m-h", "我的电话 13812345678") == made["id"]


async def test_a_ticket_opened_by_hand_gets_the_next_line(console: Console):
    c = console
    li = await c.agent("li", ["complaints"], online=False)
    await remembered_none(c, "m-p")
    r = await c.http.post(
        "/api/v1/tickets",
        headers=li,
        json={
            "type": "complaint",
            "text": "电话投诉",
            "skill_group": "complaints",
            "conversation_id": "m-p",
        },
    )
    assert r.status_code == 201, r.text
    assert await c.ctx.queue.add_to_open_ticket("m-p", "补充一下") == r.json()["id"]


async def test_a_message_left_in_the_queue_gets_the_next_line(claim_console: Console):
    c = claim_console
    await c.agent("li", ["aftersales"])  # claim mode: the chat waits for li to pick it
    await remembered_none(c, "m-l")
    r = await c.handoff("m-l")
    assert r.status_code == 201, r.text
    left = await c.ctx.queue.leave_message("m-l", "cust-m-l", "请回电 13812345678")
    assert await c.ctx.queue.add_to_open_ticket("m-l", "补充一下") == left["id"]


async def test_a_reopened_ticket_gets_the_next_line(console: Console):
    c = console
    li = await c.agent("li", ["complaints"], online=False)
    r = await c.http.post(
        "/api/v1/tickets",
        headers=li,
        json={
            "type": "complaint",
            "text": "电话投诉",
            "skill_group": "complaints",
            "conversation_id": "m-r",
        },
    )
    ticket_id = int(r.json()["id"])
    for state in ("resolved", "reopened", "resolved"):
        await remembered_none_or_ticket(c, "m-r", state, ticket_id, li)
    # a follow-up call that finds the customer not satisfied reopens it too
    r = await c.http.post(
        f"/api/v1/tickets/{ticket_id}/followup", headers=li, json={"outcome": "not_satisfied"}
    )
    assert r.status_code == 200, r.text
    assert await c.ctx.queue.add_to_open_ticket("m-r", "还是不行") == ticket_id


async def remembered_none_or_ticket(
    c: Console, conv: str, state: str, ticket_id: int, headers: dict[str, str]
) -> None:
    r = await c.http.post(
        f"/api/v1/tickets/{ticket_id}/state", headers=headers, json={"state": state}
    )
    assert r.status_code == 200, r.text
    if state == "resolved":
        await remembered_none(c, conv)
    else:
        assert await c.ctx.queue.add_to_open_ticket(conv, "还是不行") == ticket_id


async def test_a_link_committed_during_a_look_up_is_not_forgotten(console: Console):
    c = console

    async def stale_look_up() -> None:
        # SQL answered "none" just before a ticket was made and linked (its commit and
        # ``ticket_linked`` come while this look-up is still on its way back).
        await ticket_for_handoff(
            c.ctx.engine, c.ctx.conversations, packet("m-race"), timezone="Asia/Shanghai"
        )
        return None

    assert await open_ticket(c.ctx.redis, "m-race", stale_look_up) is None
    look_up = CountedLookUp(c, "m-race")
    found = await open_ticket(c.ctx.redis, "m-race", look_up)
    assert look_up.calls == 1 and found is not None


async def test_ticket_linked_ignores_empty_ids(console: Console):
    await ticket_linked(console.ctx.redis, ["", ""])
    assert await console.ctx.redis.exists(keys.conv_ticket_mark("")) == 0
