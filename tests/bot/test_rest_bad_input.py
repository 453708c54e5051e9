"""Bad query input to the REST events endpoint is a 400, never a 500 (issue 15's list)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.app import create_app
from tests.bot.conftest import gateway_settings
from tests.bot.test_web_ws import hello, recv, ws_url
from tests.conftest import TEST_API_KEY, unique_app_name


@pytest.fixture
async def gw(serve, redis_url: str, sqlite_url: str):  # type: ignore[no-untyped-def]
    return await serve(create_app(gateway_settings(redis_url, sqlite_url), unique_app_name("gw")))


@pytest.mark.parametrize(
    "query",
    ["after=" + "9" * 40, "wait=nan", "wait=inf", "after=" + "9" * 5000, "wait=-1"],
)
async def test_bad_after_and_wait_are_400(gw: Any, query: str):
    async with httpx.AsyncClient(base_url=gw.url, timeout=10) as http:
        r = await http.get(
            f"/api/v1/conversations/rest-1/events?{query}",
            headers={"Authorization": f"Bearer {TEST_API_KEY}"},
        )
    assert r.status_code == 400, r.text


async def test_a_lone_surrogate_in_a_message_or_csat_comment_is_refused(gw: Any):
    from websockets.asyncio.client import connect

    headers = {"Authorization": f"Bearer {TEST_API_KEY}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=gw.url, timeout=10) as http:
        r = await http.post(
            "/api/v1/conversations/rest-2/messages",
            content=b'{"text": "\\ud800", "customer_id": "c-1"}',
            headers=headers,
        )
        assert r.status_code == 400, r.text
        r = await http.post(
            "/api/v1/conversations/rest-2/csat",
            content=b'{"score": 5, "comment": "\\udfff"}',
            headers=headers,
        )
        assert r.status_code == 400, r.text
    async with connect(ws_url(gw)) as ws:
        await hello(ws)
        await ws.send('{"type": "message", "text": "\\ud800", "cid": "s1"}')
        assert (await recv(ws))["code"] == "invalid_text"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await recv(ws))["type"] == "pong"  # the connection lives on
