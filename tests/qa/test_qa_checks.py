"""Automatic QA checks on real closes (real console, Redis, SQL): a cold agent without a
greeting is flagged into the QA queue with its reasons, a polite one is not; the slow-reply
checks on a conversation's log; the editable phrase lists."""

from __future__ import annotations

from handoff.qa_checks import run_checks
from handoff.qa_settings import DEFAULTS
from handoff.states import Event
from tests.qa.helpers import closed_chat
from tests.staff_console import Console


async def test_cold_phrases_and_missing_greeting_flag_the_conversation(console: Console):
    c = console
    li = await c.agent("li", ["aftersales"])
    qa = await c.agent("insp", [], roles=["qa"], online=False)
    await closed_chat(c, "cold-1", li, "鞋子什么时候发货", ["我不知道，你自己看物流吧"])
    await closed_chat(c, "warm-1", li, "鞋子什么时候发货", ["您好，我帮您查一下", "明天发货"])

    r = await c.http.get("/api/v1/qa/items", params={"filter": "flagged"}, headers=qa)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["conversation_id"] for i in items] == ["cold-1"]
    flags = {(f["check"], f["detail"]) for f in items[0]["flags"]}
    assert ("forbidden_phrase", "不知道") in flags and ("forbidden_phrase", "你自己看") in flags
    assert "missing_greeting" in {check for check, _ in flags}
    assert items[0]["agent"] == "li" and items[0]["status"] == "pending"

    # the list is editable: a supervisor adds "明天" as a banned phrase; the next close sees it
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    banned = [*DEFAULTS["forbidden_phrases"], "明天"]
    r = await c.http.put("/api/v1/qa/settings", headers=boss, json={"forbidden_phrases": banned})
    assert r.status_code == 200, r.text
    await closed_chat(c, "warm-2", li, "在吗", ["您好，明天发货"])
    r = await c.http.get("/api/v1/qa/items", params={"filter": "flagged"}, headers=qa)
    assert {i["conversation_id"] for i in r.json()["items"]} == {"cold-1", "warm-2"}
    for bad in ({"forbidden_phrases": "不知道"}, {"sample_rate": 2}, {"nope": 1}, {}):
        r = await c.http.put("/api/v1/qa/settings", headers=boss, json=bad)
        assert r.status_code == 400, (bad, r.text)


def _log(*lines: tuple[str, str, float]) -> list[Event]:
    events = [Event(1, "accepted", {"agent": "li"}, 1000.0)]
    for n, (kind, text, ts) in enumerate(lines, start=2):
        events.append(Event(n, "message", {"from": kind, "text": text}, ts))
    return events


def test_slow_first_reply_and_slow_reply_gap():
    settings = {**DEFAULTS, "reply_gap_s": 180}
    quick = _log(
        ("agent", "您好", 1010.0), ("customer", "发货了吗", 1020.0), ("agent", "发了", 1100)
    )
    assert run_checks(quick, settings, 60.0) == []
    slow = _log(
        ("agent", "您好", 1090.0),  # 90 s after accepting, target 60 s
        ("customer", "发货了吗", 1100.0),
        ("customer", "人呢", 1200.0),
        ("agent", "发了", 1400.0),  # the customer waited 300 s since their first question
    )
    found = {f["check"]: f["detail"] for f in run_checks(slow, settings, 60.0)}
    assert found == {"slow_first_reply": 90, "slow_reply_gap": 300}
    # "hi" greets, "this" does not; a chat the agent never answered has no greeting
    assert run_checks(_log(("agent", "Hi, I can help", 1001.0)), settings, 60.0) == []
    silent = run_checks(_log(("customer", "this?", 1001.0)), settings, 60.0)
    assert [f["check"] for f in silent] == ["missing_greeting"]
    assert run_checks([Event(1, "message", {"from": "bot", "text": "x"}, 1.0)], settings, 1) == []


async def test_openapi_documents_the_qa_routes_and_bodies(console: Console):
    spec = (await console.http.get("/docs/openapi.json")).json()
    qa_paths = [p for p in spec["paths"] if p.startswith("/api/v1/qa/")]
    assert len(qa_paths) == 12
    score = spec["paths"]["/api/v1/qa/items/{item_id}/score"]["post"]
    body = score["requestBody"]["content"]["application/json"]["schema"]
    assert {"rubric_version", "points", "comments", "comment"} <= set(body["properties"])
    rubric = spec["paths"]["/api/v1/qa/rubric"]["put"]["requestBody"]["content"]
    assert "items" in rubric["application/json"]["schema"]["properties"]
    assert "summary" in spec["paths"]["/api/v1/qa/report"]["get"]
