"""The live board in a real headless Chromium: a team lead logs in at /board, sees their group
and agent figures (labels, not codes), gets a badge when an SLA breach happens, listens in on a
chat read-only (customer HTML stays text), closes a spam chat from the queue, and reads the page
in traditional Chinese."""

from __future__ import annotations

import time

from tests.console.test_board import busy_group
from tests.console.test_console_browser import ARGS, CHROMIUM, XSS, pytestmark  # noqa: F401
from tests.staff_console import Console


async def test_lead_watches_the_board_live(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    await busy_group(c)  # li holds busy-1 at full load
    await c.ctx.conversations.append("busy-1", "message", {"from": "customer", "text": XSS})
    await c.handoff("wait-1")
    await c.handoff("spam-1")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await page.goto(c.server.url + "/board")
        await page.fill("#login-user", "zhang")
        await page.fill("#login-pass", "agent-pass-123")
        await page.click("#login-btn")
        group = page.locator("#groups tr[data-group='aftersales']")
        await expect(group.locator(".g-name")).to_have_text("售后")
        await expect(group.locator(".g-waiting")).to_have_text("2")
        await expect(group.locator(".g-assigned")).to_have_text("1")
        li = page.locator("#agents tr[data-agent='li']")
        await expect(li.locator(".a-status")).to_have_text("在线")
        await expect(li.locator(".a-load")).to_have_text("1/1")
        await expect(page.locator("#groups tr")).to_have_count(2)  # header + their one group

        # an SLA breach while the board is open: a badge and a line in the alerts
        await expect(page.locator("#alert-badge")).to_have_text("0")
        await c.ctx.sla.check(now=time.time() + 7200)
        # the next snapshot (every second) carries it; a loaded CI machine may take longer
        await expect(page.locator("#alert-badge")).not_to_have_text("0", timeout=30000)
        await expect(page.locator("#alerts li").first).to_contain_text("首响超时")
        await expect(page.locator("#breaches .breach").first).to_contain_text("组长")

        # listen in on li's chat: the customer's HTML is text, nothing runs
        await li.locator(".listen-btn").click()
        await expect(page.locator("#listen-messages .msg.customer")).to_have_text(XSS)
        assert await page.evaluate("window.__pwned") is None
        await c.ctx.conversations.append(
            "busy-1", "message", {"from": "customer", "text": "还在吗"}
        )
        await expect(page.locator("#listen-messages .msg.customer").last).to_have_text("还在吗")

        # close a spam chat from the queue
        spam = page.locator(".queue-item[data-id='spam-1']")
        await spam.locator(".spam-btn").click()
        await expect(spam).to_have_count(0, timeout=10000)
        assert (await c.ctx.conversations.state("spam-1")).owner.value == "closed"

        await page.select_option("#lang-select", "zh-Hant")
        await expect(page.locator("h3[data-i18n='breach_list']")).to_have_text("超時升級記錄")
        await browser.close()


async def test_an_agent_is_told_the_board_is_for_leads(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    await c.agent("li", ["aftersales"], online=False)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await page.goto(c.server.url + "/board")
        await page.fill("#login-user", "li")
        await page.fill("#login-pass", "agent-pass-123")
        await page.click("#login-btn")
        await expect(page.locator("#flash")).to_have_text("看板只对组长、主管和管理员开放")
        await browser.close()


async def test_admin_switches_modes_and_manages_accounts(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    await c.agent("li", ["aftersales"], online=False)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await page.goto(c.server.url + "/board")
        await page.fill("#login-user", "admin")
        await page.fill("#login-pass", "admin-password-123")
        await page.click("#login-btn")
        await expect(page.locator("#switches")).to_be_visible()

        await page.check("#big-sale-on")
        await expect(page.locator("#big-sale")).to_contain_text("开", timeout=10000)
        assert await c.ctx.queue.big_sale() is True
        await page.fill("#outage-zh", "系统升级中，预计30分钟恢复")
        await page.check("#outage-on")
        await expect(page.locator("#switch-note")).to_have_text("已保存")
        state = await c.ctx.outage.state()
        assert state.on and state.script_zh == "系统升级中，预计30分钟恢复"

        # accounts: labels, not codes; disable li; create xiaoma in 售后
        li = page.locator("#account-table tr[data-account='li']")
        await expect(li.locator(".acc-roles")).to_contain_text("客服")
        await li.locator(".acc-active").uncheck()
        await li.locator(".acc-capacity").fill("5")
        await li.locator(".acc-save").click()
        await expect(page.locator("#flash")).to_have_text("已保存")
        await page.fill("#new-user", "xiaoma")
        await page.fill("#new-name", "小马")
        await page.fill("#new-pass", "xiaoma-pass-1")
        await page.locator("#new-groups label", has_text="售后").locator("input").check()
        await page.click("#new-btn")
        await expect(page.locator("#account-table tr[data-account='xiaoma']")).to_be_visible()
        await browser.close()
    r = await c.http.get("/api/v1/agents", headers=await c.admin())
    accounts = {a["username"]: a for a in r.json()["agents"]}
    assert (accounts["li"]["active"], accounts["li"]["capacity"]) == (False, 5)
    assert (accounts["xiaoma"]["roles"], accounts["xiaoma"]["skill_groups"]) == (
        ["agent"],
        ["aftersales"],
    )
