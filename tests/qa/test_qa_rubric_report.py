"""The rubric changed mid-week (real console, SQL): scores already given keep their version and
total, a form of the old version is refused, a removed item is refused in a new score but still
named in the weekly report. The weekly report's figures; an empty week; a future week."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handoff.qa_rubric import DEFAULT_ITEMS
from tests.qa.helpers import closed_chat
from tests.qa.test_qa_scoring import item_of, points
from tests.staff_console import Console

QA = "/api/v1/qa"


async def test_rubric_change_mid_week_and_the_weekly_report(console: Console):
    c = console
    li = await c.agent("li", ["aftersales"])
    qa = await c.agent("insp", [], roles=["qa"], online=False)
    lead = await c.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    for conv in ("c1", "c2", "c3"):
        await closed_chat(c, conv, li, "在吗", ["不知道"])
    first = await item_of(c, qa, "c1")
    r = await c.http.post(
        f"{QA}/items/{first}/score",
        headers=qa,
        json={"rubric_version": 1, "points": points(speed=0, greeting=0)},
    )
    assert r.status_code == 201 and r.json()["total"] == 80 and r.json()["passed"]

    # speed is removed; its weight goes to accuracy (a new version, 2)
    items = [dict(i) for i in DEFAULT_ITEMS if i["key"] != "speed"]
    items[1]["weight"] = 35
    r = await c.http.put(f"{QA}/rubric", headers=lead, json={"items": items})
    assert r.status_code == 403  # leads score; QA inspectors and supervisors edit the rubric
    bad = [*items[:-1], {**items[-1], "weight": 5}]
    r = await c.http.put(f"{QA}/rubric", headers=qa, json={"items": bad})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_rubric"
    r = await c.http.put(f"{QA}/rubric", headers=qa, json={"items": [*items, items[0]]})
    assert r.status_code == 400
    r = await c.http.put(f"{QA}/rubric", headers=qa, json={"items": items})
    assert r.status_code == 200 and r.json()["version"] == 2

    given = (await c.http.get(f"{QA}/items/{first}", headers=qa)).json()
    assert given["review"]["total"] == 80 and given["review"]["rubric_version"] == 1
    assert "speed" in [i["key"] for i in given["rubric"]["items"]]  # shown with its own version
    second = await item_of(c, qa, "c2")
    r = await c.http.post(
        f"{QA}/items/{second}/score", headers=qa, json={"rubric_version": 1, "points": points()}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "rubric_changed"
    r = await c.http.post(
        f"{QA}/items/{second}/score", headers=qa, json={"rubric_version": 2, "points": points()}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_item"
    v2 = {k: v for k, v in points(accuracy=5, forbidden=0).items() if k != "speed"}
    r = await c.http.post(
        f"{QA}/items/{second}/score", headers=qa, json={"rubric_version": 2, "points": v2}
    )
    assert r.status_code == 201 and r.json()["total"] == 67.5 and not r.json()["passed"]
    await c.http.post(f"{QA}/items/{second}/appeal", headers=li, json={"reason": "不服"})

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    r = await c.http.get(f"{QA}/report", params={"date": today}, headers=lead)
    assert r.status_code == 200, r.text
    week = r.json()
    assert week["reviews"] == 2 and week["average"] == 73.75 and week["pass_rate"] == 0.5
    assert week["agents"] == [{"agent": "li", "reviews": 2, "average": 73.75, "failed": 1}]
    assert week["groups"][0]["skill_group"] == "aftersales"
    failures = {f["key"]: f["failures"] for f in week["item_failures"]}
    # speed (0 of 10, removed since) and greeting failed in the first, accuracy and forbidden
    # in the second
    assert failures == {
        "speed": 1,
        "greeting": 1,
        "accuracy": 1,
        "forbidden": 1,
        "attitude": 0,
        "resolution": 0,
    }
    speed = next(f for f in week["item_failures"] if f["key"] == "speed")
    assert (speed["zh"], speed["zh-Hant"], speed["en"]) == ("时效", "時效", "Speed")
    assert week["checks"]["flagged"] == 3 and week["checks"]["hits"]["forbidden_phrase"] == 3
    assert week["appeals"] == {"filed": 1, "pending": 1, "upheld": 0, "rejected": 0}
    assert week["rectification"]["created"] == 1 and week["rectification"]["overdue"] == 0

    # the service report carries the same average ("QA average")
    r = await c.http.get("/api/v1/reports", params={"period": "week", "date": today}, headers=lead)
    assert r.json()["figures"]["qa"] == {"reviews": 2, "average": 73.75}

    r = await c.http.get(f"{QA}/report", params={"date": "2020-01-01"}, headers=qa)
    assert r.status_code == 200 and r.json()["empty"] is True and r.json()["average"] is None
    assert r.json()["rectification"]["on_time_rate"] is None
    future = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=9)).date().isoformat()
    r = await c.http.get(f"{QA}/report", params={"date": future}, headers=qa)
    assert r.status_code == 400 and r.json()["error"]["code"] == "future_period"
    r = await c.http.get(f"{QA}/report", params={"date": "next week"}, headers=qa)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_date"
    assert (await c.http.get(f"{QA}/report", headers=li)).status_code == 403
