"""The handoff client against real local HTTP servers: the staff stub, a refusing server,
nothing listening. (Checked by hand against the real staff console's POST /api/v1/handoffs:
accepted. An in-process test of it is left out while that app's teardown waits on its
``kb-watcher`` thread.)"""

from __future__ import annotations

from typing import Any

from sanic import Sanic
from sanic.response import json

from actions._handoff_client import HandoffClient
from kefu.redis_server import free_port
from tests.actions.conftest import staff_stub
from tests.conftest import TEST_INTERNAL_TOKEN, unique_app_name

PACKET: dict[str, Any] = {
    "conversation_id": "conv-client-1",
    "channel": "rest",
    "customer": {"id": "demo-001", "display_name": "张晓雯", "vip_level": 3, "language": "zh"},
    "reason": "explicit_request",
    "priority": "normal",
    "skill_group": "aftersales",
    "intents": [{"name": "request_human", "confidence": 0.97}],
    "entities": {},
    "faq_tried": [],
    "summary": "客户要求转人工",
    "transcript": [{"from": "customer", "text": "转人工"}],
    "created_at": "2026-11-23T09:00:00+00:00",
}


async def test_posts_the_packet_with_the_internal_token(serve):
    received: list[dict[str, Any]] = []
    server = await serve(staff_stub(received))
    result = await HandoffClient(server.url, TEST_INTERNAL_TOKEN).send(PACKET)
    assert result.accepted and result.outcome == "queued" and result.queue_position == 1
    assert received == [PACKET]


async def test_wrong_token_is_not_accepted(serve):
    received: list[dict[str, Any]] = []
    server = await serve(staff_stub(received))
    result = await HandoffClient(server.url, "wrong").send(PACKET)
    assert not result.accepted and result.status == 401 and result.outcome == "failed"
    assert received == []


async def test_server_error_and_nothing_listening_do_not_raise(serve):
    app = Sanic(unique_app_name("staff-broken"))

    @app.post("/api/v1/handoffs")
    async def broken(request):  # type: ignore[no-untyped-def]
        return json({"error": {"code": "boom", "message": "x"}}, 503)

    server = await serve(app)
    assert (await HandoffClient(server.url, "t").send(PACKET)).error == "HTTP 503"
    down = await HandoffClient(f"http://127.0.0.1:{free_port()}", "t", timeout_s=1).send(PACKET)
    assert not down.accepted and down.error
