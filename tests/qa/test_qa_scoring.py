"""Scoring, appeals and rectification through the real console API (Redis, SQL): who may score
and see what (the qa role never reaches the queue or live chats; an agent cannot score and sees
only their own scores; a lead only their groups), bad scores, one appeal, the lead's decision,
rectification within 3 working days, overdue items for the lead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.qa_models import QaRectification
from handoff.workdays import Calendar
from tests.qa.helpers import closed_chat
from tests.staff_console import Console

QA = "/api/v1/qa"
FULL = {"greeting": 10, "accuracy": 10, "attitude": 10, "forbidden": 10, "resolution": 10}


def points(**changes: float) -> dict[str, Any]:
    return {**FULL, "speed": 10, **changes}


async def item_of(c: Console, headers: dict[str, str], conv: str) -> int:
    r = await c.http.get(f"{QA}/items", headers=headers)
    assert r.status_code == 200, r.text
    return next(i["id"] for i in r.json()["items"] if i["conversation_id"] == conv)


async def test_score_appeal_rectify_and_who_may(console: Console):
    c = console
    li = await c.agent("li", ["aftersales"])
    wang = await c.agent("wang", ["presale"])
    qa = await c.agent("insp", [], roles=["qa"], online=False)
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    other_lead = await c.agent("plead", ["presale"], roles=["team_lead"], online=False)
    await closed_chat(c, "cold-1", li, "发货了吗", ["不知道"])
    await closed_chat(c, "cold-2", li, "发货了吗", ["不清楚"])
    await c.handoff("presale-1", skill_group="presale")
    await c.http.post(
        "/api/v1/conversations/presale-1/messages", headers=wang, json={"text": "没办法"}
    )
    await c.http.post("/api/v1/conversations/presale-1/close", headers=wang, json={})
    item = await item_of(c, qa, "cold-1")
    presale_item = await item_of(c, qa, "presale-1")

    # the qa role: the QA pages, never the queue or a live chat
    assert (await c.http.get("/api/v1/queue", headers=qa)).status_code == 403
    assert (await c.http.get("/api/v1/conversations/cold-1", headers=qa)).status_code == 403
    # an agent cannot list or score; a lead only their groups
    assert (await c.http.get(f"{QA}/items", headers=li)).status_code == 403
    body = {"rubric_version": 1, "points": points()}
    r = await c.http.post(f"{QA}/items/{item}/score", headers=li, json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = await c.http.post(f"{QA}/items/{item}/score", headers=other_lead, json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_group"
    lead_items = (await c.http.get(f"{QA}/items", headers=lead)).json()["items"]
    assert {i["skill_group"] for i in lead_items} == {"aftersales"}
    assert (await c.http.get(f"{QA}/items/{presale_item}", headers=lead)).status_code == 403

    # bad scores
    rubric = (await c.http.get(f"{QA}/rubric", headers=qa)).json()
    assert [i["key"] for i in rubric["items"]][:2] == ["greeting", "accuracy"]
    assert rubric["items"][0]["zh-Hant"] == "問候"
    for bad, status, code in [
        (points(accuracy=11), 400, "points_out_of_range"),
        (points(accuracy=-1), 400, "points_out_of_range"),
        ({**FULL}, 400, "missing_item"),
        (points(courtesy=5), 400, "unknown_item"),
    ]:
        r = await c.http.post(
            f"{QA}/items/{item}/score", headers=qa, json={"rubric_version": 1, "points": bad}
        )
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (bad, r.text)
    r = await c.http.post(f"{QA}/items/{item}/score", headers=qa, json={"points": "x"})
    assert r.status_code == 400
    assert (await c.http.post(f"{QA}/items/999999/score", headers=qa, json=body)).status_code == 404

    # a failing score (accuracy 2, forbidden 0, attitude 4): 100 - 20 - 15 - 12 = 53
    scored = points(accuracy=2, forbidden=0, attitude=4)
    r = await c.http.post(
        f"{QA}/items/{item}/score",
        headers=qa,
        json={
            "rubric_version": 1,
            "points": scored,
            "comments": {"forbidden": "说了“不知道”"},
            "comment": "态度冷淡，电话13812345678",
        },
    )
    assert r.status_code == 201, r.text
    review = r.json()
    assert review["total"] == 53 and review["passed"] is False and review["threshold"] == 80
    assert "13812345678" not in review["comment"]  # personal data masked where stored
    again = await c.http.post(f"{QA}/items/{item}/score", headers=lead, json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_scored"

    # the failed review opened a rectification item due in 3 working days
    rects = (await c.http.get(f"{QA}/rectifications", headers=li)).json()["rectifications"]
    assert len(rects) == 1 and rects[0]["status"] == "open"
    cal = await Calendar.load(c.ctx.engine, "Asia/Shanghai")
    created = datetime.fromisoformat(rects[0]["created_at"])
    assert datetime.fromisoformat(rects[0]["due_at"]) == cal.add_working_days(created, 3)
    rect = rects[0]["id"]
    assert (
        await c.http.post(f"{QA}/rectifications/{rect}/acknowledge", headers=wang)
    ).status_code == 403
    r = await c.http.post(f"{QA}/rectifications/{rect}/acknowledge", headers=li)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = await c.http.post(f"{QA}/rectifications/{rect}/acknowledge", headers=li)
    assert r.status_code == 409

    # the agent sees their own scores, not another agent's
    mine = (await c.http.get(f"{QA}/my-scores", headers=li)).json()
    assert mine["average"] == 53 and [i["conversation_id"] for i in mine["items"]] == ["cold-1"]
    assert (await c.http.get(f"{QA}/my-scores", headers=wang)).json()["items"] == []
    assert (await c.http.get(f"{QA}/items/{item}", headers=li)).status_code == 200
    assert (await c.http.get(f"{QA}/items/{item}", headers=wang)).status_code == 403
    view = (await c.http.get(f"{QA}/items/{item}", headers=qa)).json()
    assert [t["text"] for t in view["transcript"]] == ["发货了吗", "不知道"]
    assert view["review"]["rubric_version"] == 1

    # one appeal, by the agent it is about; the group's lead decides it
    r = await c.http.post(f"{QA}/items/{item}/appeal", headers=wang, json={"reason": "x"})
    assert r.status_code == 403
    r = await c.http.post(f"{QA}/items/{item}/appeal", headers=li, json={"reason": ""})
    assert r.status_code == 400
    r = await c.http.post(f"{QA}/items/{item}/appeal", headers=li, json={"reason": "客户先骂人"})
    assert r.status_code == 200 and r.json()["appeal"]["status"] == "pending"
    r = await c.http.post(f"{QA}/items/{item}/appeal", headers=li, json={"reason": "再申诉"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_appealed"
    appealed = (await c.http.get(f"{QA}/items", params={"status": "appealed"}, headers=lead)).json()
    assert [i["id"] for i in appealed["items"]] == [item]
    decision = {"decision": "upheld", "points": points(forbidden=8)}
    r = await c.http.post(f"{QA}/items/{item}/appeal/decision", headers=qa, json=decision)
    assert r.status_code == 403  # QA inspectors score; leads decide appeals
    r = await c.http.post(f"{QA}/items/{item}/appeal/decision", headers=other_lead, json=decision)
    assert r.status_code == 403
    r = await c.http.post(
        f"{QA}/items/{item}/appeal/decision", headers=lead, json={"decision": "upheld"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "missing_points"
    r = await c.http.post(f"{QA}/items/{item}/appeal/decision", headers=lead, json=decision)
    assert r.status_code == 200, r.text
    rescored = r.json()
    assert rescored["total"] == 97 and rescored["passed"] and rescored["first_total"] == 53
    assert rescored["appeal"]["status"] == "upheld"
    r = await c.http.post(f"{QA}/items/{item}/appeal/decision", headers=lead, json=decision)
    assert r.status_code == 409
    rects = (await c.http.get(f"{QA}/rectifications", headers=li)).json()["rectifications"]
    assert [x["status"] for x in rects] == ["cancelled"]  # the rescore passes

    # a second failed score: the appeal is rejected (final), the item goes overdue for the lead
    item2 = await item_of(c, qa, "cold-2")
    r = await c.http.post(
        f"{QA}/items/{item2}/score",
        headers=lead,
        json={"rubric_version": 1, "points": points(resolution=0, accuracy=0)},
    )
    assert r.status_code == 201 and r.json()["total"] == 55
    await c.http.post(f"{QA}/items/{item2}/appeal", headers=li, json={"reason": "不服"})
    r = await c.http.post(
        f"{QA}/items/{item2}/appeal/decision", headers=lead, json={"decision": "rejected"}
    )
    assert r.status_code == 200 and r.json()["appeal"]["status"] == "rejected"
    assert r.json()["total"] == 55
    async with AsyncSession(c.ctx.engine) as session:
        await session.execute(
            update(QaRectification)
            .where(QaRectification.status == "open")
            .values(due_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()
    overdue = (
        await c.http.get(f"{QA}/rectifications", params={"overdue": "1"}, headers=lead)
    ).json()["rectifications"]
    assert [(x["agent"], x["overdue"]) for x in overdue] == [("li", True)]
    assert (
        await c.http.get(f"{QA}/rectifications", params={"overdue": "1"}, headers=other_lead)
    ).json()["rectifications"] == []
    r = await c.http.post(
        f"{QA}/rectifications/{overdue[0]['id']}/done", headers=li, json={"note": "已学习话术"}
    )
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["on_time"] is False
