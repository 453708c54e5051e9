"""Fixtures for the staff-console and handoff tests: a served staff console with agents and
helpers (a plugin of ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from console.app import create_app
from tests.conftest import TEST_ADMIN_PASSWORD, TEST_INTERNAL_TOKEN, unique_app_name
from tests.console.test_staff_api import staff_settings

INTERNAL = {"Authorization": f"Bearer {TEST_INTERNAL_TOKEN}"}


class Console:
    """A running staff console plus shortcuts for the tests."""

    def __init__(self, server: Any, client: httpx.AsyncClient) -> None:
        self.server = server
        self.app = server.app
        self.http = client
        self._admin: dict[str, str] | None = None

    @property
    def ctx(self) -> Any:
        return self.app.ctx

    async def login(self, username: str, password: str) -> dict[str, str]:
        r = await self.http.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    async def admin(self) -> dict[str, str]:
        if self._admin is None:
            self._admin = await self.login("admin", TEST_ADMIN_PASSWORD)
        return self._admin

    async def agent(
        self,
        username: str,
        groups: list[str],
        capacity: int = 2,
        roles: list[str] | None = None,
        online: bool = True,
    ) -> dict[str, str]:
        r = await self.http.post(
            "/api/v1/agents",
            headers=await self.admin(),
            json={
                "username": username,
                "password": "agent-pass-123",
                "roles": roles or ["agent"],
                "skill_groups": groups,
                "capacity": capacity,
                "display_name": f"{username}名",
            },
        )
        assert r.status_code == 201, r.text
        headers = await self.login(username, "agent-pass-123")
        if online:
            r = await self.http.post(
                "/api/v1/agent/status", headers=headers, json={"status": "online"}
            )
            assert r.status_code == 200, r.text
        return headers

    async def handoff(self, conversation_id: str, **overrides: Any) -> httpx.Response:
        return await self.http.post(
            "/api/v1/handoffs", headers=INTERNAL, json=packet(conversation_id, **overrides)
        )

    async def events(self, conversation_id: str) -> list[Any]:
        return await self.ctx.conversations.events(conversation_id, 0, limit=1000)


def packet(conversation_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conversation_id": conversation_id,
        "channel": "rest",
        "customer": {
            "id": f"cust-{conversation_id}",
            "display_name": "王女士",
            "vip_level": 0,
            "language": "zh",
        },
        "reason": "explicit_request",
        "priority": 1,
        "skill_group": "aftersales",
        "intents": [{"name": "request_return", "confidence": 0.91}],
        "entities": {"order_id": "20231120001"},
        "faq_tried": [{"id": "faq-7", "question": "怎么退货", "score": 0.62}],
        "summary": "鞋子小了想换大一码，手机13812345678",
        "transcript": [
            {"from": "customer", "text": "鞋子小了能换吗"},
            {"from": "bot", "text": "可以的，请提供订单号"},
        ],
        "created_at": "2026-11-23T09:00:00+00:00",
    }
    body.update(overrides)
    return body


@pytest.fixture
async def console(serve, redis_url: str, database_url: str) -> AsyncIterator[Console]:  # type: ignore[no-untyped-def]
    settings = staff_settings(redis_url, database_url)
    server = await serve(create_app(settings, unique_app_name("staff")))
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield Console(server, client)


@pytest.fixture
async def claim_console(serve, redis_url: str, database_url: str) -> AsyncIterator[Console]:  # type: ignore[no-untyped-def]
    """A console where every group works in claim mode (agents pick chats themselves)."""
    settings = staff_settings(redis_url, database_url)
    settings.claim_groups = list(settings.skill_groups)
    server = await serve(create_app(settings, unique_app_name("staff")))
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield Console(server, client)
