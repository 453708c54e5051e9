"""Staff console: login, roles, accounts, health — real server, Redis and SQL."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from pydantic import SecretStr

from console.app import create_app
from console.settings import StaffSettings
from kefu.redis_server import free_port
from tests.conftest import (
    TEST_ADMIN_PASSWORD,
    TEST_INTERNAL_TOKEN,
    TEST_JWT_SECRET,
    unique_app_name,
)


def staff_settings(redis_url: str, database_url: str) -> StaffSettings:
    dead = f"http://127.0.0.1:{free_port()}"
    return StaffSettings(
        redis_url=redis_url,
        database_url=database_url,
        admin_password=SecretStr(TEST_ADMIN_PASSWORD),
        jwt_secret=SecretStr(TEST_JWT_SECRET),
        rasa_url=dead,
        action_server_url=dead,
        internal_token=SecretStr(TEST_INTERNAL_TOKEN),
        background_tasks=False,  # tests drive the worker with tick() to stay deterministic
    )


@pytest.fixture
async def staff(serve, redis_url: str, database_url: str):  # type: ignore[no-untyped-def]
    server = await serve(
        create_app(staff_settings(redis_url, database_url), unique_app_name("staff"))
    )
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    r = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def test_first_admin_logs_in_and_creates_an_agent(staff: httpx.AsyncClient):
    admin = await login(staff, "admin", TEST_ADMIN_PASSWORD)
    r = await staff.post(
        "/api/v1/agents",
        headers=admin,
        json={
            "username": "xiaoli",
            "password": "secret-pass-1",
            "roles": ["agent"],
            "skill_groups": ["presale"],
            "capacity": 4,
            "display_name": "小李",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["skill_groups"] == ["presale"]
    assert "password" not in r.text and "hash" not in r.text
    agent = await login(staff, "xiaoli", "secret-pass-1")
    # an agent may not create accounts
    r = await staff.post(
        "/api/v1/agents",
        headers=agent,
        json={"username": "x2", "password": "secret-pass-2", "roles": ["admin"]},
    )
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    # the same username twice
    r = await staff.post(
        "/api/v1/agents",
        headers=admin,
        json={"username": "xiaoli", "password": "secret-pass-1", "roles": ["agent"]},
    )
    assert r.status_code == 409


@pytest.mark.parametrize("password", ["wrong-password", ""])
async def test_wrong_login_is_401(staff: httpx.AsyncClient, password: str):
    r = await staff.post("/api/v1/auth/login", json={"username": "admin", "password": password})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_login"
    r = await staff.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert r.status_code == 401


async def test_expired_and_forged_tokens_are_refused(staff: httpx.AsyncClient):
    expired = jwt.encode(
        {"sub": "admin", "roles": ["admin"], "exp": int(time.time()) - 5},
        TEST_JWT_SECRET,
        algorithm="HS256",
    )
    r = await staff.post("/api/v1/agents", headers={"Authorization": f"Bearer {expired}"}, json={})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "token_expired"
    forged = jwt.encode(
        {"sub": "admin", "roles": ["admin"], "exp": int(time.time()) + 60},
        "another-secret-entirely-0123456789abcdef",
        algorithm="HS256",
    )
    r = await staff.post("/api/v1/agents", headers={"Authorization": f"Bearer {forged}"}, json={})
    assert r.status_code == 401


async def test_invalid_account_fields_are_400(staff: httpx.AsyncClient):
    admin = await login(staff, "admin", TEST_ADMIN_PASSWORD)
    for body, code in [
        ({"username": "a b", "password": "long-enough", "roles": ["agent"]}, "invalid_username"),
        ({"username": "ab", "password": "short", "roles": ["agent"]}, "weak_password"),
        ({"username": "ab", "password": "long-enough", "roles": ["king"]}, "invalid_roles"),
        (
            {"username": "ab", "password": "long-enough", "roles": ["agent"], "capacity": -1},
            "invalid_capacity",
        ),
    ]:
        r = await staff.post("/api/v1/agents", headers=admin, json=body)
        assert r.status_code == 400, body
        assert r.json()["error"]["code"] == code


async def test_health_reports_each_dependency(staff: httpx.AsyncClient):
    r = await staff.get("/health")
    assert r.status_code == 503
    report = r.json()
    assert report["ready"] is False and len(report["missing"]) == 2
    assert report["service"] == "staff_console"
    deps = report["dependencies"]
    assert deps["redis"]["status"] == "ok"
    assert deps["sql"]["status"] == "ok"
    assert deps["rasa"]["status"] == "down"
    assert deps["action_server"]["status"] == "down"
    assert report["status"] == "degraded"
