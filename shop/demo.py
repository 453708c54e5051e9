"""Demo shop data for `kefu demo`: customers and orders in every state, so that a newcomer can
try every flow. Idempotent: it replaces only its own rows (the ids below), with dates counted
from today, so running it twice on one day changes nothing and a later run keeps the return and
warranty windows meaningful. Requests created on demo orders are reset with them.

Try them through the REST channel with ``"customer_id": "demo-001"`` (张晓雯, VIP 3), ``demo-002``
(Emily, English) or ``demo-003`` (陳先生, traditional Chinese).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

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

CUSTOMERS = [
    ("demo-001", "张晓雯", 3, "13812345678", "zh"),
    ("demo-002", "Emily Li", 0, "13987654321", "en"),
    ("demo-003", "陳志明", 1, "13600001234", "zh-Hant"),
]

ADDR_1 = "上海市浦东新区张江镇碧波路690号3号楼502室"
ADDR_2 = "北京市朝阳区建国路88号SOHO现代城5号楼1203"
ADDR_3 = "台北市信義區松仁路100號12樓"

# (id, customer, status, item, spec, yuan, category, warranty months, placed days ago,
#  shipped days ago, delivered days ago, carrier)
ORDERS: list[tuple[Any, ...]] = [
    (
        "20231120001",
        "demo-001",
        "unpaid",
        "男士纯棉圆领T恤",
        "白色 L",
        89,
        "apparel",
        0,
        0,
        None,
        None,
        None,
    ),
    (
        "20231120002",
        "demo-001",
        "paid",
        "女士双面羊毛大衣",
        "驼色 M",
        599,
        "apparel",
        0,
        1,
        None,
        None,
        None,
    ),
    (
        "20231120003",
        "demo-001",
        "shipped",
        "轻量缓震跑步鞋",
        "黑白 42码",
        399,
        "shoes",
        0,
        3,
        2,
        None,
        "顺丰速运",
    ),
    (
        "20231120004",
        "demo-001",
        "shipped",
        "不锈钢保温杯",
        "500ml 雾蓝",
        129,
        "home",
        0,
        4,
        3,
        None,
        "中通快递",
    ),
    (
        "20231120005",
        "demo-001",
        "shipped",
        "智能手环 6",
        "曜石黑",
        249,
        "electronics",
        12,
        2,
        1,
        None,
        "京东物流",
    ),
    (
        "20231120006",
        "demo-001",
        "delivered",
        "法式碎花连衣裙",
        "米白 S",
        269,
        "apparel",
        0,
        6,
        5,
        3,
        "中通快递",
    ),
    (
        "20231120007",
        "demo-001",
        "delivered",
        "高腰直筒牛仔裤",
        "深蓝 27",
        199,
        "apparel",
        0,
        13,
        12,
        10,
        "顺丰速运",
    ),
    (
        "20231120008",
        "demo-001",
        "delivered",
        "羊绒混纺毛衣",
        "燕麦色 M",
        459,
        "apparel",
        0,
        23,
        22,
        20,
        "京东物流",
    ),
    (
        "20231120009",
        "demo-001",
        "cancelled",
        "儿童绘本套装",
        "10册",
        158,
        "books",
        0,
        8,
        None,
        None,
        None,
    ),
    (
        "20231120010",
        "demo-001",
        "delivered",
        "真丝睡衣套装",
        "香槟 L",
        329,
        "apparel",
        0,
        9,
        8,
        6,
        "顺丰速运",
    ),
    (
        "20231120011",
        "demo-001",
        "delivered",
        "北欧陶瓷餐具",
        "4人份",
        219,
        "home",
        0,
        18,
        17,
        15,
        "中通快递",
    ),
    (
        "20231120012",
        "demo-001",
        "delivered",
        "加湿器",
        "4L 白色",
        159,
        "home",
        0,
        5,
        4,
        2,
        "中通快递",
    ),
    (
        "20231120013",
        "demo-001",
        "delivered",
        "降噪蓝牙耳机 Pro",
        "星光白",
        899,
        "electronics",
        12,
        62,
        61,
        60,
        "京东物流",
    ),
    (
        "20231120014",
        "demo-001",
        "delivered",
        "声波电动牙刷",
        "粉色",
        299,
        "electronics",
        12,
        402,
        401,
        400,
        "顺丰速运",
    ),
    (
        "20231120021",
        "demo-002",
        "shipped",
        "Wireless earbuds",
        "white",
        499,
        "electronics",
        12,
        2,
        1,
        None,
        "顺丰速运",
    ),
    (
        "20231120022",
        "demo-002",
        "delivered",
        "Linen shirt",
        "blue M",
        239,
        "apparel",
        0,
        5,
        4,
        3,
        "中通快递",
    ),
    (
        "20231120031",
        "demo-003",
        "paid",
        "保溫燜燒罐",
        "奶茶色 500ml",
        189,
        "home",
        0,
        1,
        None,
        None,
        None,
    ),
]

REFUNDS = [  # (id, order, status, created days ago, expected in days, completed days ago)
    ("RFDEMO0010", "20231120010", "processing", 1, 2, None),
    ("RFDEMO0011", "20231120011", "refunded", 12, None, 10),
]

INVOICES = [  # an invoice with a title the customer will want corrected
    ("IVDEMO0013", "20231120013", "issue", "电子普通发票", "上海某某科技有限公司", "issued", 59),
]

TRACKING_NO = {"顺丰速运": "SF1402", "中通快递": "7315", "京东物流": "JDVA2"}


def _tracking(
    order_id: str,
    carrier: str,
    shipped: datetime,
    delivered: datetime | None,
    city: str,
    not_received: bool,
) -> list[TrackingEventRow]:
    steps = [
        (shipped, "广州", f"【广州】{carrier}已揽收，包裹正在等待发往下一站"),
        (shipped + timedelta(hours=6), "广州", "【广州转运中心】已发出，下一站【杭州转运中心】"),
        (shipped + timedelta(hours=20), "杭州", "【杭州转运中心】已到达，正在分拣"),
        (shipped + timedelta(hours=26), city, f"【{city}】已到达营业点，正在安排派送"),
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
    anchor = datetime.combine(datetime.now(UTC).date(), time(0, 0), tzinfo=UTC)

    def ago(days: int | None, hours: int = 0) -> datetime | None:
        return None if days is None else anchor - timedelta(days=days) + timedelta(hours=hours)

    try:
        with Session(engine) as s, s.begin():
            ids = [o[0] for o in ORDERS]
            s.execute(delete(OrderRow).where(OrderRow.id.in_(ids)))
            s.execute(delete(CustomerRow).where(CustomerRow.id.in_([c[0] for c in CUSTOMERS])))
            s.flush()
            addresses = {"demo-001": ADDR_1, "demo-002": ADDR_2, "demo-003": ADDR_3}
            for cid, name, vip, phone, lang in CUSTOMERS:
                s.add(CustomerRow(id=cid, display_name=name, vip_level=vip, phone=phone, lang=lang))
            s.flush()
            names = {c[0]: (c[1], c[3]) for c in CUSTOMERS}
            for (
                oid,
                cid,
                status,
                item,
                spec,
                yuan,
                category,
                warranty,
                placed,
                shipped,
                delivered,
                carrier,
            ) in ORDERS:
                placed_at = ago(placed, 9)
                assert placed_at is not None
                paid_at = None if status == "unpaid" else placed_at + timedelta(minutes=3)
                shipped_at = ago(shipped, 15)
                delivered_at = ago(delivered, 14)
                promised: date | None = None
                if status in ("paid", "shipped"):
                    promised = (placed_at + timedelta(days=5)).date()
                s.add(
                    OrderRow(
                        id=oid,
                        customer_id=cid,
                        status=status,
                        item=item,
                        spec=spec,
                        quantity=1,
                        amount_cents=yuan * 100,
                        category=category,
                        warranty_months=warranty,
                        receiver=names[cid][0],
                        phone=names[cid][1],
                        address=addresses[cid],
                        created_at=placed_at,
                        paid_at=paid_at,
                        shipped_at=shipped_at,
                        delivered_at=delivered_at,
                        promised_delivery=promised,
                    )
                )
                s.flush()
                if carrier and shipped_at is not None:
                    s.add(
                        ShipmentRow(
                            order_id=oid,
                            carrier=carrier,
                            tracking_no=TRACKING_NO[carrier] + oid[-7:],
                            status="delivered" if delivered_at else "in_transit",
                        )
                    )
                    s.flush()
                    city = addresses[cid][:3]
                    s.add_all(
                        _tracking(
                            oid,
                            carrier,
                            shipped_at,
                            delivered_at,
                            city,
                            not_received=oid == "20231120012",
                        )
                    )
            for rid, oid, status, created, expected, completed in REFUNDS:
                order_yuan = next(o[5] for o in ORDERS if o[0] == oid)
                created_at = ago(created, 10)
                assert created_at is not None
                s.add(
                    RefundRow(
                        id=rid,
                        order_id=oid,
                        amount_cents=order_yuan * 100,
                        status=status,
                        method="原路退回",
                        created_at=created_at,
                        expected_by=(anchor + timedelta(days=expected)).date()
                        if expected
                        else None,
                        completed_at=ago(completed, 11),
                    )
                )
            for iid, oid, kind, itype, title, status, created in INVOICES:
                s.add(
                    InvoiceRow(
                        id=iid,
                        order_id=oid,
                        kind=kind,
                        invoice_type=itype,
                        title=title,
                        status=status,
                        created_at=ago(created),
                    )
                )
    finally:
        engine.dispose()
