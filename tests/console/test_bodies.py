"""Request bodies validated by their pydantic models: a 400 that names each wrong field with the
API's code and never repeats what was sent, and the same models as schemas at /docs."""

from __future__ import annotations

from handoff.packet import REASONS
from tests.staff_console import INTERNAL, Console, packet


async def test_account_bodies_are_checked_field_by_field(console: Console):
    admin = await console.admin()
    cases = [
        ({"username": "ok-name", "password": "long-enough", "capacity": "3"}, "invalid_capacity"),
        ({"username": "ok-name", "password": "long-enough", "capacity": True}, "invalid_capacity"),
        ({"username": "ok-name", "password": "long-enough", "roles": ["boss"]}, "invalid_roles"),
        ({"username": "ok-name", "password": "long-enough", "extra": 1}, "invalid_body"),
        ({"username": "ok-name", "password": 12345678901}, "weak_password"),
    ]
    for body, code in cases:
        r = await console.http.post("/api/v1/agents", headers=admin, json=body)
        assert r.status_code == 400, (body, r.text)
        error = r.json()["error"]
        assert error["code"] == code, (body, error)
        assert error["fields"] and all({"field", "problem"} <= set(f) for f in error["fields"])
        assert "12345678901" not in r.text and "long-enough" not in r.text  # nothing echoed
    r = await console.http.patch("/api/v1/agents/admin", headers=admin, json={})
    assert r.status_code == 400 and "give some of" in r.json()["error"]["message"]
    r = await console.http.patch("/api/v1/agents/admin", headers=admin, json={"capacity": None})
    assert r.status_code == 400
    r = await console.http.patch("/api/v1/agents/admin", headers=admin, json={"capacity": 7})
    assert r.status_code == 200 and r.json()["capacity"] == 7


