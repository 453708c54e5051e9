"""One rule for ids in paths: the console and the editor encode them (``encodeURIComponent``)
and every route decodes them, so a conversation id with ``:`` or ``@`` and an FAQ id in
Chinese open like any other; a path that is not UTF-8 is a clear 400."""

from __future__ import annotations

from urllib.parse import quote

from tests.staff_console import Console


async def test_conversation_ids_with_colon_and_at_open_from_the_console(console: Console):
    c = console
    agent = await c.agent("li", ["aftersales"])
    conv = "wx:oAbC-12@shop.a"
    assert (await c.handoff(conv)).json()["agent"] == "li"
    encoded = quote(conv, safe="")  # what the console page sends
    assert "%3A" in encoded and "%40" in encoded
    r = await c.http.get(f"/api/v1/conversations/{encoded}", headers=agent)
    assert r.status_code == 200, r.text
    assert r.json()["packet"]["conversation_id"] == conv
    r = await c.http.post(
        f"/api/v1/conversations/{encoded}/messages", headers=agent, json={"text": "您好"}
    )
    assert r.status_code == 201, r.text
    r = await c.http.get("/api/v1/conversations/%FF%FE", headers=agent)
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_path"


async def test_faq_ids_in_chinese_open_from_the_editor(console: Console):
    c = console
    editor = await c.agent("bianji", [], roles=["editor"], online=False)
    faq = {"id": "退货-运费/01", "question": "退货运费谁出", "answer": "质量问题由我们承担。"}
    r = await c.http.post("/api/v1/kb/faqs", headers=editor, json=faq)
    assert r.status_code == 201, r.text
    path = "/api/v1/kb/faqs/" + quote(faq["id"], safe="")
    r = await c.http.get(path, headers=editor)
    assert r.status_code == 200, r.text
    assert r.json()["id"] == faq["id"]
    r = await c.http.put(path, headers=editor, json={**faq, "answer": "质量问题运费我们出。"})
    assert r.status_code == 200, r.text
    assert (await c.http.delete(path, headers=editor)).status_code == 200
