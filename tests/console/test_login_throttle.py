"""Login throttling: 5 failures per account in 15 minutes → 429 with Retry-After (backing off,
never a permanent lockout), 50 failures per client address; a success clears the account."""

from __future__ import annotations

import time

import httpx

from console.login_throttle import LoginThrottle, account_key, delay_after
from tests.conftest import TEST_ADMIN_PASSWORD
from tests.console.test_staff_api import staff  # noqa: F401  # the served staff console

LOGIN = "/api/v1/auth/login"


async def test_five_failures_then_429_even_with_the_right_password(staff: httpx.AsyncClient):  # noqa: F811
    for _ in range(5):
        r = await staff.post(LOGIN, json={"username": "admin", "password": "wrong-guess"})
        assert r.status_code == 401, r.text
    r = await staff.post(LOGIN, json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
    assert r.status_code == 429, r.text
    assert r.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(r.headers["Retry-After"]) <= 30
    # another account from the same address is not locked out by it
    r = await staff.post(LOGIN, json={"username": "someone", "password": "wrong-guess"})
    assert r.status_code == 401


async def test_the_wait_backs_off_and_expires(staff: httpx.AsyncClient, redis_url: str):  # noqa: F811
    from redis.asyncio import Redis

    redis = Redis.from_url(redis_url)
    throttle = LoginThrottle(redis)
    try:
        # seven failures, the last one 31 s ago: the 30 s wait after five has passed, but after
        # seven it is 120 s — still waiting; never more than the 15-minute window
        now = time.time()
        await redis.zadd(account_key("admin"), {repr(now - 40 - i): now - 40 - i for i in range(6)})
        await redis.zadd(account_key("admin"), {repr(now - 31): now - 31})
        r = await staff.post(LOGIN, json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
        assert r.status_code == 429
        assert 80 <= int(r.headers["Retry-After"]) <= 90
        assert [delay_after(n) for n in (4, 5, 6, 7)] == [0, 30, 60, 120]
        assert delay_after(100) == 15 * 60
        # once the failures are older than the window the account logs in again
        await redis.delete(account_key("admin"))
        old = now - 16 * 60
        await redis.zadd(account_key("admin"), {repr(old - i): old - i for i in range(20)})
        r = await staff.post(LOGIN, json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
        assert r.status_code == 200, r.text
        await throttle.check("admin", "127.0.0.1")  # a success cleared the account
    finally:
        await redis.aclose()


async def test_fifty_failures_from_one_address_are_429(staff: httpx.AsyncClient):  # noqa: F811
    for i in range(50):
        r = await staff.post(LOGIN, json={"username": f"user{i}", "password": "wrong-guess"})
        assert r.status_code == 401, (i, r.text)
    r = await staff.post(LOGIN, json={"username": "admin", "password": TEST_ADMIN_PASSWORD})
    assert r.status_code == 429, r.text
    assert int(r.headers["Retry-After"]) > 0


async def test_failures_count_against_the_forwarded_address_only_via_a_trusted_proxy(
    serve, redis_url: str, database_url: str, redis
):
    from console.app import create_app
    from console.login_throttle import address_key
    from tests.conftest import unique_app_name
    from tests.console.test_staff_api import staff_settings

    for trusted, counted in (("", "127.0.0.1"), ("127.0.0.1/32", "203.0.113.7")):
        settings = staff_settings(redis_url, database_url)
        settings.trusted_proxies = trusted
        server = await serve(create_app(settings, unique_app_name("staff-proxy")))
        async with httpx.AsyncClient(base_url=server.url) as client:
            r = await client.post(
                LOGIN,
                json={"username": "admin", "password": "wrong-password"},
                headers={"X-Forwarded-For": "203.0.113.7"},
            )
        assert r.status_code == 401
        assert await redis.zcard(address_key(counted)) == 1, trusted
        await redis.flushdb()
