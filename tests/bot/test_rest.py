"""The REST channel through a real gateway server, real Redis and SQL, and (marked ``rasa``)
the real Rasa model and action server."""

from __future__ import annotations

import httpx
import pytest

from bot.app import create_app
from tests.bot.conftest import gateway_settings
from tests.conftest import TEST_API_KEY, unique_app_name

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


@pytest.fixture
async def gateway(serve, redis_url: str, sqlite_url: str):  # type: ignore[no-untyped-def]
    server = await serve(create_app(gateway_settings(redis_url, sqlite_url), unique_app_name("gw")))
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


async def test_missing_or_wrong_api_key_is_401_with_error_shape(gateway: httpx.AsyncClient):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        r = await gateway.post(
            "/api/v1/conversations/c1/messages", json={"text": "你好"}, headers=headers
        )
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "malformed_json"),
        (b"[1, 2]", 400, "bad_request"),
        (b"", 400, "bad_request"),
        (b'{"customer_id": "u1"}', 400, "missing_text"),
        (b'{"text": 42}', 400, "missing_text"),
        (b'{"text": "   "}', 400, "empty_text"),
        (b'{"text": "hi", "lang": "fr"}', 400, "invalid_lang"),
        (b'{"text": "hi", "lang": 7}', 400, "invalid_lang"),
        (b'{"text": "hi", "customer_id": 12345}', 400, "invalid_customer_id"),
        (b'{"text": "hi", "customer_id": "' + b"c" * 129 + b'"}', 400, "invalid_customer_id"),
        (b'{"text": "' + "好".encode() * 4001 + b'"}', 413, "text_too_long"),
    ],
)
async def test_bad_bodies_get_clear_4xx(
    gateway: httpx.AsyncClient, body: bytes, status: int, code: str
):
    r = await gateway.post(
        "/api/v1/conversations/c1/messages",
        content=body,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


async def test_the_message_body_and_answer_are_documented(gateway: httpx.AsyncClient):
    spec = (await gateway.get("/docs/openapi.json")).json()
    post = spec["paths"]["/api/v1/conversations/{conversation_id}/messages"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {"text", "customer_id", "lang"} <= set(body)
    assert body["customer_id"]["anyOf"][0]["maxLength"] == 128
    answer = post["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert {"conversation_id", "owner", "replies", "queue"} <= set(answer)


async def test_body_over_the_size_limit_is_413(gateway: httpx.AsyncClient):
    r = await gateway.post(
        "/api/v1/conversations/c1/messages",
        content=b'{"text": "' + b"a" * 200_000 + b'"}',
        headers=AUTH,
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


async def test_invalid_conversation_id_is_400(gateway: httpx.AsyncClient):
    r = await gateway.post(
        "/api/v1/conversations/a%20b%3Cscript%3E/messages", json={"text": "hi"}, headers=AUTH
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_conversation_id"


async def test_unknown_route_is_json_404(gateway: httpx.AsyncClient):
    r = await gateway.get("/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_rasa_down_gives_polite_fallback_and_keeps_the_message(gateway: httpx.AsyncClient):
    r = await gateway.post(
        "/api/v1/conversations/c-down/messages",
        json={"text": "我的订单怎么还没发货", "customer_id": "u1"},
        headers=AUTH,
    )
    assert r.status_code == 200
    body = r.json()
    assert body["owner"] == "bot"
    assert body["replies"][0]["from"] == "system"
    assert "系统繁忙" in body["replies"][0]["text"]

    r = await gateway.post(
        "/api/v1/conversations/c-down-en/messages",
        json={"text": "where is my parcel"},
        headers=AUTH,
    )
    assert "busy" in r.json()["replies"][0]["text"]

    events = (await gateway.get("/api/v1/conversations/c-down/events", headers=AUTH)).json()
    kinds = [(e["type"], e.get("from")) for e in events["events"]]
    assert kinds == [("message", "customer"), ("message", "system")]
    assert events["events"][0]["text"] == "我的订单怎么还没发货"

    r = await gateway.get("/health")
    assert r.status_code == 503  # not ready: it names what is missing
    health = r.json()
    assert health["status"] == "degraded" and health["ready"] is False
    assert [m.split(":")[0] for m in health["missing"]] == ["rasa", "action_server"]
    deps = health["dependencies"]
    assert deps["redis"]["status"] == "ok"
    assert deps["sql"]["status"] == "ok"
    assert deps["rasa"]["status"] == "down"
    assert deps["action_server"]["status"] == "down"


async def test_events_long_poll_validates_and_waits(gateway: httpx.AsyncClient):
    r = await gateway.get("/api/v1/conversations/c2/events?after=x", headers=AUTH)
    assert r.status_code == 400
    r = await gateway.get("/api/v1/conversations/c2/events?after=0&wait=0.2", headers=AUTH)
    assert r.status_code == 200
    assert r.json()["events"] == []


async def test_openapi_docs_are_served(gateway: httpx.AsyncClient):
    spec = (await gateway.get("/docs/openapi.json")).json()
    assert "/api/v1/conversations/{conversation_id}/messages" in spec["paths"]
    assert (await gateway.get("/docs")).status_code == 200


async def _gateway_on_real_rasa(serve, redis_url: str, sqlite_url: str, rasa_stack):  # type: ignore[no-untyped-def]
    """A gateway in front of the trained model's Rasa server and the action server."""
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        rasa_url=rasa_stack.rasa_url,
        action_server_url=rasa_stack.actions_url,
    )
    return await serve(create_app(settings, unique_app_name("gw")))


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [("你好", None, "您好呀"), ("hello there", None, "Hello"), ("您好，在嗎", None, "您好呀")],
)
async def test_greeting_through_real_rasa_and_action_server(
    serve,
    redis_url: str,
    sqlite_url: str,
    rasa_stack,
    text: str,
    lang: str | None,
    expected: str,
):
    server = await _gateway_on_real_rasa(serve, redis_url, sqlite_url, rasa_stack)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        conv = f"greet-{abs(hash(text))}"
        r = await client.post(
            f"/api/v1/conversations/{conv}/messages",
            json={"text": text, "customer_id": "c-9", "lang": lang},
            headers=AUTH,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["owner"] == "bot"
        assert body["queue"] is None
        assert any(expected in reply["text"] for reply in body["replies"]), body
        assert all(reply["from"] == "bot" for reply in body["replies"])

        r = await client.get("/health")
        health = r.json()
        assert r.status_code == 200 and health["status"] == "ok", health
        assert health["ready"] is True and health["missing"] == []


async def test_long_poll_waits_longer_than_the_redis_socket_timeout(
    gateway: httpx.AsyncClient, redis_url: str
):
    """A long poll of 7 s outlives redis-py's default 5 s socket timeout and still returns."""
    r = await gateway.get("/api/v1/conversations/c3/events?after=0&wait=7", headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["events"] == []


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("csat", {"score": "5"}, "invalid_csat"),
        ("csat", {"score": 4.5}, "invalid_csat"),
        ("csat", {"score": 6}, "invalid_csat"),
        ("csat", {"comment": "好"}, "invalid_csat"),
        ("csat", {"score": 5, "comment": ["好"]}, "invalid_csat"),
        ("csat", {"score": 5, "comment": "长" * 1001}, "invalid_csat"),
        ("leave-message", {"text": 3}, "empty_text"),
        ("leave-message", {"customer_id": "u1"}, "empty_text"),
        ("leave-message", {"text": "   "}, "empty_text"),
        ("leave-message", {"text": "回电话", "customer_id": 7}, "invalid_customer_id"),
        ("leave-message", {"text": "回电话", "customer_id": "c" * 129}, "invalid_customer_id"),
    ],
)
async def test_csat_and_leave_message_bodies_are_checked(
    gateway: httpx.AsyncClient, path: str, body: dict[str, object], code: str
):
    r = await gateway.post(f"/api/v1/conversations/c1/{path}", json=body, headers=AUTH)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == code


async def test_csat_and_leave_message_take_an_integrations_own_fields(
    gateway: httpx.AsyncClient,
):
    """As the message: an unknown field is ignored, so the request gets past its body (to a
    conversation that does not exist, so nothing to rate, nobody waiting)."""
    r = await gateway.post(
        "/api/v1/conversations/c2/csat", json={"score": 5, "order_ref": "x"}, headers=AUTH
    )
    assert (r.status_code, r.json()["error"]["code"]) == (404, "not_found")
    r = await gateway.post(
        "/api/v1/conversations/c2/leave-message",
        json={"text": "回电话", "order_ref": "x"},
        headers=AUTH,
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "not_waiting")


async def test_csat_and_leave_message_bodies_are_documented(gateway: httpx.AsyncClient):
    spec = (await gateway.get("/docs/openapi.json")).json()
    for path, body, required, answer in [
        ("csat", {"score", "comment"}, ["score"], {"conversation_id", "seq"}),
        ("leave-message", {"text", "customer_id"}, ["text"], {"conversation_id", "ticket_id"}),
    ]:
        post = spec["paths"][f"/api/v1/conversations/{{conversation_id}}/{path}"]["post"]
        schema = post["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == body and schema["required"] == required, path
        shown = post["responses"]["201"]["content"]["application/json"]["schema"]
        assert answer <= set(shown["properties"]), path


async def test_stop_waiting_is_documented(gateway: httpx.AsyncClient):
    spec = (await gateway.get("/docs/openapi.json")).json()
    post = spec["paths"]["/api/v1/conversations/{conversation_id}/stop-waiting"]["post"]
    assert "not_waiting" in post["description"]
    shown = post["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert {"conversation_id", "owner", "ticket_id", "text", "seq"} <= set(shown)


@pytest.mark.rasa
async def test_without_a_customer_id_an_order_question_asks_to_log_in(
    serve, redis_url: str, sqlite_url: str, rasa_stack
):
    # A REST sender the integration names no customer for is a visitor, not a customer whose
    # order 20231120002 "is not in your account" (untrue: they have no account here).
    server = await _gateway_on_real_rasa(serve, redis_url, sqlite_url, rasa_stack)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        replies = {}
        for conv, who in (("anon-order", None), ("named-order", "c-unknown-7")):
            body = {"text": "帮我看下20231120002到哪了", "customer_id": who}
            r = await client.post(f"/api/v1/conversations/{conv}/messages", json=body, headers=AUTH)
            assert r.status_code == 200, r.text
            replies[conv] = " ".join(reply["text"] for reply in r.json()["replies"])
    assert "登录" in replies["anon-order"] and "您的账户下" not in replies["anon-order"]
    assert "您的账户下" in replies["named-order"]
