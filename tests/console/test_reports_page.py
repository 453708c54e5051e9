"""The report API and page: a seeded history in the real SQL database; the figures the API and
the page show equal those counted straight from the facts; exports are logged; bad input is a
clear 400. The page runs in a real headless Chromium (charts are rendered SVG)."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.history import seed_history
from handoff.models import ConversationFact
from kefu.redis_client import sync_client
from knowledge_base.live import UNANSWERED_KEY
from tests.console.test_console_browser import ARGS, CHROMIUM
from tests.staff_console import Console

TZ = "Asia/Shanghai"


async def facts_of_yesterday(c: Console) -> tuple[int, int]:
    """(conversations, contained: no person owned or asked for, not unsolved/ticket/abandoned)
    of yesterday in the shop's timezone, by SQL."""
    today = datetime.now(ZoneInfo(TZ)).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = (today - timedelta(days=1)).astimezone(UTC), today.astimezone(UTC)
    in_day = (ConversationFact.ended_at >= start, ConversationFact.ended_at < end)
    async with AsyncSession(c.ctx.engine) as session:
        total = await session.scalar(select(func.count()).where(*in_day))
        contained = await session.scalar(
            select(func.count()).where(
                *in_day,
                ConversationFact.bot_only.is_(True),
                ConversationFact.handoff_reason.is_(None),
                ConversationFact.resolution.not_in(["unsolved", "ticket", "abandoned"]),
            )
        )
    return int(total or 0), int(contained or 0)


async def test_report_api_figures_exports_and_bad_input(console: Console, database_url: str):
    c = console
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    agent = await c.agent("li", ["aftersales"], online=False)
    seed_history(database_url, days=3, per_day=60)
    total, contained = await facts_of_yesterday(c)
    assert total > 0
    r = await c.http.get("/api/v1/reports", params={"period": "day"}, headers=lead)
    assert r.status_code == 200, r.text
    figures = r.json()["figures"]
    assert figures["conversations"] == total
    assert figures["containment_rate"] == round(contained / total, 4)

    r = await c.http.get(
        "/api/v1/reports/export", params={"period": "week", "format": "xlsx"}, headers=lead
    )
    assert r.status_code == 200 and r.content[:2] == b"PK"
    entries = await c.ctx.audit.entries(action="report_exported")
    assert [(e["actor"], e["details"]["format"]) for e in entries] == [("zhang", "xlsx")]

    future = (datetime.now(ZoneInfo(TZ)) + timedelta(days=2)).date().isoformat()
    for params, code in [
        ({"period": "year"}, "invalid_period"),
        ({"period": "day", "date": "31/12/2026"}, "invalid_date"),
        ({"period": "day", "date": future}, "future_period"),
        ({"period": "day", "format": "pdf"}, "invalid_format"),
        ({"period": "day", "lang": "fr"}, "invalid_lang"),
    ]:
        path = (
            "/api/v1/reports/export"
            if "format" in params or "lang" in params
            else ("/api/v1/reports")
        )
        r = await c.http.get(path, params=params, headers=lead)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, (params, r.text)
    r = await c.http.get("/api/v1/reports", headers=agent)
    assert r.status_code == 403


def yesterday_noon() -> float:
    today = datetime.now(ZoneInfo(TZ)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today - timedelta(hours=12)).timestamp()


def record_unanswered_questions(redis_url: str) -> None:
    """What the action server records (knowledge_base.live.record_unanswered), at known times:
    five ways of one question and one other yesterday, one the day before (not yesterday's)."""
    noon = yesterday_noon()
    asked = [
        ("怎么修改收货地址", noon), ("怎么修改收货地址", noon + 60),
        ("怎么修改收货地址", noon + 120), ("怎么修改收货地址呢", noon + 180),
        ("如何修改收货地址", noon + 240), ("能开专票吗 电话13812345678", noon + 300),
        ("<b>周末发货吗</b>", noon - 86400),
    ]  # fmt: skip
    client = sync_client(redis_url)
    for q, at in asked:
        client.lpush(UNANSWERED_KEY, json.dumps({"q": q, "reason": "low_score", "at": at}))
    client.close()


