"""The SQL shop backend on a real database, seeded with the demo data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kefu.db import make_async_engine, make_engine
from shop import (
    OrderStatus,
    RefundStatus,
    SqlShop,
    check_return,
    in_warranty,
    mask_address,
    mask_phone,
    mask_text,
    normalise_order_id,
    warranty_end,
)
from shop.demo import demo_order_ids, seed_shop
from shop.models import OrderRow, ReturnRow, TrackingEventRow

ME, OTHER = "demo-001", "demo-002"


@pytest.fixture
async def shop(database_url: str):
    seed_shop(database_url)
    engine = make_async_engine(database_url)
    yield SqlShop(engine)
    await engine.dispose()


async def test_every_demo_state_is_there(shop: SqlShop):
    statuses = {o.status for o in await shop.recent_orders(ME, limit=20)}
    assert statuses == set(OrderStatus)
    carriers = set()
    for oid in ("20231120003", "20231120004", "20231120005"):
        order = await shop.order(ME, oid)
        assert order is not None and order.status is OrderStatus.SHIPPED
        assert order.shipment is not None and order.shipment.status == "in_transit"
        assert len(order.shipment.events) >= 2
        assert order.promised_delivery is not None
        carriers.add(order.shipment.carrier)
    assert carriers == {"顺丰速运", "中通快递", "京东物流"}


async def test_delivered_orders_cover_every_return_window(shop: SqlShop):
    within = await shop.order(ME, "20231120006")
    ten = await shop.order(ME, "20231120007")
    twenty = await shop.order(ME, "20231120008")
    assert within and ten and twenty
    assert check_return(within, quality_issue=False).eligible
    assert not check_return(ten, quality_issue=False).eligible
    assert check_return(ten, quality_issue=True).eligible
    assert not check_return(twenty, quality_issue=True).eligible
    assert check_return(twenty, quality_issue=True).why == "window_passed"


async def test_a_delivered_parcels_newest_event_is_its_delivery(shop: SqlShop):
    """The bot shows the newest tracking event: a delivered order's is the delivery, never a
    transit step (an order delivered a day after shipping had "正在安排派送" after it)."""
    for oid in ("20231120006", "20231120022", "20231120012", "20231120013"):
        customer = "demo-002" if oid == "20231120022" else "demo-001"
        order = await shop.order(customer, oid)
        assert order is not None and order.shipment is not None
        assert "签收" in order.shipment.events[0].description, oid
    locker = await shop.order("demo-001", "20231120012")
    assert locker is not None and locker.shipment is not None
    assert "快递柜" in locker.shipment.events[0].description


async def test_warranty_inside_and_outside(shop: SqlShop):
    inside = await shop.order(ME, "20231120013")
    outside = await shop.order(ME, "20231120014")
    assert inside and outside
    assert in_warranty(inside) and not in_warranty(outside)
    assert await shop.create_repair(ME, outside.id, "不充电") is not None  # recorded, paid repair
    repair = await shop.create_repair(ME, inside.id, "左耳没有声音")
    assert repair is not None and repair.in_warranty


async def test_an_order_has_one_open_return_and_one_open_repair(shop: SqlShop, database_url: str):
    """Asked twice ("碎花连衣裙要退货", then the reason again), the shop files once: the second
    call finds the open request and says so; once it is over, a new one may be filed."""
    first = await shop.create_return(ME, "20231120006", "七天无理由", False)
    again = await shop.create_return(ME, "20231120006", "上身效果不好", False)
    assert first is not None and again is not None
    assert not first.existing and again.existing and again.id == first.id
    repair = await shop.create_repair(ME, "20231120013", "右耳没声音")
    repeat = await shop.create_repair(ME, "20231120013", "右耳没声音")
    assert repair is not None and repeat is not None
    assert repeat.existing and repeat.id == repair.id and not repair.existing
    engine = make_engine(database_url)
    try:
        with engine.begin() as db:
            assert db.scalar(select(func.count()).select_from(ReturnRow)) == 1
            db.execute(update(ReturnRow).values(status="rejected"))
    finally:
        engine.dispose()  # (an engine left to the collector warns of an open connection)
    anew = await shop.create_return(ME, "20231120006", "还是想退", False)
    assert anew is not None and not anew.existing and anew.id != first.id


async def test_a_warranty_ends_on_the_same_day_months_later(shop: SqlShop):
    # Never a day early: delivered on the 31st, a 12-month warranty ends on the 31st a year
    # on (it said the 28th); the month's last day when it has no such day.
    order = await shop.order(ME, "20231120014")
    assert order is not None
    for delivered, end in (
        (datetime(2025, 10, 31, 9, tzinfo=UTC), date(2026, 10, 31)),
        (datetime(2025, 1, 31, 9, tzinfo=UTC), date(2026, 1, 31)),
        (datetime(2024, 2, 29, 9, tzinfo=UTC), date(2025, 2, 28)),
    ):
        assert warranty_end(replace(order, delivered_at=delivered)) == end
    six = replace(order, warranty_months=1, delivered_at=datetime(2026, 1, 31, 9, tzinfo=UTC))
    assert warranty_end(six) == date(2026, 2, 28)


async def test_refunds_processing_and_done(shop: SqlShop):
    refunds = {r.order_id: r for r in await shop.refunds(ME)}
    assert refunds["20231120010"].status is RefundStatus.PROCESSING
    assert refunds["20231120010"].expected_by is not None
    assert refunds["20231120011"].status is RefundStatus.REFUNDED
    assert [r.order_id for r in await shop.refunds(ME, "20231120011")] == ["20231120011"]


async def test_someone_elses_order_looks_like_a_missing_one(shop: SqlShop):
    theirs = "20231120021"
    assert await shop.order(OTHER, theirs) is not None
    assert await shop.order(ME, theirs) is None
    assert await shop.order(ME, "20991231999") is None
    assert await shop.cancel_order(ME, "20231120031") is None  # demo-003's paid order
    assert (await shop.order("demo-003", "20231120031")).status is OrderStatus.PAID
    assert await shop.change_contact(ME, "20231120031", address="x") is None
    assert await shop.create_return(ME, theirs, "不想要了", False) is None
    assert await shop.request_invoice(ME, theirs, "电子普通发票", "个人") is None
    assert await shop.refunds(OTHER, "20231120010") == []
    assert await shop.invoices(OTHER, "20231120013") == []
    assert await shop.order("", "20231120001") is None


async def test_cancel_only_before_shipment_and_paid_ones_are_refunded(shop: SqlShop):
    assert await shop.cancel_order(ME, "20231120003") is None  # shipped
    cancelled = await shop.cancel_order(ME, "20231120002")
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELLED
    refund = (await shop.refunds(ME, "20231120002"))[0]
    assert refund.status is RefundStatus.PROCESSING and refund.amount_cents == 59900
    unpaid = await shop.cancel_order(ME, "20231120001")
    assert unpaid is not None and await shop.refunds(ME, "20231120001") == []


async def test_change_contact_before_shipment_only(shop: SqlShop):
    changed = await shop.change_contact(ME, "20231120002", phone="13900001111")
    assert changed is not None and changed.phone == "13900001111"
    assert await shop.change_contact(ME, "20231120003", address="新地址") is None


async def test_invoice_then_correction(shop: SqlShop):
    first = await shop.request_invoice(ME, "20231120006", "电子普通发票", "个人")
    assert first is not None and first.kind == "issue"
    fixed = await shop.request_invoice(ME, "20231120013", "电子普通发票", "上海张江科技有限公司")
    assert fixed is not None and fixed.kind == "correction"
    assert [i.kind for i in await shop.invoices(ME, "20231120013")] == ["issue", "correction"]
    assert await shop.request_invoice(ME, "20231120001", "电子普通发票", "个人") is None  # unpaid


async def test_seeding_twice_changes_nothing(database_url: str):
    seed_shop(database_url)
    engine = make_engine(database_url)
    try:
        with Session(engine) as s:
            before = (
                s.scalar(select(func.count()).select_from(OrderRow)),
                s.scalar(select(func.count()).select_from(TrackingEventRow)),
            )
        seed_shop(database_url)
        with Session(engine) as s:
            after = (
                s.scalar(select(func.count()).select_from(OrderRow)),
                s.scalar(select(func.count()).select_from(TrackingEventRow)),
            )
    finally:
        engine.dispose()
    assert before == after and before[0] == len(demo_order_ids())


def test_order_ids_and_masking():
    assert normalise_order_id(" kf2023112000123 ") == "KF2023112000123"
    assert normalise_order_id("20231120001") == "20231120001"
    assert normalise_order_id("123") is None
    assert normalise_order_id("20231120001' OR 1=1 --") is None
    assert mask_phone("13812345678") == "138****5678"
    assert "690" not in mask_address("上海市浦东新区张江镇碧波路690号3号楼502室")
    assert mask_text("电话13812345678，身份证110101199003071234") == (
        "电话138****5678，身份证1101**********1234"
    )


def test_kefu_demo_runs_the_shop_seeder(database_url: str):
    from kefu_cli.seed import seed_demo

    assert "shop" in seed_demo(database_url)


async def test_customers_are_found_by_phone_and_bound_openid(shop: SqlShop):
    from shop import normalise_phone

    assert normalise_phone("+86 138-1234-5678") == "13812345678"
    assert normalise_phone("12345") == ""
    found = await shop.customer_by_phone("+86 138 1234 5678")
    assert found is not None and found.id == "demo-001"
    assert await shop.customer_by_phone("13800000000") is None
    assert await shop.customer_by_openid("oWX-demo-1") is None
    assert await shop.bind_openid("demo-001", "oWX-demo-1")
    bound = await shop.customer_by_openid("oWX-demo-1")
    assert bound is not None and bound.id == "demo-001"
    assert not await shop.bind_openid("demo-002", "oWX-demo-1")  # someone else's openid
    assert not await shop.bind_openid("nobody", "oWX-demo-2")
    assert await shop.bind_openid("demo-001", None)  # 解除绑定
    assert await shop.customer_by_openid("oWX-demo-1") is None
