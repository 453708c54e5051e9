"""``/docs`` works offline on both servers: a real Chromium that may reach nothing but
127.0.0.1 shows the API's operations (sanic-ext's own pages load Swagger UI from a CDN and stay
blank on such a network)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.app import create_app as create_gateway
from tests.bot.conftest import gateway_settings
from tests.conftest import unique_app_name
from tests.staff_console import Console

pytestmark = pytest.mark.browser


async def _operations_shown(browser: Any, url: str) -> tuple[list[str], list[str]]:
    """The operation paths Swagger UI lists at ``url``, and every request sent elsewhere."""
    context = await browser.new_context()
    outside: list[str] = []

    async def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_loopback)
    page = await context.new_page()
    await page.goto(url + "/docs")
    await page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = await page.locator(".opblock-summary-path").all_inner_texts()
    await context.close()
    return [p.replace("\u200b", "").strip() for p in paths], outside


async def test_gateway_docs_list_operations_offline(
    serve: Any, browser: Any, redis_url: str, sqlite_url: str
) -> None:
    gateway = await serve(
        create_gateway(gateway_settings(redis_url, sqlite_url), unique_app_name("docs-gw"))
    )
    paths, outside = await _operations_shown(browser, gateway.url)
    assert "/api/v1/conversations/{conversation_id}/messages" in paths
    assert "/health" in paths
    assert outside == []


async def test_staff_console_docs_list_operations_offline(console: Console, browser: Any) -> None:
    paths, outside = await _operations_shown(browser, console.server.url)
    assert "/api/v1/auth/login" in paths
    assert "/api/v1/kb/faqs" in paths
    assert outside == []


async def test_docs_serve_only_bundled_assets(console: Console) -> None:
    r = await console.http.get("/docs/assets/swagger-ui-bundle.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    r = await console.http.get("/docs/assets/..%2Fpackage.json")
    assert r.status_code == 404
    r = await console.http.get("/docs/oauth2-redirect.html")
    assert r.status_code == 200 and "oauth2" in r.text.lower()