async def test_openapi_shows_the_models_of_bodies_and_answers(console: Console):
    spec = (await console.http.get("/docs/openapi.json")).json()
    create = spec["paths"]["/api/v1/agents"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert {"username", "password", "roles", "skill_groups", "capacity"} <= set(body["properties"])
    assert body["properties"]["capacity"]["maximum"] == 50
    answer = create["responses"]["201"]["content"]["application/json"]["schema"]
    assert {"id", "username", "roles", "active"} <= set(answer["properties"])
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    token = login["responses"]["200"]["content"]["application/json"]["schema"]
    assert "token" in token["properties"]


async def test_queue_and_chat_bodies_are_checked_field_by_field(console: Console):
    """Wrong type, missing field, unknown field: a 400 with the code the page and clients know,
    before anything is looked up (the conversation and the ticket here do not even exist)."""
    li = await console.agent("li", ["aftersales"])
    boss = await console.agent("boss", [], roles=["supervisor"], online=False)
    admin = await console.admin()
    chat = "/api/v1/conversations/b1"
    cases = [
        (li, "/api/v1/agent/status", {"status": 1}, "invalid_status"),
        (li, "/api/v1/agent/status", {"status": "busy"}, "invalid_status"),
        (li, "/api/v1/agent/status", {}, "invalid_status"),
        (li, "/api/v1/agent/status", {"status": "online", "mood": "ok"}, "invalid_body"),
        (boss, "/api/v1/settings/big-sale", {"on": "yes"}, "bad_request"),
        (boss, "/api/v1/settings/big-sale", {}, "bad_request"),
        (boss, "/api/v1/settings/big-sale", {"on": True, "until": 3}, "invalid_body"),
        (li, f"{chat}/messages", {"text": 5}, "empty_text"),
        (li, f"{chat}/messages", {}, "empty_text"),
        (li, f"{chat}/messages", {"text": "hi", "client_msg_id": 7}, "invalid_client_msg_id"),
        (li, f"{chat}/messages", {"text": "hi", "client_msg_id": ""}, "invalid_client_msg_id"),
        (li, f"{chat}/messages", {"text": "hi", "html": "<b>hi</b>"}, "invalid_body"),
        (li, f"{chat}/notes", {"text": ["hi"]}, "empty_text"),
        (li, f"{chat}/notes", {}, "empty_text"),
        (li, f"{chat}/notes", {"text": "hi", "public": True}, "invalid_body"),
        (li, f"{chat}/transfer", {"to_agent": 3}, "bad_transfer"),
        (li, f"{chat}/transfer", {"to_group": ["presale"]}, "invalid_skill_group"),
        (li, f"{chat}/transfer", {"to_group": "presale", "reason": 1}, "invalid_reason"),
        (li, f"{chat}/transfer", {"to_group": "presale", "note": 5}, "invalid_note"),
        (li, f"{chat}/transfer", {"to_group": "presale", "urgent": True}, "invalid_body"),
        (li, f"{chat}/close", {"resolution": 1}, "invalid_resolution"),
        (li, f"{chat}/close", {"resolution": "r" * 65}, "invalid_resolution"),
        (li, f"{chat}/close", {"tags": "a,b"}, "invalid_tags"),
        (li, f"{chat}/close", {"tags": ["t" * 33]}, "invalid_tags"),
        (li, f"{chat}/close", {"tags": ["t"] * 21}, "invalid_tags"),
        (li, f"{chat}/close", {"resolution": "ok", "why": "x"}, "invalid_body"),
        (li, "/api/v1/tickets/1/close", {"resolution": 5}, "invalid_resolution"),
        (li, "/api/v1/tickets/1/close", {"resolution": "ok", "x": 1}, "invalid_body"),
        (boss, f"{chat}/reveal", {"reason": 12}, "bad_request"),
        (boss, f"{chat}/reveal", {}, "bad_request"),
        (boss, f"{chat}/reveal", {"reason": "audit", "all": True}, "bad_request"),
        (admin, "/api/v1/customers/c1/erase", {"confirm": 1}, "bad_request"),
        (admin, "/api/v1/customers/c1/erase", {}, "bad_request"),
        (admin, "/api/v1/customers/c1/erase", {"confirm": "c1", "x": 1}, "bad_request"),
    ]
    for headers, path, body, code in cases:
        r = await console.http.post(path, headers=headers, json=body)
        assert r.status_code == 400, (path, body, r.text)
        error = r.json()["error"]
        assert error["code"] == code, (path, body, error)
        assert error["fields"], (path, body, error)  # every wrong field named
    r = await console.http.post(f"{chat}/close", headers=li)  # no body: the defaults
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_conversation"


async def test_openapi_shows_the_chat_bodies_and_answers(console: Console):
    spec = (await console.http.get("/docs/openapi.json")).json()
    chat = "/api/v1/conversations/{conversation_id}"
    expected = {
        ("/api/v1/agent/status", "200"): ({"status", "reason"}, {"status", "away_reason"}),
        ("/api/v1/settings/big-sale", "200"): ({"on"}, {"big_sale"}),
        (f"{chat}/messages", "201"): ({"text", "client_msg_id"}, {"seq", "duplicate"}),
        (f"{chat}/notes", "201"): ({"text"}, {"seq"}),
        (f"{chat}/transfer", "200"): ({"to_agent", "to_group", "reason", "note"}, {"seq"}),
        (f"{chat}/close", "200"): ({"resolution", "tags"}, {"status", "seq"}),
        ("/api/v1/settings/outage", "200"): ({"on", "script_zh"}, {"on", "started_at"}),
        ("/api/v1/customers/{customer_id}/erase", "200"): ({"confirm"}, {"tickets"}),
    }
    for (path, status), (body, answer) in expected.items():
        post = spec["paths"][path]["post"]
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        assert body <= set(schema["properties"]), path
        assert not {"error_codes", "default_code", "model_config"} & set(schema["properties"])
        shown = post["responses"][status]["content"]["application/json"]["schema"]
        assert answer <= set(shown["properties"]), path
    reveal = spec["paths"][f"{chat}/reveal"]["post"]["requestBody"]["content"]
    assert reveal["application/json"]["schema"]["properties"]["reason"]["maxLength"] == 200
    assert reveal["application/json"]["schema"]["required"] == ["reason"]
    ticket = spec["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]
    assert {"text", "skill_group"} <= set(ticket["application/json"]["schema"]["required"])


async def test_the_handoff_packet_is_a_documented_model_keeping_its_messages(console: Console):
    spec = (await console.http.get("/docs/openapi.json")).json()
    post = spec["paths"]["/api/v1/handoffs"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"conversation_id", "customer", "reason", "priority", "skill_group", "intents"} <= set(
        body["properties"]
    )
    assert set(body["required"]) == {"conversation_id", "customer", "reason"}
    reasons = f"reason must be one of {', '.join(REASONS)}"
    cases = [
        (
            {"customer": {"id": "u1", "vip_level": 11}},
            "invalid_customer",
            "customer.vip_level must be an integer 0-10",
            ["customer.vip_level"],
        ),
        (
            {"customer": {"id": "u1", "language": "fr"}},
            "invalid_customer",
            "customer.language must be zh, zh-Hant or en",
            ["customer.language"],
        ),
        (
            {"intents": ["greet", 3]},
            "invalid_intents",
            "each intent is {name, confidence}",
            ["intents.1"],
        ),
        (
            {"priority": "asap"},
            "invalid_priority",
            "priority must be an integer 0-10 or low|normal|high|urgent",
            ["priority"],
        ),
        (
            {"created_at": True},
            "invalid_created_at",
            "created_at must be an ISO time or a UNIX timestamp",
            ["created_at"],
        ),
        ({"reason": "bored", "summary": 5}, "invalid_reason", reasons, ["reason", "summary"]),
    ]
    for overrides, code, message, fields in cases:
        r = await console.http.post(
            "/api/v1/handoffs", headers=INTERNAL, json={**packet("pk1"), **overrides}
        )
        assert r.status_code == 400, (overrides, r.text)
        error = r.json()["error"]
        assert (error["code"], error["message"]) == (code, message), overrides
        assert [f["field"] for f in error["fields"]] == fields, overrides
    # lenient where senders rely on it: bare intent names, Rasa's entity list, named priority
    lenient = packet(
        "pk2",
        intents=["request_return"],
        entities=[{"entity": "order_id", "value": "20231120001"}],
        priority="urgent",
    )
    r = await console.http.post("/api/v1/handoffs", headers=INTERNAL, json=lenient)
    assert r.status_code in (200, 201), r.text
    stored = await console.ctx.queue.packet("pk2")
    assert stored["intents"] == [{"name": "request_return", "confidence": None}]
    assert stored["priority"] == 5 and stored["entities"]["order_id"]
