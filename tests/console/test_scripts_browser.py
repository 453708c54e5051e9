"""The scripts library editor (/console/scripts.html) in a real headless Chromium: a team lead
adds a script for their group — an unknown variable is refused with a message that names it and
the variables there are, a variable chip inserts a real one — sees shared scripts read-only,
and reads the page in traditional Chinese; an agent is told the page is for leads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.script_models import CannedReply
from tests.console.test_canned_browser import add
from tests.console.test_console_browser import ARGS, CHROMIUM, XSS, pytestmark  # noqa: F401
from tests.console.test_join_browser import login
from tests.staff_console import Console


async def test_a_lead_edits_their_groups_scripts(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    boss = await c.agent("boss", [], roles=["supervisor"], online=False)
    await add(c, boss, title_zh="共用开场", text_zh=XSS)
    await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    await c.agent("li", ["aftersales"], online=False)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await login(page, c.server.url + "/console/scripts.html", "zhang")
        shared = page.locator("#scripts tr.script", has_text="共用开场")
        await expect(shared.locator(".s-group")).to_have_text("所有组共用")
        await expect(shared.locator(".s-text-zh")).to_have_text(XSS)  # text, never HTML
        await expect(shared.locator(".edit-btn")).to_have_count(0)
        assert await page.evaluate("window.__pwned") is None

        await page.click("#new-btn")
        await expect(page.locator("#f-group option")).to_have_text(["售后"])
        await page.fill("#f-scenario_zh", "物流")
        await page.fill("#f-scenario_en", "Delivery")
        await page.fill("#f-title_zh", "催件")
        await page.fill("#f-title_en", "Chasing the parcel")
        await page.fill("#f-text_zh", "{name}您好，已为您催件")
        await page.fill("#f-text_en", "We have chased the courier for you.")
        await page.click("#save-btn")
        await expect(page.locator("#form-error")).to_have_text(
            "“中文话术”里有未知变量 name，可用变量：{customer_name} {order_id} {agent_name}"
        )
        await page.fill("#f-text_zh", "您好，已为您催件")
        await page.locator("#f-text_zh").focus()
        await page.keyboard.press("Home")
        await page.click(".var-chip[data-var='customer_name']")
        await expect(page.locator("#f-text_zh")).to_have_value("{customer_name}您好，已为您催件")
        await page.click("#save-btn")
        row = page.locator("#scripts tr.script", has_text="催件")
        await expect(row.locator(".s-group")).to_have_text("售后")
        await expect(row.locator(".edit-btn")).to_be_visible()
        async with AsyncSession(c.ctx.engine) as session:
            saved = await session.scalar(select(CannedReply).where(CannedReply.title_zh == "催件"))
        assert saved is not None and saved.skill_group == "aftersales"
        assert (saved.text_zh, saved.updated_by) == ("{customer_name}您好，已为您催件", "zhang")

        await page.fill("#filter-text", "催件")
        await expect(page.locator("#scripts tr.script")).to_have_count(1)
        await page.select_option("#lang-select", "zh-Hant")
        await expect(page.locator("h1")).to_have_text("話術庫")
        await expect(row.locator(".s-title")).to_have_text("催件")

        agent = await browser.new_page(locale="zh-CN")
        await login(agent, c.server.url + "/console/scripts.html", "li")
        await expect(agent.locator("#flash")).to_have_text("话术库由组长、主管和管理员编辑")
        await browser.close()
