"""The QA page in a real headless Chromium: a QA inspector opens a flagged conversation from the
queue (the customer's HTML stays text, the phone number masked), scores it against the rubric
(a fail), then the agent logs in, sees the score with its rectification item and appeals once."""

from __future__ import annotations

import os
import re

import pytest

from tests.console.test_console_browser import ARGS, CHROMIUM, XSS
from tests.staff_console import Console

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


async def _login(page: object, url: str, user: str) -> None:
    await page.goto(url + "/console/qa.html")  # type: ignore[attr-defined]
    await page.fill("#login-user", user)  # type: ignore[attr-defined]
    await page.fill("#login-pass", "agent-pass-123")  # type: ignore[attr-defined]
    await page.click("#login-btn")  # type: ignore[attr-defined]


async def test_inspector_scores_and_the_agent_appeals(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    from tests.qa.helpers import closed_chat

    c = console
    li = await c.agent("li", ["aftersales"])
    await c.agent("insp", [], roles=["qa"], online=False)
    await closed_chat(c, "qa-web", li, XSS + " 电话13812345678", ["不知道，你自己看"])
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await _login(page, c.server.url, "insp")
        row = page.locator("#queue-table tr[data-conversation='qa-web']")
        await expect(row).to_contain_text("禁语/冷漠用语「不知道」", timeout=20000)
        await expect(row).to_contain_text("缺少问候语")
        await expect(row).to_contain_text("待评分")
        await row.locator("button").click()
        transcript = page.locator("#d-transcript")
        await expect(transcript).to_contain_text("<script>window.__pwned = 1</script>")
        await expect(transcript).not_to_contain_text("13812345678")
        assert await page.evaluate("window.__pwned") is None
        await expect(page.locator("#rubric-table")).to_contain_text("问候")
        for key, value in {
            "greeting": 0,
            "accuracy": 6,
            "attitude": 2,
            "forbidden": 0,
            "resolution": 8,
            "speed": 10,
        }.items():
            await page.fill(f"#pt-{key}", str(value))
        await page.fill("#cm-forbidden", "说了“不知道”")
        await page.click("#score-btn")
        # 0 + 15 + 4 + 0 + 16 + 10 = 45: a fail
        await expect(page.locator("#score-summary")).to_contain_text("总分 45")
        await expect(page.locator("#score-summary")).to_contain_text("不合格")
        await page.click("#logout-btn")

        await _login(page, c.server.url, "li")
        mine = page.locator("#mine-table tr[data-conversation='qa-web']")
        await expect(mine).to_contain_text("45", timeout=20000)
        await expect(mine).to_contain_text("未申诉")
        await page.click("#tabs button[data-tab='rect']")
        await expect(page.locator("#rect-table")).to_contain_text("待确认")
        await page.click("#tabs button[data-tab='mine']")
        await mine.locator("button").click()
        await expect(page.locator("#pt-forbidden")).to_have_value("0")
        await page.fill("#appeal-reason", "客户先辱骂，我已按流程处理")
        await page.click("#appeal-btn")
        await expect(page.locator("#flash")).to_have_text("申诉已提交")
        await expect(mine).to_contain_text("申诉待处理")
        await expect(page.locator("#appeal-box")).to_be_hidden()
        assert not await page.locator("#tabs button[data-tab='queue']").is_visible()
        await browser.close()
    r = await c.http.get("/api/v1/qa/my-scores", headers=await c.login("li", "agent-pass-123"))
    assert r.json()["items"][0]["review"]["appeal"]["reason"] == "客户先辱骂，我已按流程处理"


async def test_supervisor_edits_the_phrases_and_the_rubric(console: Console) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    await c.agent("boss", [], roles=["supervisor"], online=False)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="en-US")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'en');")
        await _login(page, c.server.url, "boss")
        await page.click("#tabs button[data-tab='setup']")
        phrases = page.locator("#s-forbidden_phrases")
        await expect(phrases).to_have_value(re.compile("不归我管"), timeout=20000)
        await expect(page.locator("#s-sample_rate")).to_have_value("20")
        await phrases.fill("不知道\n随便你")
        await page.fill("#s-sample_rate", "30")
        await page.click("#settings-save")
        await expect(page.locator("#flash")).to_have_text("Saved")
        # a new rubric item whose weights no longer add up to 100 is refused, clearly
        await page.click("#rubric-add")
        last = page.locator("#rubric-edit .rubric-row").last
        await last.locator("input[data-field='key']").fill("empathy")
        await last.locator("input[data-field='zh']").fill("共情")
        await last.locator("input[data-field='en']").fill("Empathy")
        await last.locator("input[data-field='weight']").fill("10")
        await page.click("#rubric-save")
        await expect(page.locator("#flash")).to_contain_text("add up to 100")
        speed = page.locator("#rubric-edit .rubric-row").nth(5)
        await expect(speed.locator("input[data-field='key']")).to_have_value("speed")
        await speed.locator("button").click()  # speed (10) out, empathy (10) in
        await page.click("#rubric-save")
        await expect(page.locator("#flash")).to_have_text("Saved v2")
        await browser.close()
    settings = (await c.http.get("/api/v1/qa/settings", headers=await c.admin())).json()
    assert settings["forbidden_phrases"] == ["不知道", "随便你"]
    assert settings["sample_rate"] == 0.3
    rubric = (await c.http.get("/api/v1/qa/rubric", headers=await c.admin())).json()
    assert [i["key"] for i in rubric["items"]][-1] == "empathy"
    assert "speed" not in [i["key"] for i in rubric["items"]]
