"""In a real headless Chromium: (1) a shop's product page tells the widget which product the
customer is looking at (``kefu('setProduct', …)``); the agent sees it with the handed-off chat,
its title as text in a link that opens a new tab without a way back to the console. (2) A
signed-in customer whose last conversation ended and left Redis reads it again, read-only, on a
new device, and writing starts a new one; an anonymous visitor sees nothing of it. Real gateway,
staff console, Redis and SQL (Rasa is down: the customer's messages are still stored)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import SecretStr
from sanic import Sanic
from sanic.response import html

from bot.app import create_app
from kefu import redis_keys as keys
from tests.bot.conftest import CHROMIUM, gateway_settings
from tests.bot.test_identity_browser import SECRET, open_widget, signed
from tests.bot.test_web_browser import phone_page
from tests.conftest import unique_app_name
from tests.staff_console import Console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)"),
]
TITLE = '羊毛大衣 <img src=x onerror="window.__pwned = 1">'


async def shop_site(serve: Any, gw: str, user: dict[str, Any] | None, product: bool) -> str:
    """The shop: a product page with the widget (and the product it shows), and the page the
    product link leads to."""
    shop = Sanic(unique_app_name("shop-site"))
    holder: dict[str, str] = {}

    @shop.get("/")
    async def index(_request: Any) -> Any:
        calls = f"kefu('setUser', {json.dumps(user)});" if user else ""
        if product:
            item = {"id": "SKU-1001", "title": TITLE, "url": holder["url"] + "/p/1001"}
            calls += f"kefu('setProduct', {json.dumps({**item, 'price': '¥599'})});"
        calls = calls.replace("</", "<\\/")  # inside <script>: no closing tag
        return html(
            "<!doctype html><meta charset=utf-8><title>小店</title><h1>羊毛大衣</h1>"
            "<script>window.kefu=window.kefu||function(){(kefu.q=kefu.q||[]).push(arguments)};"
            f"{calls}</script>"
            f'<script src="{gw}/widget.js" async></script>'
        )

    @shop.get("/p/1001")
    async def item_page(_request: Any) -> Any:
        return html("<!doctype html><meta charset=utf-8><title>SKU-1001</title><p>羊毛大衣</p>")

    holder["url"] = str((await serve(shop)).url)
    return holder["url"]


async def write(frame: Any, text: str, replies: int) -> None:
    """Send a message and wait for the ``replies``-th system answer (Rasa is down: 'busy')."""
    await frame.locator("#input").fill(text)
    await frame.locator("#send").click()
    await frame.locator("#log > .msg.system .bubble").nth(replies - 1).wait_for(timeout=15_000)


async def test_the_agent_sees_the_product_page_the_customer_came_from(
    serve: Any, redis_url: str, database_url: str, console: Console, browser: Any
):
    c = console
    settings = gateway_settings(redis_url, database_url, rasa_timeout_s=1.0)
    gw = await serve(create_app(settings, unique_app_name("gw-product")))
    url = await shop_site(serve, gw.url, None, product=True)
    page = await phone_page(browser)
    frame = await open_widget(page, url)
    await write(frame, "这件有货吗", 1)
    chat = page.frames[-1]
    state = await chat.evaluate("window.kefuChat.state()")
    conv = state["conversationId"]

    await c.agent("li", ["presale"], capacity=3, online=False)
    desk = await (await browser.new_context(locale="zh-CN")).new_page()
    desk_errors: list[str] = []
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    await desk.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
    await desk.goto(c.server.url + "/console")
    await desk.fill("#login-user", "li")
    await desk.fill("#login-pass", "agent-pass-123")
    await desk.click("#login-btn")
    await desk.wait_for_selector("#app:not(.hidden)")
    await desk.select_option("#status-select", "online")
    await desk.wait_for_selector("#load:has-text('0/3')")
    # what the action server posts for 转人工: no product of its own
    customer = {"id": state["customerId"], "display_name": "", "language": "zh"}
    r = await c.handoff(conv, channel="web", customer=customer, skill_group="presale")
    assert r.status_code in (200, 201) and r.json()["agent"] == "li", r.text

    await desk.click(f".my-chat[data-id='{conv}']")
    link = desk.locator("#packet .packet-product a")
    await link.wait_for(timeout=15_000)
    assert await link.inner_text() == TITLE  # the title as text, never markup
    assert await link.get_attribute("href") == url + "/p/1001"
    assert await link.get_attribute("target") == "_blank"
    assert "noopener" in (await link.get_attribute("rel") or "").split()
    assert await desk.locator("#packet img").count() == 0
    assert "SKU-1001" in await desk.inner_text("#packet .packet-product")
    assert "咨询商品：羊毛大衣" in await desk.inner_text("#packet .packet-summary")
    async with desk.expect_popup() as opened:
        await link.click()
    tab = await opened.value
    await tab.wait_for_load_state()
    assert await tab.title() == "SKU-1001"
    assert await tab.evaluate("window.opener === null")  # no way back to the console
    assert await desk.evaluate("window.__pwned === undefined")
    assert desk_errors == [] and page.js_errors == []


async def test_a_signed_customer_reads_their_ended_chat_on_a_new_device(
    serve: Any, redis_url: str, database_url: str, browser: Any
):
    settings = gateway_settings(
        redis_url, database_url, rasa_timeout_s=1.0, identity_secret=SecretStr(SECRET)
    )
    gw = await serve(create_app(settings, unique_app_name("gw-archive-page")))
    url = await shop_site(serve, gw.url, signed("demo-001", "张晓雯"), product=False)
    laptop = await phone_page(browser)
    await write(await open_widget(laptop, url), "上次那件大衣的尺码问题", 1)
    old = (await laptop.frames[-1].evaluate("window.kefuChat.state()"))["conversationId"]
    await laptop.context.close()
    assert await gw.app.ctx.endings.close(old)  # ended and archived …
    await gw.app.ctx.redis.delete(
        keys.conv_state(old), keys.conv_events(old), keys.conv_packet(old)
    )  # … and its Redis keys expired

    phone = await phone_page(browser)  # a new device
    frame = await open_widget(phone, url)
    archived = frame.locator("#log > .archived")
    await archived.wait_for(timeout=15_000)
    assert "上次那件大衣的尺码问题" in await archived.locator(".msg.customer .bubble").inner_text()
    assert "本次会话已结束" in await archived.locator(".archived-note").inner_text()
    assert await archived.locator("button, input, textarea").count() == 0  # read-only
    await write(frame, "我想再问一下退货", 1)
    now = await phone.frames[-1].evaluate("window.kefuChat.state()")
    assert now["conversationId"] != old and now["customerId"] == "demo-001"
    assert await frame.locator("#log > .msg.customer .bubble").all_text_contents() == [
        "我想再问一下退货"
    ]
    state = await gw.app.ctx.conversations.state(now["conversationId"])
    assert state.customer_id == "demo-001"
    assert (await gw.app.ctx.conversations.state(old)).seq == 0  # the old one stays ended

    stranger = await phone_page(browser)  # anonymous on another computer
    visitor = await open_widget(stranger, await shop_site(serve, gw.url, None, product=False))
    await write(visitor, "你好", 1)  # by its reply every frame of its hello has arrived
    assert await visitor.locator(".archived").count() == 0
    assert "大衣" not in await visitor.locator("#log").inner_text()
    assert phone.js_errors == [] and stranger.js_errors == []
