"""The staff console's ticket API against real Redis and SQL: a phone complaint opened by hand,
the filters (mine, my groups, overdue, type, state), notes and progress, bad input (a reply to a
closed ticket, a refused state change, two agents resolving at once), the admin's calendar and
settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import Ticket
from tests.staff_console import Console


async def _overdue(c: Console, ticket_id: int) -> None:
    async with AsyncSession(c.ctx.engine) as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(due_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()


async def test_agent_opens_a_phone_complaint_and_works_it(console: Console):
    c = console
    li = await c.agent("li", ["complaints"], online=False)
    r = await c.http.post(
        "/api/v1/tickets",
        headers=li,
        json={
            "type": "complaint",
            "text": "电话投诉：快递员态度差，手机13812345678",
            "skill_group": "complaints",
            "customer_id": "cust-9",
        },
    )
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert ticket["type"] == "complaint" and ticket["assignee"] == "li"
    assert ticket["status"] == "assigned" and ticket["channel"] == "phone"
    assert "13812345678" not in ticket["text"]  # masked where stored

    r = await c.http.post(
        f"/api/v1/tickets/{ticket['id']}/notes", headers=li, json={"text": "已联系快递站"}
    )
    assert r.status_code == 201 and r.json()["visible"] is False
    r = await c.http.post(
        f"/api/v1/tickets/{ticket['id']}/progress", headers=li, json={"text": "已核实，将补偿10元"}
    )
    assert r.status_code == 201 and r.json()["visible"] is True
    r = await c.http.post(
        f"/api/v1/tickets/{ticket['id']}/state", headers=li, json={"state": "resolved"}
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved", r.text
    view = (await c.http.get(f"/api/v1/tickets/{ticket['id']}", headers=li)).json()
    assert [e["kind"] for e in view["log"]] == ["state", "note", "progress", "state"]


async def test_filters_mine_group_overdue_type_state(console: Console):
    c = console
    li = await c.agent("li", ["complaints"], online=False)
    lead = await c.agent("lead", ["complaints"], roles=["team_lead"], online=False)
    zhao = await c.agent("zhao", ["presale"], online=False)
    made = []
    for kind, group, who in (
        ("complaint", "complaints", li),
        ("invoice", "complaints", lead),
        ("other", "presale", zhao),
    ):
        r = await c.http.post(
            "/api/v1/tickets",
            headers=who,
            json={"type": kind, "text": "问题", "skill_group": group},
        )
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    await _overdue(c, made[0])

    def ids(r) -> list[int]:  # type: ignore[no-untyped-def]
        assert r.status_code == 200, r.text
        return [t["id"] for t in r.json()["tickets"]]

    assert ids(await c.http.get("/api/v1/tickets?mine=1", headers=li)) == [made[0]]
    assert set(ids(await c.http.get("/api/v1/tickets", headers=li))) == {made[0], made[1]}
    assert ids(await c.http.get("/api/v1/tickets?overdue=1", headers=lead)) == [made[0]]
    assert ids(await c.http.get("/api/v1/tickets?type=invoice", headers=lead)) == [made[1]]
    assert ids(await c.http.get("/api/v1/tickets?group=presale", headers=li)) == []
    assert ids(await c.http.get("/api/v1/tickets?status=assigned", headers=zhao)) == [made[2]]
    r = await c.http.get("/api/v1/tickets?type=nonsense", headers=li)
    assert r.status_code == 400
    r = await c.http.get(f"/api/v1/tickets/{made[2]}", headers=li)
    assert r.status_code == 403


async def test_bad_input_is_refused_clearly(console: Console):
    c = console
    li = await c.agent("li", ["complaints"], online=False)
    wang = await c.agent("wang", ["complaints"], online=False)
    r = await c.http.post(
        "/api/v1/tickets",
        headers=li,
        json={"type": "mystery", "text": "x", "skill_group": "complaints"},
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_body"
    r = await c.http.post(
        "/api/v1/tickets", headers=li, json={"text": "x", "skill_group": "presale"}
    )
    assert r.status_code == 403
    r = await c.http.post(
        "/api/v1/tickets",
        headers=li,
        json={
            "type": "complaint",
            "text": "投诉",
            "skill_group": "complaints",
            "assign_to_me": False,
        },
    )
    ticket = r.json()
    r = await c.http.post(
        f"/api/v1/tickets/{ticket['id']}/state", headers=li, json={"state": "reopened"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"

    # two agents resolve the same ticket at once: one wins, the other is told
    both = await asyncio.gather(
        *(
            c.http.post(
                f"/api/v1/tickets/{ticket['id']}/state",
                headers=who,
                json={"state": "resolved", "version": ticket["version"]},
            )
            for who in (li, wang)
        )
    )
    assert sorted(r.status_code for r in both) == [200, 409], [r.text for r in both]

    r = await c.http.post(f"/api/v1/tickets/{ticket['id']}/close", headers=li, json={})
    assert r.status_code == 200
    r = await c.http.post(
        f"/api/v1/tickets/{ticket['id']}/progress", headers=li, json={"text": "晚了"}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "ticket_closed"
    r = await c.http.post(f"/api/v1/tickets/{ticket['id']}/progress", headers=li, json={"text": ""})
    assert r.status_code == 400


async def test_admin_edits_calendar_and_settings(console: Console):
    c = console
    admin = await c.admin()
    li = await c.agent("li", ["complaints"], online=False)
    r = await c.http.put(
        "/api/v1/ticket-calendar/2027-02-08", headers=admin, json={"workday": False, "name": "春节"}
    )
    assert r.status_code == 200, r.text
    days = (await c.http.get("/api/v1/ticket-calendar?year=2027", headers=li)).json()["days"]
    assert {"day": "2027-02-08", "workday": False, "name": "春节", "source": "admin"} in days
    r = await c.http.put("/api/v1/ticket-calendar/2027-02-08", headers=li, json={"workday": True})
    assert r.status_code == 403
    r = await c.http.put("/api/v1/ticket-calendar/not-a-day", headers=admin, json={"workday": True})
    assert r.status_code == 400
    r = await c.http.put("/api/v1/ticket-settings", headers=admin, json={"auto_close_days": 3})
    assert r.status_code == 200 and r.json()["auto_close_days"] == 3
    r = await c.http.put("/api/v1/ticket-settings", headers=admin, json={"auto_close": 3})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_setting"


async def test_overdue_tickets_escalate_to_lead_then_supervisor_once(console: Console):
    c = console
    lead = await c.agent("lead", ["complaints"], roles=["team_lead"], online=False)
    li = await c.agent("li", ["complaints"], online=False)
    r = await c.handoff("angry", reason="complaint", skill_group="complaints")
    ticket_id = r.json()["ticket"]["id"]
    assert (await c.ctx.worker.tick())["ticket_escalations"] == 0  # not due yet
    await _overdue(c, ticket_id)
    c.ctx.worker._tickets_at = 0.0
    assert (await c.ctx.worker.tick())["ticket_escalations"] == 1
    c.ctx.worker._tickets_at = 0.0
    assert (await c.ctx.worker.tick())["ticket_escalations"] == 0  # recorded once
    found = (await c.http.get("/api/v1/tickets/escalations", headers=lead)).json()["escalations"]
    assert [(e["ticket_id"], e["data"]["to_role"]) for e in found] == [(ticket_id, "team_lead")]
    assert (await c.http.get("/api/v1/tickets/escalations", headers=li)).status_code == 403
    assert "ticket_escalated" in [e.type for e in await c.events("angry")]

    async with AsyncSession(c.ctx.engine) as session:  # still overdue five hours later
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(due_at=datetime.now(UTC) - timedelta(hours=5))
        )
        await session.commit()
    c.ctx.worker._tickets_at = 0.0
    assert (await c.ctx.worker.tick())["ticket_escalations"] == 1
    view = (await c.http.get(f"/api/v1/tickets/{ticket_id}", headers=lead)).json()
    assert view["escalation_level"] == 2
    assert [e["data"]["to_role"] for e in view["log"] if e["kind"] == "escalation"] == [
        "team_lead",
        "supervisor",
    ]


async def _ticket_of(c: Console, conv_id: str, headers: dict[str, str]) -> dict:
    listed = (await c.http.get("/api/v1/tickets?status=open", headers=headers)).json()["tickets"]
    found = [t for t in listed if t["conversation_id"] == conv_id]
    assert len(found) == 1, listed
    return found[0]


async def test_agent_taking_a_complaint_owns_its_ticket_and_closing_does_not_resolve(
    console: Console,
):
    c = console
    li = await c.agent("li", ["complaints"])
    r = await c.handoff("angry-2", reason="complaint", skill_group="complaints")
    assert r.status_code in (200, 201), r.text
    await c.ctx.queue.dispatch("complaints")
    assert (await c.ctx.conversations.state("angry-2")).agent == "li"
    ticket = await _ticket_of(c, "angry-2", li)
    assert ticket["type"] == "complaint" and ticket["assignee"] == "li"
    assert ticket["status"] == "assigned"
    r = await c.http.post(
        "/api/v1/conversations/angry-2/close", headers=li, json={"resolution": "solved"}
    )
    assert r.status_code == 200, r.text
    after = await _ticket_of(c, "angry-2", li)
    assert after["status"] == "assigned" and after["resolved_at"] is None


async def test_accepting_a_claimed_complaint_chat_assigns_the_ticket(claim_console: Console):
    c = claim_console
    wang = await c.agent("wang", ["complaints"])
    await c.handoff("angry-3", reason="complaint", skill_group="complaints")
    r = await c.http.post("/api/v1/conversations/angry-3/accept", headers=wang)
    assert r.status_code == 200, r.text
    assert (await _ticket_of(c, "angry-3", wang))["assignee"] == "wang"


async def test_customer_hears_progress_and_resolution_not_notes(console: Console):
    from bot.events import customer_events, event_text

    c = console
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    r = await c.handoff("back-later")  # nobody online: a ticket on this conversation
    ticket_id = r.json()["ticket"]["id"]
    base = [e.type for e in await c.events("back-later")]
    await c.http.post(f"/api/v1/tickets/{ticket_id}/notes", headers=lead, json={"text": "内部备注"})
    r = await c.http.post(
        f"/api/v1/tickets/{ticket_id}/progress",
        headers=lead,
        json={"text": "换货已寄出，单号SF123"},
    )
    assert r.status_code == 201, r.text
    r = await c.http.post(
        f"/api/v1/tickets/{ticket_id}/state", headers=lead, json={"state": "resolved"}
    )
    assert r.status_code == 200, r.text
    events = await c.events("back-later")
    updates = [e for e in events[len(base) :] if e.type == "ticket_update"]
    assert len(updates) == 2  # the progress line and the resolution; the note stays inside
    seen = customer_events(events)
    texts = [e["text_for_customer"] for e in seen if e["type"] == "ticket_update"]
    assert texts == [
        f"工单 {ticket_id} 进展：换货已寄出，单号SF123",
        f"您的工单 {ticket_id} 已处理完成。",
    ]
    assert "内部备注" not in str(seen)
    assert event_text(updates[1], "en") == f"Your ticket {ticket_id} has been resolved."
    assert event_text(updates[1], "zh-Hant") == f"您的工單 {ticket_id} 已處理完成。"


async def test_silent_ticket_closes_and_the_customer_is_told(console: Console):
    c = console
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    ticket_id = (await c.handoff("silent")).json()["ticket"]["id"]
    r = await c.http.post(
        f"/api/v1/tickets/{ticket_id}/state", headers=lead, json={"state": "waiting_customer"}
    )
    assert r.status_code == 200, r.text
    async with AsyncSession(c.ctx.engine) as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(waiting_since=datetime.now(UTC) - timedelta(days=7, minutes=1))
        )
        await session.commit()
    c.ctx.worker._tickets_at = 0.0
    assert (await c.ctx.worker.tick())["tickets_auto_closed"] == 1
    view = (await c.http.get(f"/api/v1/tickets/{ticket_id}", headers=lead)).json()
    assert view["status"] == "closed" and view["resolution"] == "no_reply"
    updates = [e for e in await c.events("silent") if e.type == "ticket_update"]
    assert updates[-1].data["text_for_customer"] == f"您的工单 {ticket_id} 已关闭。"
