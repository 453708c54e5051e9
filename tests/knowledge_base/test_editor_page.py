"""The editor page in a real headless Chromium: create, edit similar questions, preview (the
bot's own decision step), publish, history, diff, rollback — and FAQ text that looks like HTML
stays text."""

from __future__ import annotations

import os
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


async def test_editor_workflow_in_a_browser(editor_app: Any, serve: Any) -> None:
    from playwright.async_api import async_playwright, expect

    app, headers = editor_app
    server = await serve(app)
    token = headers("editor")["Authorization"].removeprefix("Bearer ")
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script(
            f"sessionStorage.setItem('kefu.token', '{token}');"
            "localStorage.setItem('kefu.lang', 'zh');"
        )
        page.on("dialog", lambda dialog: dialog.accept())
        await page.goto(server.url + "/kb")
        await expect(page.locator("#app")).to_be_visible()

        # create two FAQs, one whose text looks like HTML
        await page.click("#new-faq")
        await page.fill("#f-id", "ret-1")
        await page.fill("#f-question", "怎么申请退货")
        await page.fill("#f-similar", "退货流程是什么\n我想退货")
        await page.fill("#f-answer", "<b>在订单里</b>点申请售后")
        await page.click("#save")
        await expect(page.locator("#status")).to_contain_text("ret-1")
        await page.click("#new-faq")
        await page.fill("#f-id", "xss")
        await page.fill("#f-question", "<img src=x onerror=window.__xss=1>发票怎么开")
        await page.fill("#f-similar", "能开发票吗")
        await page.fill("#f-answer", "<script>window.__xss=2</script>在订单详情申请")
        await page.click("#save")
        await expect(page.locator("#status")).to_contain_text("xss")
        item = page.locator("#faq-list li[data-id=xss]")
        await expect(item).to_contain_text("<img src=x onerror=window.__xss=1>")
        assert await page.locator("#faq-list img").count() == 0

        # publish version 1 and preview what the bot would answer
        await page.click("#publish")
        await expect(page.locator("#versions li[data-version='1']")).to_be_visible()
        hits = page.locator("#preview-hits li")
        for _ in range(100):  # the live searcher builds version 1 in the background
            await page.fill("#preview-q", "退貨要怎麼弄")
            await page.click("#preview-form button")
            await page.wait_for_timeout(200)
            if await hits.count():
                break
        # The bot's own decision step answers, in the traditional characters the customer reads.
        await expect(hits.first).to_contain_text("怎麼申請退貨")
        await expect(hits.first).to_contain_text("<b>在訂單裡</b>")
        reply = page.locator("#preview-decision blockquote")
        await expect(reply).to_have_text("<b>在訂單裡</b>點申請售後")
        await expect(page.locator("#preview-decision")).to_contain_text("直接回答")
        assert await page.locator("#preview-decision b").count() == 0

        # edit the similar questions, publish version 2, look at the diff
        published = page.locator("#faq-list li[data-id=ret-1] .badge.published")
        await expect(published).to_be_visible()  # the list was re-drawn after publishing
        await page.click("#faq-list li[data-id=ret-1]")
        await expect(page.locator("#f-similar")).to_have_value("退货流程是什么\n我想退货")
        await page.fill("#f-similar", "退货流程是什么\n我想退货\n东西怎么寄回去")
        await page.click("#save")
        await expect(page.locator("#f-status")).to_have_text("draft")
        await page.click("#publish")
        await page.click("#versions li[data-version='2'] button.diff")
        await expect(page.locator("#diff")).to_contain_text("东西怎么寄回去")

        # roll back to version 1: a new version 3 with the old content
        await page.click("#versions li[data-version='1'] button.rollback")
        await expect(page.locator("#versions li[data-version='3']")).to_be_visible()
        await expect(published).to_be_visible()
        await page.click("#faq-list li[data-id=ret-1]")
        await expect(page.locator("#f-similar")).to_have_value("退货流程是什么\n我想退货")

        assert await page.evaluate("window.__xss") is None
        await browser.close()
