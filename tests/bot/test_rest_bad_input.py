"""Bad query input to the REST events endpoint is a 400, never a 500 (issue 15's list)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.app import create_app
from tests.bot.conftest import gateway_settings
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
