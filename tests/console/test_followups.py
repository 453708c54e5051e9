"""回访 against real Redis and SQL: resolving a complaint creates a follow-up task due at the end
of the next working day (an after-sales ticket too, a left message not); the agent records the
outcome once; "not satisfied" reopens the ticket; the follow-up rate counts reached customers."""

from __future__ import annotations

from datetime import datetime

from handoff.workdays import Calendar
from tests.staff_console import Console


async def _resolved(c: Console, headers: dict[str, str], kind: str) -> int:
    r = await c.http.post(
        "/api/v1/tickets",
        headers=headers,
        json={"type": kind, "text": "电话投诉", "skill_group": "complaints"},
    )
    assert r.status_code == 201, r.text
    ticket_id = int(r.json()["id"])
    r = await c.http.post(
        f"/api/v1/tickets/{ticket_id}/state", headers=headers, json={"state": "resolved"}
    )
    assert r.status_code == 200, r.text
    return ticket_id


async def test_followups_are_created_recorded_and_counted(console: Console):
    c = console
    li = await c.agent("li", ["complaints"], online=False)
    lead = await c.agent("lead", ["complaints"], roles=["team_lead"], online=False)
    complaint = await _resolved(c, li, "complaint")
    after = await _resolved(c, li, "after_sales")
    await _resolved(c, li, "left_message")  # no follow-up for a left message

    tasks = (await c.http.get("/api/v1/ticket-followups", headers=li)).json()["followups"]
    assert sorted(t["ticket_id"] for t in tasks) == [complaint, after]
    cal = await Calendar.load(c.ctx.engine, "Asia/Shanghai")
    created = datetime.fromisoformat(tasks[0]["created_at"])
    due = datetime.fromisoformat(tasks[0]["due_at"])
    next_day = cal.next_workday_start(created)
    assert cal.working_seconds_between(next_day, due) == 86400  # the whole next working day
    assert cal.working_seconds_between(created, next_day) < 86400

    r = await c.http.post(
        f"/api/v1/tickets/{complaint}/followup", headers=li, json={"outcome": "not_satisfied"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["ticket"]["status"] == "reopened"
    again = await c.http.post(
        f"/api/v1/tickets/{complaint}/followup", headers=li, json={"outcome": "satisfied"}
    )
    assert again.status_code == 409
    bad = await c.http.post(f"/api/v1/tickets/{after}/followup", headers=li, json={"outcome": "ok"})
    assert bad.status_code == 400
    r = await c.http.post(
        f"/api/v1/tickets/{after}/followup", headers=li, json={"outcome": "not_reached"}
    )
    assert r.status_code == 200, r.text

    figures = (await c.http.get("/api/v1/ticket-followups/rate", headers=lead)).json()
    assert figures["tasks"] == 2 and figures["reached"] == 1 and figures["followup_rate"] == 0.5
    assert figures["not_satisfied"] == 1 and figures["not_reached"] == 1
    assert (await c.http.get("/api/v1/ticket-followups/rate", headers=li)).status_code == 403
