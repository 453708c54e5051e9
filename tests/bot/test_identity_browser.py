"""A shop page with the widget tells kefu who is logged in (``kefu('setUser', …)`` with the
hash the shop's server signed), in a real headless Chromium. Tests marked ``rasa`` talk to the
real bot and action server, whose shop database holds the demo shop."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from pydantic import SecretStr
from sanic import Sanic
from sanic.response import html

from bot.app import create_app
from kefu.identity import identity_hash
from shop.demo import seed_shop
from tests.bot.conftest import CHROMIUM, gateway_settings
from tests.bot.test_web_browser import phone_page
from tests.conftest import unique_app_name

SECRET = "browser-identity-secret-0123456789"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)"),
]


def signed(customer_id: str, name: str) -> dict[str, Any]:
    expires = int(time.time()) + 3600
    return {
        "customer_id": customer_id,
        "name": name,
        "hash": identity_hash(SECRET, customer_id, expires),
        "expires": expires,
    }


async def shop_page(serve: Any, gw: str, user: dict[str, Any] | None) -> str:
    """The shop's page: the widget, and (when logged in) the identity its server signed."""
    shop = Sanic(unique_app_name("shop-page"))
    call = f"kefu('setUser', {json.dumps(user)});" if user else ""

    @shop.get("/")
    async def index(_request: Any) -> Any:
        return html(
            "<!doctype html><meta charset=utf-8><title>小店</title><h1>欢迎光临</h1>"
            "<script>window.kefu=window.kefu||function(){(kefu.q=kefu.q||[]).push(arguments)};"
            f"{call}</script>"
            f'<script src="{gw}/widget.js" async></script>'
        )

    return str((await serve(shop)).url)


async def ask(page: Any, text: str, replies: int = 1) -> list[str]:
    frame = page.frame_locator("#kefu-widget iframe")
    await frame.locator("#input").fill(text)
    await frame.locator("#send").click()
    bot = frame.locator(".msg.bot .bubble")
    await bot.nth(replies - 1).wait_for(timeout=60_000)
    return list(await bot.all_text_contents())


async def open_widget(page: Any, url: str) -> Any:
    await page.goto(url + "/")
    await page.locator("#kefu-widget").locator("button").click()
    frame = page.frame_locator("#kefu-widget iframe")
    await frame.locator("#status:has-text('在线')").wait_for(timeout=15_000)
    return frame


@pytest.fixture
async def real_gateway(serve, redis_url: str, sqlite_url: str, rasa_stack) -> Any:  # type: ignore[no-untyped-def]
    seed_shop(rasa_stack.database_url)
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        rasa_url=rasa_stack.rasa_url,
        action_server_url=rasa_stack.actions_url,
        rasa_timeout_s=30,
        identity_secret=SecretStr(SECRET),
    )
    return await serve(create_app(settings, unique_app_name("gw-identity-page")))


@pytest.mark.rasa
async def test_a_signed_in_customer_gets_their_orders_status(serve, real_gateway, browser):
    url = await shop_page(serve, real_gateway.url, signed("demo-001", "张晓雯"))
    page = await phone_page(browser)
    await open_widget(page, url)
    texts = await ask(page, "帮我查一下订单20231120002的状态")
    assert any("20231120002" in t and "仓库正在为您打包" in t for t in texts), texts
    assert page.js_errors == []


@pytest.mark.rasa
async def test_a_tampered_hash_stays_anonymous_and_is_asked_to_log_in(serve, real_gateway, browser):
    forged = {**signed("demo-001", "张晓雯"), "hash": "0" * 64}
    url = await shop_page(serve, real_gateway.url, forged)
    page = await phone_page(browser)
    await open_widget(page, url)
    texts = await ask(page, "帮我查一下订单20231120002的状态")
    assert any("登录" in t for t in texts), texts
    assert not any("羊毛大衣" in t or "仓库正在为您打包" in t for t in texts)


async def test_logout_forgets_the_conversation_on_a_shared_computer(
    serve, redis_url: str, sqlite_url: str, browser
):
    settings = gateway_settings(
        redis_url, sqlite_url, rasa_timeout_s=1.0, identity_secret=SecretStr(SECRET)
    )
    gw = await serve(create_app(settings, unique_app_name("gw-logout")))
    url = await shop_page(serve, gw.url, signed("demo-001", "张晓雯"))
    page = await phone_page(browser)
    frame = await open_widget(page, url)
    await frame.locator("#input").fill("我的订单")
    await frame.locator("#send").click()
    await frame.locator(".msg.system .bubble").first.wait_for()
    state = page.frames[-1]
    before = await state.evaluate("window.kefuChat.state()")
    assert before["customerId"] == "demo-001"
    await page.evaluate("kefu('logout')")
    # Polled from here: Playwright's wait_for_function re-evaluates a string predicate with
    # eval() inside the page, which the chat page's CSP (script-src 'self') rightly refuses.
    after = before
    for _ in range(200):
        after = await state.evaluate("window.kefuChat.state()")
        if after["conversationId"] and after["conversationId"] != before["conversationId"]:
            break
        await asyncio.sleep(0.05)
    assert after["conversationId"] and after["conversationId"] != before["conversationId"]
    assert after["customerId"].startswith("web-")
    assert await frame.locator(".msg.customer .bubble").count() == 0  # nothing of theirs shown
    assert page.js_errors == []
