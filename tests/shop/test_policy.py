"""Return windows and warranties in the shop's calendar days (what the customer reads is true)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shop import Order, OrderStatus, check_return, in_warranty, local_date, warranty_end


def _delivered(at: datetime, warranty_months: int = 12) -> Order:
    return Order(
        id="20231120099",
        customer_id="demo-001",
        status=OrderStatus.DELIVERED,
        item="声波电动牙刷",
        spec="粉色",
        quantity=1,
        amount_cents=29900,
        category="electronics",
        warranty_months=warranty_months,
        receiver="",
        phone="",
        address="",
        created_at=at,
        paid_at=at,
        shipped_at=at,
        delivered_at=at,
        promised_delivery=None,
    )


def test_days_are_calendar_days_in_beijing_time():
    # Signed for at 22:00 Beijing (14:00 UTC) on 11-25; at 09:00 Beijing on 12-05 the customer
    # counts 10 days, although fewer than 10 × 24 hours have passed.
    order = _delivered(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    now = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    check = check_return(order, quality_issue=False, now=now)
    assert check.days_since_delivery == 10
    assert not check.eligible and check.why == "window_passed"


def test_the_seventh_day_is_still_inside_the_window():
    # 签收次日起算: signed 11-25 late in the evening, 12-02 is day 7 (eligible), 12-03 day 8.
    order = _delivered(datetime(2026, 11, 25, 15, 30, tzinfo=UTC))  # 23:30 Beijing, 11-25
    assert local_date(order.delivered_at) == date(2026, 11, 25)
    day7 = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # 23:00 Beijing, 12-02
    day8 = datetime(2026, 12, 2, 16, 30, tzinfo=UTC)  # 00:30 Beijing, 12-03
    assert check_return(order, quality_issue=False, now=day7).eligible
    assert check_return(order, quality_issue=False, now=day8).days_since_delivery == 8
    assert not check_return(order, quality_issue=False, now=day8).eligible


def test_warranty_ends_on_the_same_day_a_year_later():
    order = _delivered(datetime(2025, 10, 31, 6, 0, tzinfo=UTC))  # 14:00 Beijing, 10-31
    assert warranty_end(order) == date(2026, 10, 31)
    assert in_warranty(order, today=date(2026, 10, 31))
    assert not in_warranty(order, today=date(2026, 11, 1))


def test_warranty_in_a_shorter_month_ends_on_its_last_day():
    assert warranty_end(_delivered(datetime(2026, 1, 31, 6, 0, tzinfo=UTC), 1)) == date(2026, 2, 28)
    assert warranty_end(_delivered(datetime(2027, 8, 31, 6, 0, tzinfo=UTC), 6)) == date(2028, 2, 29)


def test_warranty_starts_on_the_beijing_date_of_delivery():
    # 23:30 Beijing on 03-31 is 15:30 UTC the same day; 00:30 Beijing on 04-01 is still 03-31 UTC.
    order = _delivered(datetime(2026, 3, 31, 16, 30, tzinfo=UTC), 12)
    assert warranty_end(order) == date(2027, 4, 1)


def test_a_reason_that_denies_a_quality_problem_is_none() -> None:
    # "不是质量问题 就是不合身" once filed a quality return ten days after delivery
    from shop import is_quality_reason

    assert is_quality_reason("裤脚开线了") and is_quality_reason("质量问题")
    assert is_quality_reason("洗了一水 缩得跟童装似的")  # what goes wrong in use (heldout22)
    assert is_quality_reason("it shrank after one wash")
    assert not is_quality_reason("不是质量问题 就是不合身")
    assert not is_quality_reason("没有质量问题 就是不喜欢")
    assert not is_quality_reason("not a quality issue, just too big")
