"""What the bot promises when a person is needed is true: the actions against the real staff
console (real Redis and SQL). Nobody online → a ticket exists before the reply, and the reply
names it; a complaint is a ticket whoever is online; asking again reuses the open ticket."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from actions._services import set_services
from actions.complaint import ActionFileComplaint
from actions.handoff import ActionRequestHuman
from console.app import create_app
from kefu.db import make_async_engine
from shop.demo import seed_shop
from tests.actions.conftest import _services, tracker
from tests.actions.test_flows import run
from tests.conftest import TEST_ADMIN_PASSWORD, unique_app_name
from tests.console.test_staff_api import staff_settings


class Staff:
    def __init__(self, server: Any, http: httpx.AsyncClient) -> None:
        self.server, self.http = server, http

    async def login(self, username: str, password: str) -> dict[str, str]:
        r = await self.http.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    async def supervisor(self) -> dict[str, str]:
        admin = await self.login("admin", TEST_ADMIN_PASSWORD)
        r = await self.http.post(
            "/api/v1/agents",
            headers=admin,
            json={
                "username": "sup",
                "password": "sup-pass-1234",
                "roles": ["supervisor"],
                "skill_groups": ["aftersales", "complaints"],
            },
        )
        assert r.status_code == 201, r.text
        return await self.login("sup", "sup-pass-1234")

    async def online_agent(self, group: str) -> None:
        admin = await self.login("admin", TEST_ADMIN_PASSWORD)
        r = await self.http.post(
            "/api/v1/agents",
            headers=admin,
            json={"username": "li", "password": "agent-pass-123", "skill_groups": [group]},
        )
        assert r.status_code == 201, r.text
        li = await self.login("li", "agent-pass-123")
        r = await self.http.post("/api/v1/agent/status", headers=li, json={"status": "online"})
        assert r.status_code == 200, r.text


@pytest.fixture
async def staff(serve, redis_url: str, database_url: str, knowledge) -> AsyncIterator[Staff]:  # type: ignore[no-untyped-def]
    seed_shop(database_url)
    server = await serve(
        create_app(staff_settings(redis_url, database_url), unique_app_name("staff"))
    )
    engine = make_async_engine(database_url)
    set_services(_services(database_url, server.url, engine, knowledge))
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        yield Staff(server, http)
    set_services(None)
    await engine.dispose()


def ticket_number(text: str) -> int:
    found = re.search(r"工单 (\d+)", text)
    assert found, text
    return int(found.group(1))


async def test_nobody_online_the_reply_names_a_ticket_that_exists(staff: Staff):
    _, texts, _ = await run(
        ActionRequestHuman(), tracker("转人工 我的鞋子尺码不对", intent="request_human")
    )
    number = ticket_number(texts[-1])
    assert "前处理并联系您" in texts[-1]
    sup = await staff.supervisor()
    tickets = (await staff.http.get("/api/v1/tickets?status=open", headers=sup)).json()["tickets"]
    assert [t["id"] for t in tickets] == [number]
    assert tickets[0]["conversation_id"] == "conv-test-1"
    assert "鞋子尺码不对" in tickets[0]["text"]

    # The customer asks again: the same open ticket, not a second one.
    _, again, _ = await run(ActionRequestHuman(), tracker("人呢 转人工", intent="request_human"))
    assert ticket_number(again[-1]) == number
    tickets = (await staff.http.get("/api/v1/tickets", headers=sup)).json()["tickets"]
    assert len(tickets) == 1


async def test_english_customer_hears_the_ticket_too(staff: Staff):
    _, texts, _ = await run(
        ActionRequestHuman(), tracker("human please", intent="request_human", lang="en")
    )
    assert re.search(r"ticket (\d+)", texts[-1]) and "contact you by" in texts[-1]


async def test_a_complaint_is_a_ticket_even_when_an_agent_is_online(staff: Staff):
    await staff.online_agent("complaints")
    _, texts, _ = await run(
        ActionFileComplaint(), tracker("我要投诉 快递员态度太差了", intent="file_complaint")
    )
    assert texts[0].startswith("非常抱歉")  # apologise first
    number = ticket_number(texts[-1])
    assert "转接人工客服" in texts[-1]
    sup = await staff.supervisor()
    tickets = (await staff.http.get("/api/v1/tickets", headers=sup)).json()["tickets"]
    assert [t["id"] for t in tickets] == [number]
    assert tickets[0]["skill_group"] == "complaints"


async def test_staff_console_down_promises_nothing(services_staff_down):
    _, texts, _ = await run(ActionRequestHuman(), tracker("转人工", intent="request_human"))
    assert "工单" not in texts[-1] and "记录" not in texts[-1]
    assert "稍后再回复" in texts[-1]
