"""Demo shop data for `kefu demo`: customers and orders in every state, so that a newcomer can
try every flow. Idempotent: it replaces only its own rows (the ids below), with dates counted
from today, so running it twice on one day changes nothing and a later run keeps the return and
warranty windows meaningful. Requests created on demo orders are reset with them.

Try them through the REST channel with ``"customer_id": "demo-001"`` (张晓雯, VIP 3), ``demo-002``
(Emily, English) or ``demo-003`` (陳先生, traditional Chinese).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete
from sqlalchemy.orm import Session

from kefu.db import make_engine
from shop.models import (
    CustomerRow,
    InvoiceRow,
    OrderRow,
    RefundRow,
    ShipmentRow,
    TrackingEventRow,
)
from shop.policy import SHOP_TZ, shop_today

DATA = Path(__file__).parent / "data" / "demo_shop.yml"
# The parcel that sits in a locker while the customer says it never arrived.
NOT_RECEIVED = "20231120012"


def demo_data() -> dict[str, Any]:
    """The demo shop's rows (``shop/data/demo_shop.yml``)."""
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def demo_order_ids() -> list[str]:
    return [str(o["id"]) for o in demo_data()["orders"]]


def _tracking(
    order_id: str,
    carrier: str,
    shipped: datetime,
    delivered: datetime | None,
    city: str,
    not_received: bool,
) -> list[TrackingEventRow]:
    # Transit hours after pick-up; a parcel delivered sooner has them shortened in proportion,
    # so no transit event comes after the delivery (the newest event is what the bot shows).
    scale = 1.0
    if delivered is not None:
        scale = min(1.0, (delivered - timedelta(hours=3) - shipped) / timedelta(hours=26))

    def after(hours: int) -> datetime:
        return shipped + timedelta(hours=hours * scale)

    steps = [
        (shipped, "广州", f"【广州】{carrier}已揽收，包裹正在等待发往下一站"),
        (after(6), "广州", "【广州转运中心】已发出，下一站【杭州转运中心】"),
        (after(20), "杭州", "【杭州转运中心】已到达，正在分拣"),
        (after(26), city, f"【{city}】已到达营业点，正在安排派送"),
    ]
    if delivered is not None:
        steps.append((delivered - timedelta(hours=2), city, f"【{city}】快递员正在派件"))
        where = "已放入小区快递柜" if not_received else "本人签收"
        steps.append((delivered, city, f"【{city}】包裹已签收（{where}），感谢使用{carrier}"))
    now = datetime.now(UTC)
    return [
        TrackingEventRow(order_id=order_id, at=at, location=loc, description=text)
        for at, loc, text in steps
        if at <= now or delivered is not None
    ]


def seed_shop(database_url: str) -> None:
    """Create (or refresh) the demo shop. Only rows with the demo ids are touched.

    The database's schema must be migrated already (``kefu db upgrade``)."""
    engine = make_engine(database_url)
    # Midnight of the shop's today: "delivered 10 days ago" is 10 of the shop's calendar days.
    anchor = datetime.combine(shop_today(), time(0, 0), tzinfo=SHOP_TZ)

    def ago(days: int | None, hours: int = 0) -> datetime | None:
        return None if days is None else anchor - timedelta(days=days) + timedelta(hours=hours)

    data = demo_data()
    customers = {c["id"]: c for c in data["customers"]}
    orders = {o["id"]: o for o in data["orders"]}
    try:
        with Session(engine) as s, s.begin():
            s.execute(delete(OrderRow).where(OrderRow.id.in_(list(orders))))
            s.execute(delete(CustomerRow).where(CustomerRow.id.in_(list(customers))))
            s.flush()
            for c in customers.values():
                s.add(
                    CustomerRow(
                        id=c["id"],
                        display_name=c["name"],
                        vip_level=c["vip_level"],
                        phone=c["phone"],
                        lang=c["lang"],
                    )
                )
            s.flush()
            for o in orders.values():
                _add_order(s, o, customers[o["customer"]], data["tracking_prefix"], ago)
            for r in data["refunds"]:
                created_at = ago(r["created_days_ago"], 10)
                assert created_at is not None
                expected = r["expected_in_days"]
                s.add(
                    RefundRow(
                        id=r["id"],
                        order_id=r["order"],
                        amount_cents=orders[r["order"]]["yuan"] * 100,
                        status=r["status"],
                        method="原路退回",
                        created_at=created_at,
                        expected_by=(anchor + timedelta(days=expected)).date()
                        if expected
                        else None,
                        completed_at=ago(r["completed_days_ago"], 11),
                    )
                )
            for i in data["invoices"]:
                s.add(
                    InvoiceRow(
                        id=i["id"],
                        order_id=i["order"],
                        kind=i["kind"],
                        invoice_type=i["invoice_type"],
                        title=i["title"],
                        status=i["status"],
                        created_at=ago(i["created_days_ago"]),
                    )
                )
    finally:
        engine.dispose()


def _add_order(
    s: Session,
    o: dict[str, Any],
    customer: dict[str, Any],
    tracking_prefix: dict[str, str],
    ago: Callable[..., datetime | None],
) -> None:
    """One demo order with its shipment and tracking events."""
    status = o["status"]
    placed_at = ago(o["placed_days_ago"], 9)
    assert placed_at is not None
    paid_at = None if status == "unpaid" else placed_at + timedelta(minutes=3)
    shipped_at = ago(o["shipped_days_ago"], 15)
    delivered_at = ago(o["delivered_days_ago"], 14)
    promised: date | None = None
    if status in ("paid", "shipped"):
        promised = (placed_at + timedelta(days=5)).date()
    s.add(
        OrderRow(
            id=o["id"],
            customer_id=customer["id"],
            status=status,
            item=o["item"],
            spec=o["spec"],
            quantity=1,
            amount_cents=o["yuan"] * 100,
            category=o["category"],
            warranty_months=o["warranty_months"],
            receiver=customer["name"],
            phone=customer["phone"],
            address=customer["address"],
            created_at=placed_at,
            paid_at=paid_at,
            shipped_at=shipped_at,
            delivered_at=delivered_at,
            promised_delivery=promised,
        )
    )
    s.flush()
    carrier = o["carrier"]
    if carrier and shipped_at is not None:
        s.add(
            ShipmentRow(
                order_id=o["id"],
                carrier=carrier,
                tracking_no=tracking_prefix[carrier] + o["id"][-7:],
                status="delivered" if delivered_at else "in_transit",
            )
        )
        s.flush()
        city = customer["address"][:3]
        s.add_all(
            _tracking(
                o["id"],
                carrier,
                shipped_at,
                delivered_at,
                city,
                not_received=o["id"] == NOT_RECEIVED,
            )
        )