async def first_contact_of_yesterday(c: Console) -> float:
    today = datetime.now(ZoneInfo(TZ)).replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = (today - timedelta(days=1)).astimezone(UTC), today.astimezone(UTC)
    async with AsyncSession(c.ctx.engine) as session:
        facts = (
            await session.scalars(
                select(ConversationFact).where(
                    ConversationFact.ended_at >= start, ConversationFact.ended_at < end
                )
            )
        ).all()
    customers = [f for f in facts if f.customer_id]
    first = [
        f
        for f in customers
        if not f.recontacted and f.resolution not in ("unsolved", "abandoned", "ticket")
    ]
    return round(len(first) / len(customers), 4)


async def test_report_shows_first_contact_resolution_and_unanswered_clusters(
    console: Console, database_url: str, redis_url: str
) -> None:
    c = console
    lead = await c.agent("zhang", ["aftersales"], roles=["team_lead"], online=False)
    seed_history(database_url, days=3, per_day=60)
    record_unanswered_questions(redis_url)
    r = await c.http.get("/api/v1/reports", params={"period": "day"}, headers=lead)
    assert r.status_code == 200, r.text
    figures = r.json()["figures"]
    assert figures["first_contact_resolution_rate"] == await first_contact_of_yesterday(c)
    asked = figures["unanswered"]
    assert asked["questions"] == 6 and not asked["partial"]
    assert asked["clusters"][0] == {"example": "怎么修改收货地址", "count": 5, "questions": 3}
    assert asked["clusters"][1]["example"] == "能开专票吗 电话138****5678"  # masked
    before = r.json()["previous"]["figures"]["unanswered"]
    assert before["clusters"] == [{"example": "<b>周末发货吗</b>", "count": 1, "questions": 1}]
    r = await c.http.get(
        "/api/v1/reports/export", params={"period": "day", "format": "html"}, headers=lead
    )
    assert "怎么修改收货地址" in r.text and "13812345678" not in r.text
    assert "一次解决率" in r.text
    r = await c.http.get(
        "/api/v1/reports/export",
        params={"period": "day", "format": "xlsx", "lang": "en"},
        headers=lead,
    )
    sheet = load_workbook(io.BytesIO(r.content))["unanswered"]
    assert [c.value for c in sheet[2]] == ["怎么修改收货地址", 5, 3]


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")
async def test_report_page_shows_charts_and_the_facts_figures(
    console: Console, database_url: str, redis_url: str
) -> None:
    from playwright.async_api import async_playwright, expect

    c = console
    await c.agent("boss", [], roles=["supervisor"], online=False)
    seed_history(database_url, days=3, per_day=60)
    record_unanswered_questions(redis_url)
    total, contained = await facts_of_yesterday(c)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(locale="zh-CN")
        await page.add_init_script("localStorage.setItem('kefu.lang', 'zh');")
        await page.goto(c.server.url + "/reports")
        await page.fill("#login-user", "boss")
        await page.fill("#login-pass", "agent-pass-123")
        await page.click("#login-btn")
        summary = page.locator("#report table.summary")
        await expect(summary).to_be_visible(timeout=20000)
        row: Any = summary.locator("tr", has_text="会话量")
        await expect(row.locator("td").nth(1)).to_have_text(str(total))
        row = summary.locator("tr", has_text="机器人独立解决率")
        await expect(row.locator("td").nth(1)).to_have_text(f"{contained / total * 100:.1f}%")
        row = summary.locator("tr", has_text="一次解决率")
        fcr = await first_contact_of_yesterday(c)
        await expect(row.locator("td").nth(1)).to_have_text(f"{fcr * 100:.1f}%")
        asked = page.locator("#report table.unanswered tbody tr").first
        await expect(asked.locator("td").nth(0)).to_have_text("怎么修改收货地址")
        await expect(asked.locator("td").nth(1)).to_have_text("5")
        assert await page.locator("#report .chart svg").count() == 4
        box = await page.locator("#chart-volume_by_hour svg").bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
        # the future is refused with a clear message
        future = (datetime.now(ZoneInfo(TZ)) + timedelta(days=2)).date().isoformat()
        await page.fill("#date", future)
        await page.click("#show-btn")
        await expect(page.locator("#flash")).to_contain_text("has not come yet")
        await browser.close()
