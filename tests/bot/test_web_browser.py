"""The web chat page and widget in a real headless Chromium (Debian's /usr/bin/chromium).

Tests marked ``rasa`` talk to the real bot (the trained model and our action server). The
mechanics tests (reconnect, history, escaping, widget) run the gateway with Rasa down: the
router's polite fallback is then the bot's turn, which is all those tests need from it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio import Redis
from sanic import Sanic
from sanic.response import html

from bot.app import create_app
from handoff.conversation import Conversations, Owner
from kefu.config import ROOT
from tests.bot.conftest import CHROMIUM, gateway_settings
from tests.conftest import unique_app_name

OUTPUT = ROOT / "test-output"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)"),
]


async def phone_page(browser: Any, locale: str = "zh-CN") -> Any:
    context = await browser.new_context(
        viewport=PHONE, locale=locale, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    return page


async def send(page: Any, text: str) -> None:
    await page.fill("#input", text)
    await page.click("#send")


async def bubbles(page: Any, who: str) -> list[str]:
    return await page.locator(f".msg.{who} .bubble").all_text_contents()


@pytest.mark.rasa
async def test_chat_page_talks_to_the_real_bot_on_a_phone(
    serve, redis_url: str, sqlite_url: str, rasa_stack, browser
):
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        rasa_url=rasa_stack.rasa_url,
        action_server_url=rasa_stack.actions_url,
        rasa_timeout_s=30,
    )
    server = await serve(create_app(settings, unique_app_name("gw-page")))
    page = await phone_page(browser)
    await page.goto(server.url + "/")
    await page.wait_for_selector("#status:has-text('在线')")
    assert await page.text_content("#send") == "发送"
    await send(page, "你好")
    await page.wait_for_selector(".msg.bot .bubble", timeout=30_000)
    assert any("您好呀" in t for t in await bubbles(page, "bot"))
    assert await bubbles(page, "customer") == ["你好"]
    OUTPUT.mkdir(exist_ok=True)
    await page.screenshot(path=str(OUTPUT / "chat-phone-390x844.png"))
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing overflows sideways on a phone
    assert page.js_errors == []


@pytest.mark.rasa
async def test_english_browser_gets_the_english_ui_and_bot(
    serve, redis_url: str, sqlite_url: str, rasa_stack, browser
):
    settings = gateway_settings(
        redis_url,
        sqlite_url,
        rasa_url=rasa_stack.rasa_url,
        action_server_url=rasa_stack.actions_url,
        rasa_timeout_s=30,
    )
    server = await serve(create_app(settings, unique_app_name("gw-page")))
    page = await phone_page(browser, locale="en-US")
    await page.goto(server.url + "/")
    assert await page.text_content("#send") == "Send"
    await send(page, "hello there")
    await page.wait_for_selector(".msg.bot .bubble", timeout=30_000)
    assert any("Hello" in t for t in await bubbles(page, "bot"))


@pytest.fixture
async def gateway_without_rasa(serve, redis_url: str, sqlite_url: str) -> Any:
    settings = gateway_settings(redis_url, sqlite_url, rasa_timeout_s=1.0)
    return await serve(create_app(settings, unique_app_name("gw-page")))


async def test_reconnect_and_reload_lose_nothing_and_double_nothing(
    gateway_without_rasa: Any, browser: Any, redis: Redis
):
    page = await phone_page(browser)
    await page.goto(gateway_without_rasa.url + "/")
    await send(page, '<img src=x onerror="window.__xss=1">订单')
    await page.wait_for_selector(".msg.system .bubble")
    conv = await page.evaluate("window.kefuChat.state().conversationId")
    conversations = Conversations(redis)

    # The connection drops; while it is down, an agent writes twice.
    await page.evaluate("window.kefuChat.drop()")
    await page.wait_for_selector("#status:has-text('重连')")
    await conversations.append(
        conv, "message", {"from": "agent", "text": "断线期间的消息1", "agent_name": "小王"}
    )
    await conversations.append(
        conv, "message", {"from": "agent", "text": "断线期间的消息2", "agent_name": "小王"}
    )
    await page.wait_for_selector(".msg.agent >> nth=1", timeout=15_000)
    # After the resume a live message still arrives once.
    await conversations.append(conv, "message", {"from": "agent", "text": "重连之后"})
    await page.wait_for_selector(".msg.agent >> nth=2")
    await asyncio.sleep(0.5)
    agent = await bubbles(page, "agent")
    assert agent == ["断线期间的消息1", "断线期间的消息2", "重连之后"]
    assert await bubbles(page, "customer") == ['<img src=x onerror="window.__xss=1">订单']
    assert await page.evaluate("window.__xss") is None
    assert await page.locator(".msg.customer img").count() == 0

    # A reload shows the same history, from the conversation id kept in localStorage.
    before = await page.locator(".msg").all_text_contents()
    await page.reload()
    await page.wait_for_selector(".msg.agent >> nth=2")
    await asyncio.sleep(0.5)
    assert await page.locator(".msg").all_text_contents() == before
    assert await page.evaluate("window.kefuChat.state().conversationId") == conv
    assert page.js_errors == []


async def test_queue_agent_name_and_csat_on_the_page(
    gateway_without_rasa: Any, browser: Any, redis: Redis
):
    page = await phone_page(browser)
    await page.goto(gateway_without_rasa.url + "/")
    await page.wait_for_selector("#status:has-text('在线')")
    conv = await page.evaluate("window.kefuChat.state().conversationId")
    conversations = Conversations(redis)
    await conversations.append(conv, "queued", {"position": 3, "eta_seconds": 240})
    await page.wait_for_selector("#queue:has-text('您前面还有 3 位，预计 4 分钟')")
    await conversations.append(conv, "queue_update", {"position": 1, "eta_seconds": 60})
    await page.wait_for_selector("#queue:has-text('您前面还有 1 位，预计 1 分钟')")
    await conversations.append(conv, "accepted", {"agent": "wang", "agent_name": "小王"})
    await page.wait_for_selector(".sys:has-text('客服 小王 为您服务')")
    assert await page.is_hidden("#queue")
    assert "小王" in await page.text_content("#title")
    await conversations.append(conv, "note", {"text": "内部备注", "internal": True})
    # a real end (a rating is taken only once the conversation has ended)
    await conversations.transition(
        conv, {Owner.BOT}, Owner.CLOSED, "closed", {"resolution": "solved"}
    )
    await page.wait_for_selector("#csat:not([hidden])")
    await page.click("#stars button[data-score='4']")
    await page.fill("#csat-comment", "回复很快")
    await page.click("#csat-send")
    await page.wait_for_selector(".sys:has-text('感谢您的评价')")
    assert "内部备注" not in await page.text_content("body")
    csat = [e for e in await conversations.events(conv) if e.type == "csat"]
    assert csat[0].data == {"score": 4, "comment": "回复很快", "channel": "web"}


async def test_widget_embeds_the_chat_on_a_shop_page(
    serve: Any, gateway_without_rasa: Any, browser: Any
):
    shop = Sanic(unique_app_name("shop-page"))
    gw = gateway_without_rasa.url

    @shop.get("/")
    async def index(_request: Any) -> Any:
        return html(
            f"<!doctype html><meta charset=utf-8><title>小店</title>"
            f"<style>button{{background:red}}</style><h1>欢迎光临</h1>"
            f'<script src="{gw}/widget.js" async></script>'
        )

    shop_server = await serve(shop)
    page = await phone_page(browser)
    await page.goto(shop_server.url + "/")
    button = page.locator("#kefu-widget").locator("button")
    await button.wait_for()
    assert await button.text_content() == "客服"
    await button.click()
    frame = page.frame_locator("#kefu-widget iframe")
    await frame.locator("#status:has-text('在线')").wait_for(timeout=15_000)
    await frame.locator("#input").fill("你好")
    await frame.locator("#send").click()
    await frame.locator(".msg.system .bubble").wait_for()
    assert await frame.locator(".msg.customer .bubble").all_text_contents() == ["你好"]
    assert page.js_errors == []


async def test_quick_reply_buttons_send_their_payload_and_show_their_title(
    gateway_without_rasa: Any, browser: Any, redis: Redis
):
    page = await phone_page(browser)
    await page.goto(gateway_without_rasa.url + "/")
    await page.wait_for_selector("#status:has-text('在线')")
    conv = await page.evaluate("window.kefuChat.state().conversationId")
    conversations = Conversations(redis)
    await conversations.append(
        conv,
        "message",
        {
            "from": "bot",
            "text": "请问您想查询哪类问题？",
            "buttons": [
                {"title": "查物流", "payload": "/track_shipment"},
                {"title": "<b>退款</b>", "payload": "/check_refund"},
            ],
        },
    )
    await page.wait_for_selector(".msg.bot .buttons button >> nth=1")
    assert await page.locator(".msg.bot .buttons button").all_text_contents() == [
        "查物流",
        "<b>退款</b>",
    ]
    await page.click(".msg.bot .buttons button >> nth=0")
    await page.wait_for_selector(".msg.customer .bubble")
    assert await bubbles(page, "customer") == ["查物流"]
    customer = [
        e
        for e in await conversations.events(conv)
        if e.type == "message" and e.data["from"] == "customer"
    ]
    # stored as people read it (bot.taps): the agent's transcript shows the title
    assert customer[0].data["text"] == "查物流"
    assert customer[0].data["payload"] == "/track_shipment"
    await page.reload()  # the customer's own page after a reload: the title again
    await page.wait_for_selector(".msg.customer .bubble")
    assert await bubbles(page, "customer") == ["查物流"]
