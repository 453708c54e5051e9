"""Bad input to the staff console gets a clear 4xx, never a 500 (issue 15's list)."""

from __future__ import annotations

from tests.staff_console import Console

HUGE = "9" * 20  # over SQL's 64-bit integers
RAW = {"Content-Type": "application/json"}


async def test_a_lone_surrogate_in_a_login_name_or_faq_is_400(console: Console):
    body = b'{"username": "\\ud800", "password": "whatever-1"}'
    r = await console.http.post("/api/v1/auth/login", content=body, headers=RAW)
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_text", r.text
    editor = await console.agent("ed", [], roles=["editor"], online=False)
    faq = b'{"question": "\\ud800\\u8fd0\\u8d39", "answer": "x", "lang": "zh"}'
    r = await console.http.post("/api/v1/kb/faqs", content=faq, headers={**RAW, **editor})
    assert r.status_code == 400, r.text
    # a surrogate pair (an emoji written as escapes) is fine
    ok = b'{"username": "\\ud83d\\ude00", "password": "whatever-1"}'
    r = await console.http.post("/api/v1/auth/login", content=ok, headers=RAW)
    assert r.status_code == 401, r.text


async def test_json_nested_1000_deep_is_400(console: Console):
    deep = b'{"username": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    r = await console.http.post("/api/v1/auth/login", content=deep, headers=RAW)
    assert r.status_code == 400, r.text


async def test_a_ticket_id_beyond_sql_integers_is_404(console: Console):
    lead = await console.agent("lead", ["aftersales"], roles=["team_lead"], online=False)
    r = await console.http.post(f"/api/v1/tickets/{HUGE}/close", headers=lead, json={})
    assert r.status_code == 404, r.text


async def test_a_kb_version_beyond_sql_integers_is_404(console: Console):
    editor = await console.agent("ed", [], roles=["editor"], online=False)
    for method, url in (
        ("GET", f"/api/v1/kb/versions/{HUGE}/diff"),
        ("POST", f"/api/v1/kb/versions/{HUGE}/rollback"),
    ):
        r = await console.http.request(method, url, headers=editor)
        assert r.status_code == 404, (url, r.text)
