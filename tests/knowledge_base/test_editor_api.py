"""The editor API mounted in a staff app, over real HTTP, SQL and Redis."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx

from knowledge_base.live import record_unanswered


async def wait_serving(client: httpx.AsyncClient, h: dict[str, str], version: int) -> None:
    for _ in range(600):
        r = await client.get("/api/v1/kb/versions", headers=h)
        if r.json()["serving"] >= version:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"version {version} never served")


def faq(faq_id: str, question: str, *similar: str, answer: str = "答案") -> dict[str, Any]:
    return {
        "id": faq_id,
        "question": question,
        "similar_questions": list(similar),
        "answer": answer,
        "category": "test",
        "lang": "zh",
    }


async def test_roles_are_checked_on_every_endpoint(editor_app: Any, serve: Any) -> None:
    app, headers = editor_app
    server = await serve(app)
    async with httpx.AsyncClient(base_url=server.url) as client:
        for method, path in [
            ("GET", "/api/v1/kb/faqs"),
            ("POST", "/api/v1/kb/faqs"),
            ("GET", "/api/v1/kb/faqs/x"),
            ("PUT", "/api/v1/kb/faqs/x"),
            ("DELETE", "/api/v1/kb/faqs/x"),
            ("POST", "/api/v1/kb/import"),
            ("POST", "/api/v1/kb/publish"),
            ("GET", "/api/v1/kb/search?q=a"),
            ("GET", "/api/v1/kb/preview?q=a"),
            ("GET", "/api/v1/kb/versions"),
            ("POST", "/api/v1/kb/versions/1/rollback"),
            ("GET", "/api/v1/kb/versions/2/diff"),
            ("GET", "/api/v1/kb/unanswered"),
        ]:
            anonymous = await client.request(method, path)
            assert anonymous.status_code == 401, path
            agent = await client.request(method, path, headers=headers("agent"))
            assert agent.status_code == 403, path
            assert agent.json()["error"]["code"] == "forbidden"


async def test_edit_publish_search_rollback_diff(editor_app: Any, serve: Any) -> None:
    app, headers = editor_app
    h = headers("editor")
    server = await serve(app)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        r = await client.post(
            "/api/v1/kb/faqs",
            headers=h,
            json=faq(
                "ret", "怎么申请退货", "退货流程是什么", "我想退货", answer="在订单里点申请售后。"
            ),
        )
        assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["author"] == "ed"
        r = await client.post(
            "/api/v1/kb/faqs",
            headers=h,
            json=faq("inv", "可以开发票吗", "怎么开发票", "能开增值税发票吗"),
        )
        assert r.status_code == 201
        assert (
            await client.post("/api/v1/kb/faqs", headers=h, json=faq("ret", "x"))
        ).status_code == 409
        r = await client.post("/api/v1/kb/publish", headers=h, json={"note": "first"})
        assert r.status_code == 201 and r.json()["version"] == 1
        await wait_serving(client, h, 1)
        r = await client.get("/api/v1/kb/search", headers=h, params={"q": "退貨怎麼弄", "k": 2})
        body = r.json()
        assert body["hits"][0]["faq_id"] == "ret" and body["version"] == 1
        assert body["decision"] in {"answer", "choose", "not_found"}
        assert set(body["thresholds"]) == {"confident", "choose"}

        r = await client.put(
            "/api/v1/kb/faqs/ret",
            headers=h,
            json={"similar_questions": ["退货流程是什么", "我想退货", "东西怎么退回去"]},
        )
        assert r.status_code == 200 and r.json()["status"] == "draft"
        assert (await client.delete("/api/v1/kb/faqs/inv", headers=h)).status_code == 200
        assert (await client.post("/api/v1/kb/publish", headers=h)).json()["version"] == 2
        r = await client.get("/api/v1/kb/versions/2/diff", headers=h)
        d = r.json()
        assert [x["id"] for x in d["removed"]] == ["inv"]
        assert d["changed"][0]["id"] == "ret"
        assert "东西怎么退回去" in d["changed"][0]["fields"]["similar_questions"]["new"]

        r = await client.post("/api/v1/kb/versions/1/rollback", headers=h)
        assert r.status_code == 201 and r.json()["version"] == 3
        await wait_serving(client, h, 3)
        r = await client.get("/api/v1/kb/search", headers=h, params={"q": "能开发票吗"})
        assert r.json()["hits"][0]["faq_id"] == "inv"
        versions = (await client.get("/api/v1/kb/versions", headers=h)).json()["versions"]
        assert [v["version"] for v in versions] == [3, 2, 1]
        assert (await client.post("/api/v1/kb/versions/9/rollback", headers=h)).status_code == 404
    # publish and rollback are in the host app's audit log
    entries = await app.ctx.audit.entries()
    assert [(e["actor"], e["action"], e["target"]) for e in reversed(entries)] == [
        ("ed", "kb_published", "version:1"),
        ("ed", "kb_published", "version:2"),
        ("ed", "kb_rolled_back", "version:3"),
    ]
    assert entries[0]["details"] == {"from_version": 1}


async def test_import_file_and_bad_input(editor_app: Any, serve: Any) -> None:
    app, headers = editor_app
    h = headers("editor")
    server = await serve(app)
    rows = [
        json.dumps(
            faq("a", "<script>alert(1)</script>", "'; DROP TABLE kb_faqs; --"), ensure_ascii=False
        ),
        '{"id": "b"}',
        "not json",
    ]
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        r = await client.post(
            "/api/v1/kb/import",
            headers=h,
            files={"file": ("faqs.jsonl", io.BytesIO("\n".join(rows).encode()))},
        )
        report = r.json()
        assert r.status_code == 200 and report["imported"] == 1
        assert [(e["line"], e["code"]) for e in report["errors"]] == [
            (2, "invalid_faq"),
            (3, "bad_json"),
        ]
        r = await client.get("/api/v1/kb/faqs/a", headers=h)
        assert r.json()["question"] == "<script>alert(1)</script>"
        r = await client.post(
            "/api/v1/kb/import?format=csv",
            headers=h,
            content="id,question,answer\nc,发票怎么开,看这里\n".encode("gbk"),
        )
        assert r.status_code == 200 and r.json()["encoding"] == "gb18030"
        assert (await client.get("/api/v1/kb/faqs/c", headers=h)).json()["question"] == "发票怎么开"
        bad = [
            ("POST", "/api/v1/kb/import?format=pdf", b"x", 400),
            ("POST", "/api/v1/kb/import?format=jsonl", b"", 400),
            ("POST", "/api/v1/kb/faqs", b"{nope", 400),
            ("POST", "/api/v1/kb/faqs", b"[1, 2]", 400),
            ("GET", "/api/v1/kb/search?q=", b"", 400),
            ("GET", "/api/v1/kb/search?q=" + "a" * 10_001, b"", 413),  # header limit
            ("GET", "/api/v1/kb/search?q=abc&k=zz", b"", 400),
            ("GET", "/api/v1/kb/preview?q=", b"", 400),
            ("GET", "/api/v1/kb/preview?q=" + "a" * 2001, b"", 400),
            ("GET", "/api/v1/kb/preview?q=abc&lang=fr", b"", 400),
            ("GET", "/api/v1/kb/faqs?status=weird", b"", 400),
            ("GET", "/api/v1/kb/faqs/nope", b"", 404),
            ("PUT", "/api/v1/kb/faqs/a", json.dumps({"lang": "fr"}).encode(), 400),
            ("GET", "/api/v1/kb/versions/1/diff", b"", 400),
        ]
        for method, path, content, status in bad:
            r = await client.request(method, path, headers=h, content=content)
            assert r.status_code == status, (path, r.text)
            assert set(r.json()["error"]) >= {"code", "message"}
        r = await client.get("/api/v1/kb/search", headers=h, params={"q": "😀 hello 你好"})
        assert r.status_code == 200 and r.json()["hits"] == []  # nothing published yet


async def test_unanswered_questions_grouped_with_counts(
    editor_app: Any, serve: Any, redis_url: str
) -> None:
    import redis as sync_redis

    app, headers = editor_app
    server = await serve(app)
    client_redis = sync_redis.Redis.from_url(redis_url)
    for q in [
        "你们有实体店吗",
        "你们有实体店吗",
        "你们有没有实体店",
        "实体店在哪里",
        "可以用数字人民币付款吗",
    ]:
        record_unanswered(client_redis, q, "zh", "low_score", 0.1)
    client_redis.close()
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        r = await client.get("/api/v1/kb/unanswered", headers=headers("editor"))
    groups = r.json()["groups"]
    assert groups[0]["count"] >= 3 and "实体店" in groups[0]["example"]
    assert sum(g["count"] for g in groups) == 5
    assert any("数字人民币" in g["example"] and g["count"] == 1 for g in groups)


async def test_editor_page_is_served_with_a_strict_policy(editor_app: Any, serve: Any) -> None:
    app, _ = editor_app
    server = await serve(app)
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = await client.get("/kb")
        script = await client.get("/kb/editor.js")
        missing = await client.get("/kb/secrets.txt")
    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    )
    assert script.status_code == 200 and "innerHTML" not in script.text
    assert missing.status_code == 404


async def test_searcher_opens_on_first_search_and_answers_from_a_built_index(
    editor_app: Any, serve: Any
) -> None:
    """The staff console does not load the sentence encoder until the editor needs it (its idle
    memory), and the first search then waits for the index instead of answering "not found"."""
    app, headers = editor_app
    h = headers("editor")
    server = await serve(app)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        r = await client.post(
            "/api/v1/kb/faqs", headers=h, json=faq("ret", "怎么申请退货", "退货流程是什么")
        )
        assert r.status_code == 201
        assert (await client.post("/api/v1/kb/publish", headers=h)).status_code == 201
        assert (await client.get("/api/v1/kb/faqs", headers=h)).status_code == 200
        assert app.ctx.kb._searcher is None  # editing and publishing load no encoder
        r = await client.get("/api/v1/kb/search", headers=h, params={"q": "退货流程是什么"})
        assert r.status_code == 200
        assert r.json()["hits"][0]["faq_id"] == "ret" and r.json()["version"] == 1
        assert app.ctx.kb._searcher is not None
