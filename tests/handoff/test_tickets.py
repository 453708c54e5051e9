"""The ticket loop's library on real SQL: the working-day calendar with 调休, due times by type,
the one state machine, the clock that pauses while waiting for the customer, auto-close after
silence, and two agents resolving one ticket at once (one wins)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.accounts import Principal
from handoff.models import Ticket
from handoff.ticket_flow import change_state, close_silent
from handoff.ticket_log import add_entry, add_to_ticket
from handoff.ticket_policy import load_policy, save_settings
from handoff.tickets import create_ticket, get_ticket, list_tickets
from handoff.workdays import Calendar, set_day, shipped_days
from kefu.errors import ApiError

TZ = "Asia/Shanghai"
SH = ZoneInfo(TZ)
LI = Principal("li", frozenset({"agent"}), frozenset({"complaints"}))
WANG = Principal("wang", frozenset({"agent"}), frozenset({"complaints"}))
ZHAO = Principal("zhao", frozenset({"agent"}), frozenset({"presale"}))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SH)  # type: ignore[misc]


def test_shipped_calendar_has_2026_holidays_and_make_up_days():
    cal = Calendar(shipped_days(), TZ)
    assert not cal.is_workday(date(2026, 10, 1))  # National Day
    assert cal.is_workday(date(2026, 10, 10))  # a Saturday made a workday (调休)
    assert cal.is_workday(date(2026, 12, 4)) and not cal.is_workday(date(2026, 12, 5))


def test_working_day_clock_skips_weekends_and_holidays():
    cal = Calendar(shipped_days(), TZ)
    # Saturday 03:00 + 1 working day: Monday counts, the clock runs out as Monday ends
    assert cal.add_working_days(at(2026, 12, 5, 3), 1) == at(2026, 12, 8, 0).astimezone(UTC)
    # Wednesday 10:00 + 1 working day: Thursday 10:00
    assert cal.add_working_days(at(2026, 12, 2, 10), 1) == at(2026, 12, 3, 10).astimezone(UTC)
    # Wednesday 30 Sep 2026 10:00 + 1: the National Day holidays (1-7 Oct) are skipped,
    # Thursday 8 Oct comes next
    assert cal.add_working_days(at(2026, 9, 30, 10), 1) == at(2026, 10, 8, 10).astimezone(UTC)
    # Friday 9 Oct 2026 10:00 + 1: Saturday 10 Oct is a make-up workday
    assert cal.add_working_days(at(2026, 10, 9, 10), 1) == at(2026, 10, 10, 10).astimezone(UTC)


async def test_an_admin_holiday_moves_due_times(async_engine):
    await set_day(async_engine, date(2026, 12, 7), False, "店庆休息", "admin")  # a Monday
    cal = await Calendar.load(async_engine, TZ)
    assert cal.add_working_days(at(2026, 12, 5, 3), 1) == at(2026, 12, 9, 0).astimezone(UTC)


async def test_due_time_by_type_and_editable(async_engine):
    complaint = await create_ticket(
        async_engine, "c-1", "cust", "快递员态度差", "complaints", kind="complaint"
    )
    after = await create_ticket(
        async_engine, "a-1", "cust", "退货审核", "aftersales", kind="after_sales"
    )
    created = datetime.fromisoformat(str(after["created_at"])).replace(tzinfo=UTC)
    due = datetime.fromisoformat(str(after["due_at"])).replace(tzinfo=UTC)
    assert abs((due - created).total_seconds() - 24 * 3600) < 5  # 24 plain hours
    cal = await Calendar.load(async_engine, TZ)
    c_created = datetime.fromisoformat(str(complaint["created_at"])).replace(tzinfo=UTC)
    c_due = datetime.fromisoformat(str(complaint["due_at"])).replace(tzinfo=UTC)
    assert abs(cal.working_seconds_between(c_created, c_due) - 86400) < 5

    await save_settings(async_engine, {"due.after_sales": [2, "working_days"]}, "admin")
    assert (await load_policy(async_engine)).due_rule("after_sales") == (2.0, "working_days")
    with pytest.raises(ApiError) as bad:
        await save_settings(async_engine, {"due.after_sales": [-1, "weeks"]}, "admin")
    assert bad.value.status == 400


async def test_state_machine_refuses_skips_and_logs_each_change(async_engine):
    t = await create_ticket(async_engine, "c-2", "cust", "投诉", "complaints", kind="complaint")
    assert t["status"] == "new"
    with pytest.raises(ApiError) as refused:
        await change_state(async_engine, t["id"], LI, "reopened", timezone=TZ)
    assert refused.value.status == 409 and refused.value.code == "invalid_transition"
    with pytest.raises(ApiError) as other_group:
        await change_state(async_engine, t["id"], ZHAO, "assigned", timezone=TZ)
    assert other_group.value.status == 403
    t = await change_state(async_engine, t["id"], LI, "assigned", timezone=TZ)
    assert t["assignee"] == "li"
    t = await change_state(async_engine, t["id"], LI, "in_progress", timezone=TZ)
    t = await change_state(async_engine, t["id"], LI, "resolved", timezone=TZ, resolution="refund")
    t = await change_state(async_engine, t["id"], LI, "closed", timezone=TZ)
    with pytest.raises(ApiError) as closed:
        await add_entry(async_engine, t["id"], LI, "还有进展", visible=True)
    assert closed.value.status == 409
    t = await change_state(async_engine, t["id"], LI, "reopened", timezone=TZ)
    view = await get_ticket(async_engine, t["id"], LI)
    steps = [e["data"].get("to") for e in view["log"] if e["kind"] == "state"]
    assert steps == ["new", "assigned", "in_progress", "resolved", "closed", "reopened"]


async def test_clock_pauses_while_waiting_and_the_answer_restarts_it(async_engine):
    t = await create_ticket(async_engine, "c-3", "cust", "发票", "complaints", kind="invoice")
    due_before = datetime.fromisoformat(str(t["due_at"])).replace(tzinfo=UTC)
    t = await change_state(async_engine, t["id"], LI, "waiting_customer", timezone=TZ)
    assert t["clock_paused"] is True
    # five days of waiting pass
    async with AsyncSession(async_engine) as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.id == t["id"])
            .values(waiting_since=datetime.now(UTC) - timedelta(days=5))
        )
        await session.commit()
    assert await list_tickets(async_engine, overdue=True, now=due_before + timedelta(days=1)) == []
    t = await add_to_ticket(async_engine, t["id"], "抬头是某某公司", timezone=TZ)
    assert t["status"] == "in_progress" and t["clock_paused"] is False
    due_after = datetime.fromisoformat(str(t["due_at"])).replace(tzinfo=UTC)
    assert due_after >= due_before  # the paused time did not count


async def test_silent_waiting_ticket_closes_itself(async_engine):
    t = await create_ticket(async_engine, "c-4", "cust", "留言", "complaints")
    t = await change_state(async_engine, t["id"], LI, "waiting_customer", timezone=TZ)
    assert await close_silent(async_engine, TZ) == 0  # not 7 days yet
    later = datetime.now(UTC) + timedelta(days=7, minutes=1)
    assert await close_silent(async_engine, TZ, now=later) == 1
    view = await get_ticket(async_engine, t["id"], LI)
    assert view["status"] == "closed" and view["resolution"] == "no_reply"


async def test_two_agents_resolving_at_once_one_wins(async_engine):
    t = await create_ticket(async_engine, "c-5", "cust", "投诉", "complaints", kind="complaint")
    seen = t["version"]
    results = await asyncio.gather(
        change_state(async_engine, t["id"], LI, "resolved", timezone=TZ, version=seen),
        change_state(async_engine, t["id"], WANG, "resolved", timezone=TZ, version=seen),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if isinstance(r, ApiError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert lost[0].status == 409 and lost[0].code in ("ticket_changed", "invalid_transition")
