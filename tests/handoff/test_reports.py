"""Service reports: periods in KEFU_TIMEZONE, figures equal to those worked out by hand from
facts written to the real SQL database, the previous period beside, HTML with charts and XLSX,
bad input (unknown period, bad or future date, empty period)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.models import ConversationFact, Ticket
from handoff.report_render import to_html, to_xlsx
from handoff.reports import period_of, report, resolve_period
from handoff.ticket_models import TicketFollowup
from kefu.errors import ApiError

TZ = "Asia/Shanghai"
NOW = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)  # Friday 15:00 in Shanghai
DAY = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 on Thursday 3 December, Shanghai


def test_periods_are_the_last_full_ones_in_the_shops_timezone() -> None:
    day = resolve_period("day", TZ, now=NOW)
    assert (day.label, day.start, day.end) == (
        "2026-12-03",
        datetime(2026, 12, 2, 16, tzinfo=UTC),
        datetime(2026, 12, 3, 16, tzinfo=UTC),
    )
    week = resolve_period("week", TZ, now=NOW)
    assert (week.label, week.start) == ("2026-W48", datetime(2026, 11, 22, 16, tzinfo=UTC))
    assert week.end - week.start == timedelta(days=7)
    month = resolve_period("month", TZ, now=NOW)
    assert (month.label, month.previous(TZ).label) == ("2026-11", "2026-10")
    assert resolve_period("week", TZ, "2026-01-01", now=NOW).label == "2026-W01"
    assert period_of("month", date(2026, 3, 31), TZ).previous(TZ).label == "2026-02"


@pytest.mark.parametrize(
    ("period", "on", "code"),
    [
        ("year", None, "invalid_period"),
        ("day", "2026-13-01", "invalid_date"),
        ("day", "tomorrow", "invalid_date"),
        ("day", "2026-12-05", "future_period"),
        ("month", "2027-01-01", "future_period"),
    ],
)
def test_bad_periods_are_refused_clearly(period: str, on: str | None, code: str) -> None:
    with pytest.raises(ApiError) as caught:
        resolve_period(period, TZ, on, now=NOW)
    assert (caught.value.status, caught.value.code) == (400, code)


def fact(n: int, **fields: Any) -> ConversationFact:
    values: dict[str, Any] = {
        "conversation_id": f"f-{n}",
        "channel": "web",
        "started_at": DAY,
        "ended_at": DAY + timedelta(minutes=10),
        "intents": ["ask_faq"],
        "bot_only": True,
        "resolution": "solved",
    }
    values.update(fields)
    return ConversationFact(**values)


def month_of_facts() -> list[Any]:
    human: dict[str, Any] = {"bot_only": False, "skill_group": "aftersales"}
    return [
        fact(1, faq_ids=["faq-1"], rating=5),
        fact(2, faq_ids=["faq-1"], resolution="unknown"),
        fact(3, resolution="unsolved", rating=2, channel="wechat"),
        fact(4, started_at=DAY + timedelta(hours=3), faq_ids=["faq-2"]),
        fact(
            5,
            **human,
            handoff_reason="explicit_request",
            agent="li",
            first_response_s=10.0,
            rating=4,
            intents=["request_return"],
        ),
        fact(
            6,
            **human,
            handoff_reason="explicit_request",
            agent="li",
            first_response_s=30.0,
            resolution="unsolved",
            intents=["request_return"],
            channel="rest",
        ),
        fact(
            7,
            **human,
            handoff_reason="complaint",
            agent="wang",
            first_response_s=4000.0,
            rating=1,
            intents=["file_complaint"],
        ),
        fact(
            8,
            **human,
            handoff_reason="explicit_request",
            agent="wang",
            first_response_s=50.0,
            resolution="ticket",
        ),
        # the day before: the previous period of a day report
        fact(9, started_at=DAY - timedelta(days=1), ended_at=DAY - timedelta(days=1)),
        # another month: in no report below
        fact(10, started_at=DAY - timedelta(days=40), ended_at=DAY - timedelta(days=40)),
        Ticket(
            conversation_id="f-8",
            text="x",
            skill_group="aftersales",
            created_at=DAY,
            due_at=DAY + timedelta(hours=1),
            status="open",
        ),
        Ticket(
            conversation_id="f-7",
            text="y",
            skill_group="complaints",
            created_at=DAY,
            due_at=DAY + timedelta(days=1),
            closed_at=DAY + timedelta(hours=2),
            status="closed",
        ),
    ]


async def test_day_figures_equal_the_ones_worked_out_by_hand(async_engine: Any) -> None:
    async with AsyncSession(async_engine) as session:
        session.add_all(month_of_facts())
        await session.commit()
    period = period_of("day", date(2026, 12, 3), TZ)
    got = await report(async_engine, period, TZ, {"aftersales": 60.0})
    f = got["figures"]
    assert f["conversations"] == 8
    assert f["volume_by_hour"][10] == 7 and f["volume_by_hour"][13] == 1  # local hours
    assert sum(f["volume_by_hour"]) == 8
    assert f["volume_by_channel"] == {"rest": 1, "web": 6, "wechat": 1}
    # containment: bot-only and not "unsolved" = f-1, f-2, f-4 of 8
    assert f["containment_rate"] == 0.375
    assert f["handoff_rate"] == 0.5
    assert f["handoffs_by_reason"] == {"explicit_request": 3, "complaint": 1}
    # resolution: solved of those who answered solved/unsolved: f-1, f-4, f-5, f-7 of 6
    assert f["resolution_rate"] == round(4 / 6, 4)
    assert f["complaint_rate"] == 0.125
    assert f["first_response"] == {
        "aftersales": {
            "count": 4,
            "p50_s": 30.0,
            "p90_s": 4000.0,
            "sla_target_s": 60.0,
            "within_sla_rate": 0.75,
        }
    }
    sat = f["satisfaction"]
    assert sat["bot"] == {"bot": {"rated": 2, "average": 3.5, "satisfied_rate": 0.5}}
    assert sat["agent"]["li"] == {"rated": 1, "average": 4.0, "satisfied_rate": 1.0}
    assert sat["agent"]["wang"] == {"rated": 1, "average": 1.0, "satisfied_rate": 0.0}
    assert sat["group"]["aftersales"]["average"] == 2.5
    # f-1..f-4 and f-8 asked an FAQ question; f-5, f-6 a return
    assert [tuple(x) for x in f["top_intents"][:2]] == [("ask_faq", 5), ("request_return", 2)]
    assert [tuple(x) for x in f["top_faqs"]] == [("faq-1", 2), ("faq-2", 1)]
    assert f["tickets"] == {"opened": 2, "overdue": 1, "overdue_rate": 0.5}
    assert got["previous"]["period"]["label"] == "2026-12-02"
    assert got["previous"]["figures"]["conversations"] == 1

    html = to_html(got, "zh")
    assert html.count("<svg") == 4 and "<script" not in html
    assert "机器人独立解决率" in html and "37.5%" in html and "售后" in html
    assert "explicit_request" not in html  # labels, not codes
    book = load_workbook(io.BytesIO(to_xlsx(got, "en")))
    rows = list(book["summary"].iter_rows(values_only=True))
    assert ("Conversations", "8", "1") in rows and ("Bot containment", "37.5%", "100.0%") in rows
    assert book["hours"]._charts  # the chart travels with the figures


async def test_an_empty_period_says_so_and_divides_nothing(async_engine: Any) -> None:
    period = period_of("week", date(2026, 11, 2), TZ)
    got = await report(async_engine, period, TZ, {})
    f = got["figures"]
    assert f["conversations"] == 0
    assert f["containment_rate"] is None and f["resolution_rate"] is None
    assert f["first_response"] == {} and f["tickets"]["overdue_rate"] is None
    html = to_html(got, "zh-Hant")
    assert "本期沒有已結束的會話" in html


async def test_a_group_with_no_agents_is_listed_with_nothing_to_measure(async_engine: Any) -> None:
    async with AsyncSession(async_engine) as session:
        session.add_all([fact(1, bot_only=False, skill_group="aftersales", first_response_s=20.0)])
        await session.commit()
    period = period_of("day", DAY.date(), TZ)
    got = await report(async_engine, period, TZ, {"vip": 15.0}, groups=("aftersales", "vip"))
    fr = got["figures"]["first_response"]
    assert fr["aftersales"]["count"] == 1 and fr["aftersales"]["p50_s"] == 20.0
    assert fr["vip"] == {
        "count": 0, "p50_s": None, "p90_s": None, "sla_target_s": 15.0, "within_sla_rate": None,
    }  # fmt: skip
    html = to_html(got, "en")
    assert "<td>vip</td><td>0</td><td>—</td><td>—</td><td>15.0</td><td>—</td>" in html
    assert load_workbook(io.BytesIO(to_xlsx(got, "en")))["first_response"]["C3"].value is None
    assert (await report(async_engine, period, TZ, {}))["figures"]["first_response"].keys() == {
        "aftersales"
    }  # without the configured groups: only what the facts hold


async def test_a_handoff_that_became_a_ticket_is_not_contained(async_engine):
    """Nobody could come, so the customer got a ticket: a person's work is still to come —
    not bot containment, and counted as a handoff by its reason."""
    async with AsyncSession(async_engine) as session:
        session.add_all(
            [
                fact(1),
                fact(2, handoff_reason="explicit_request", resolution="ticket"),
                fact(3, resolution="unsolved"),
            ]
        )
        await session.commit()
    got = await report(async_engine, period_of("day", date(2026, 12, 3), TZ), TZ, {})
    f = got["figures"]
    assert f["containment_rate"] == 0.3333  # f-1 only: f-2 asked for a person, f-3 unsolved
    assert f["handoff_rate"] == 0.3333
    assert f["handoffs_by_reason"] == {"explicit_request": 1}


async def test_follow_up_calls_are_counted_with_what_they_are_out_of(async_engine: Any) -> None:
    """回访率: of the follow-up tasks created in the period, the share that reached the customer
    (a pending call counts as not made), and of those reached the share satisfied."""
    async with AsyncSession(async_engine) as session:
        tickets = [
            Ticket(
                conversation_id=f"fu-{n}",
                type="complaint",
                skill_group="complaints",
                text="投诉",
                created_at=DAY - timedelta(days=1),
                due_at=DAY,
                resolved_at=DAY,
                status="resolved",
            )
            for n in range(5)
        ]
        session.add_all(tickets)
        await session.flush()
        outcomes = ["satisfied", "satisfied", "not_satisfied", "not_reached", ""]
        session.add_all(
            TicketFollowup(ticket_id=t.id, due_at=DAY, outcome=o, created_at=DAY)
            for t, o in zip(tickets, outcomes, strict=True)
        )
        # a task of another day is not this day's
        session.add(
            TicketFollowup(ticket_id=tickets[0].id, due_at=DAY, created_at=DAY - timedelta(days=3))
        )
        await session.commit()
    got = await report(async_engine, period_of("day", date(2026, 12, 3), TZ), TZ, {})
    assert got["figures"]["followups"] == {
        "tasks": 5,
        "reached": 3,
        "satisfied": 2,
        "pending": 1,
        "followup_rate": 0.6,
        "satisfaction_rate": round(2 / 3, 4),
    }
    assert got["previous"]["figures"]["followups"]["followup_rate"] is None  # nothing to divide
    html = to_html(got, "zh")
    assert "回访率（已联系上客户）" in html and "60.0% (3/5)" in html and "66.7% (2/3)" in html
    rows = list(
        load_workbook(io.BytesIO(to_xlsx(got, "en")))["summary"].iter_rows(values_only=True)
    )
    assert ("Follow-up calls reaching the customer", "60.0% (3/5)", "—") in rows
