"""The agent console's scripts picker (话术库) in a real headless Chromium: "/" at the start of
the reply box lists the canned replies the agent may use (their group's and shared ones, the
big-sale set first while it is on), typing filters by title / text / scenario, ↑/↓ and Enter
insert one with the variables filled from the conversation in the customer's language, Escape
closes the list."""

from __future__ import annotations

from typing import Any

from kefu.i18n import to_traditional
from tests.console.test_console_browser import ARGS, CHROMIUM, pytestmark  # noqa: F401
from tests.staff_console import Console

PICKUP = "{customer_name}您好，已为订单{order_id}预约上门取件，我是{agent_name}。"


async def add(c: Console, headers: dict[str, str], **fields: Any) -> None:
    body = {
        "script_set": "normal",
        "skill_group": "",
        "scenario_zh": "售后",
        "scenario_en": "After-sales",
        "title_en": "Pick-up",
        "text_en": "Hi {customer_name}, a courier will pick up order {order_id}.",
        **fields,
    }
    r = await c.http.post("/api/v1/scripts", headers=headers, json=body)
    assert r.status_code == 201, r.text


async def test_slash_opens_a_searchable_list_of_canned_replies(claim_console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = claim_console
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    await add(c, boss, title_zh="预约上门取件", text_zh=PICKUP)
    await add(
        c, boss, skill_group="aftersales", title_zh="取件改期", text_zh="取件时间可以改到明天。"
    )
    await add(c, boss, skill_group="presale", title_zh="预售取件", text_zh="预售商品暂不支持取件。")
    await add(c, boss, script_set="big_sale", title_zh="大促发货", text_zh="大促期间48小时内发出。")
    r = await c.http.post("/api/v1/settings/big-sale", headers=boss, json={"on": True})
    assert r.status_code == 200, r.text
    await c.agent("li", ["aftersales"], capacity=3)
    assert (await c.handoff("slash-1")).json()["status"] == "queued"
    hant = {"display_name": "王女士", "id": "c-2", "vip_level": 0, "language": "zh-Hant"}
    assert (await c.handoff("slash-2", customer=hant)).json()["status"] == "queued"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await page.goto(c.server.url + "/console")
        await page.fill("#login-user", "li")
        await page.fill("#login-pass", "agent-pass-123")
        await page.click("#login-btn")
        await page.locator(".queue-item[data-id='slash-1']").click()
        await page.click("#accept-btn")
        await expect(page.locator(".my-chat[data-id='slash-1']")).to_be_visible()
        box = page.locator("#reply-text")
        await box.focus()
        await page.keyboard.type("/")
        items = page.locator("#canned-list .canned-item")
        await expect(page.locator("#canned-pick")).to_be_visible()
        # the big-sale set is on: its reply comes first, marked
        await expect(items.first).to_contain_text("大促发货")
        await expect(items.first.locator(".canned-set")).to_have_text("大促")
        everything = await items.count()

        # by title: the shared one and the agent's group's, never another group's
        await page.keyboard.type("取件")
        await expect(items).to_have_count(2)
        await expect(page.locator("#canned-list")).not_to_contain_text("预售取件")
        await page.keyboard.press("ArrowDown")
        await expect(items.nth(1)).to_have_class("canned-item active")
        await page.keyboard.press("Enter")
        await expect(box).to_have_value("取件时间可以改到明天。")
        await expect(page.locator("#canned-pick")).to_be_hidden()

        # by scenario and text, every word; variables filled from the conversation
        await page.fill("#reply-text", "")
        await page.keyboard.type("/售后 上门")
        await expect(items).to_have_count(1)
        await expect(items.first).to_contain_text("王女士您好，已为订单20231120001预约上门取件")
        await page.keyboard.press("Enter")
        await expect(box).to_have_value("王女士您好，已为订单20231120001预约上门取件，我是li名。")

        await page.fill("#reply-text", "")
        await page.keyboard.type("/")
        await expect(items).to_have_count(everything)
        await page.keyboard.press("Escape")
        await expect(page.locator("#canned-pick")).to_be_hidden()

        # a traditional-Chinese customer gets the text in traditional characters (OpenCC)
        await page.locator(".queue-item[data-id='slash-2']").click()
        await page.click("#accept-btn")
        await expect(page.locator(".my-chat[data-id='slash-2']")).to_be_visible()
        await expect(page.locator("#conv-title")).to_contain_text("slash-2 · ")  # opened
        await expect(page.locator("#accept-btn")).to_be_hidden()  # accepted: re-rendered
        await page.fill("#reply-text", "")
        await box.focus()
        await page.keyboard.type("/预约")
        await expect(items).to_have_count(1)
        await expect(page.locator("#canned-pick")).to_be_visible()
        await page.keyboard.press("Enter")
        filled = PICKUP.format(customer_name="王女士", order_id="20231120001", agent_name="li名")
        await expect(box).to_have_value(
            to_traditional(PICKUP).format(
                customer_name="王女士", order_id="20231120001", agent_name="li名"
            )
        )
        assert to_traditional(filled) != filled
        await browser.close()
