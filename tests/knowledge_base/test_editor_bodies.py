"""The editor's bodies through their pydantic models (``knowledge_base.editor_bodies``): a wrong
type, a missing field or an unknown one is 400 ``invalid_faq`` / ``invalid_note`` with every
wrong field named; the editor page's own body (with ``id`` on a change) is taken; ``/docs``
shows the schemas. Real HTTP, SQL and Redis."""

from __future__ import annotations

from typing import Any

import httpx

GOOD = {"id": "a", "question": "怎么退货", "answer": "七天内可退", "lang": "zh"}


async def test_faq_and_publish_bodies_are_checked_field_by_field(
    editor_app: Any, serve: Any
) -> None:
    app, headers = editor_app
    h = headers("editor")
    server = await serve(app)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        cases = [
            ("POST", "/api/v1/kb/faqs", {**GOOD, "question": 5}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {**GOOD, "similar_questions": "a\nb"}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {**GOOD, "similar_questions": ["q"] * 51}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {**GOOD, "id": "a b"}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {**GOOD, "lang": "fr"}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {**GOOD, "category": "c" * 65}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {"id": "a", "question": "q"}, "invalid_faq"),
            ("POST", "/api/v1/kb/faqs", {**GOOD, "status": "published"}, "invalid_faq"),
            ("PUT", "/api/v1/kb/faqs/a", {"answer": ["x"]}, "invalid_faq"),
            ("PUT", "/api/v1/kb/faqs/a", {"answer": "   "}, "invalid_faq"),
            ("PUT", "/api/v1/kb/faqs/a", {"author": "someone"}, "invalid_faq"),
            ("POST", "/api/v1/kb/publish", {"note": 5}, "invalid_note"),
            ("POST", "/api/v1/kb/publish", {"note": "n" * 501}, "invalid_note"),
            ("POST", "/api/v1/kb/publish", {"note": "ok", "force": True}, "invalid_note"),
        ]
        for method, path, body, code in cases:
            r = await client.request(method, path, headers=h, json=body)
            assert r.status_code == 400, (body, r.text)
            error = r.json()["error"]
            assert error["code"] == code and error["fields"], (body, error)
        assert (await client.get("/api/v1/kb/faqs", headers=h)).json()["faqs"] == []

        r = await client.post("/api/v1/kb/faqs", headers=h, json={**GOOD, "question": " 退货 "})
        assert r.status_code == 201 and r.json()["question"] == "退货"
        # the editor page sends the whole form, id included, on a change: the path names it
        r = await client.put(
            "/api/v1/kb/faqs/a", headers=h, json={**GOOD, "id": "other", "answer": "三十天"}
        )
        assert r.status_code == 200 and (r.json()["id"], r.json()["answer"]) == ("a", "三十天")
        assert r.json()["question"] == "怎么退货"
        r = await client.put("/api/v1/kb/faqs/a", headers=h, json={"category": "售后"})
        assert r.status_code == 200 and r.json()["answer"] == "三十天"  # the rest unchanged
        r = await client.post("/api/v1/kb/publish", headers=h)  # no body: no note
        assert r.status_code == 201 and r.json()["note"] == ""


async def test_openapi_shows_the_editor_bodies_and_answers(editor_app: Any, serve: Any) -> None:
    app, _headers = editor_app
    server = await serve(app)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        spec = (await client.get("/docs/openapi.json")).json()
    faqs = spec["paths"]["/api/v1/kb/faqs"]["post"]
    body = faqs["requestBody"]["content"]["application/json"]["schema"]
    assert {"id", "question", "answer", "similar_questions", "lang"} <= set(body["properties"])
    assert set(body["required"]) == {"id", "question", "answer"}
    answer = faqs["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"id", "status", "updated_at"} <= set(answer["properties"])
    change = spec["paths"]["/api/v1/kb/faqs/{faq_id}"]["put"]["requestBody"]["content"]
    assert "required" not in change["application/json"]["schema"]
    publish = spec["paths"]["/api/v1/kb/publish"]["post"]
    assert "note" in publish["requestBody"]["content"]["application/json"]["schema"]["properties"]
    shown = publish["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"version", "faq_count"} <= set(shown["properties"])
