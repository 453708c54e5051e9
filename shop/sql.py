"""``SqlShop``: the shop backend on SQL (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop.api import (
    CLOSED_REQUEST_STATES,
    Customer,
    Invoice,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
    RepairRequest,
    ReturnRequest,
    Shipment,
    TrackingEvent,
    normalise_order_id,
    normalise_phone,
)
from shop.models import (
    CustomerRow,
    InvoiceRow,
    OrderRow,
    RefundRow,
    RepairRow,
    ReturnRow,
    ShipmentRow,
    TrackingEventRow,
)
from shop.policy import in_warranty, local_date

CATALOGUE_LIMIT = 20_000  # product names read for the bot's product words

REFUND_DAYS = 3  # refunds to the original payment method arrive within 1–3 working days


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:10].upper()


async def _open_request(s: AsyncSession, table: Any, order_id: str) -> Any:
    """The order's open return or repair request (the newest), if any."""
    found = await s.scalars(
        select(table)
        .where(table.order_id == order_id, table.status.not_in(CLOSED_REQUEST_STATES))
        .order_by(table.created_at.desc())
    )
    return found.first()


def _return_request(row: ReturnRow, existing: bool = False) -> ReturnRequest:
    return ReturnRequest(
        row.id, row.order_id, row.reason, row.quality_issue, row.status, row.created_at, existing
    )


def _repair_request(row: RepairRow, existing: bool = False) -> RepairRequest:
    return RepairRequest(
        row.id, row.order_id, row.fault, row.in_warranty, row.status, row.created_at, existing
    )


class SqlShop:
    """Implements :class:`shop.api.ShopBackend` with SQLAlchemy on an async engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    # ------------------------------------------------------------ reads

    async def customer(self, customer_id: str) -> Customer | None:
        async with self._sessions() as s:
            row = await s.get(CustomerRow, customer_id)
            if row is None:
                return None
            return Customer(row.id, row.display_name, row.vip_level, row.phone, row.lang)

    async def customer_by_openid(self, openid: str) -> Customer | None:
        if not openid:
            return None
        async with self._sessions() as s:
            row = await s.scalar(select(CustomerRow).where(CustomerRow.wechat_openid == openid))
            return None if row is None else await self.customer(row.id)

    async def customer_by_phone(self, phone: str) -> Customer | None:
        digits = normalise_phone(phone)
        if not digits:
            return None
        async with self._sessions() as s:
            rows = (await s.scalars(select(CustomerRow).where(CustomerRow.phone == digits))).all()
            # A number shared by two accounts names nobody.
            return None if len(rows) != 1 else await self.customer(rows[0].id)

    async def bind_openid(self, customer_id: str, openid: str | None) -> bool:
        async with self._sessions() as s, s.begin():
            row = await s.get(CustomerRow, customer_id)
            if row is None:
                return False
            if openid:
                taken = await s.scalar(
                    select(CustomerRow).where(CustomerRow.wechat_openid == openid)
                )
                if taken is not None and taken.id != customer_id:
                    return False
            row.wechat_openid = openid or None
            return True

    async def _own_order(self, s: AsyncSession, customer_id: str, order_id: str) -> OrderRow | None:
        oid = normalise_order_id(order_id)
        if oid is None or not customer_id:
            return None
        row = await s.get(OrderRow, oid)
        # Someone else's order answers exactly like one that does not exist.
        return row if row is not None and row.customer_id == customer_id else None

    async def _to_order(self, s: AsyncSession, row: OrderRow) -> Order:
        shipment = None
        ship = await s.get(ShipmentRow, row.id)
        if ship is not None:
            events = (
                await s.scalars(
                    select(TrackingEventRow)
                    .where(TrackingEventRow.order_id == row.id)
                    .order_by(TrackingEventRow.at.desc(), TrackingEventRow.id.desc())
                )
            ).all()
            shipment = Shipment(
                ship.carrier,
                ship.tracking_no,
                ship.status,
                [TrackingEvent(_utc(e.at) or e.at, e.location, e.description) for e in events],
            )
        return Order(
            id=row.id,
            customer_id=row.customer_id,
            status=OrderStatus(row.status),
            item=row.item,
            spec=row.spec,
            quantity=row.quantity,
            amount_cents=row.amount_cents,
            category=row.category,
            warranty_months=row.warranty_months,
            receiver=row.receiver,
            phone=row.phone,
            address=row.address,
            created_at=_utc(row.created_at) or row.created_at,
            paid_at=_utc(row.paid_at),
            shipped_at=_utc(row.shipped_at),
            delivered_at=_utc(row.delivered_at),
            promised_delivery=row.promised_delivery,
            shipment=shipment,
        )

    async def order(self, customer_id: str, order_id: str) -> Order | None:
        async with self._sessions() as s:
            row = await self._own_order(s, customer_id, order_id)
            return None if row is None else await self._to_order(s, row)

    async def recent_orders(self, customer_id: str, limit: int = 5) -> list[Order]:
        async with self._sessions() as s:
            rows = (
                await s.scalars(
                    select(OrderRow)
                    .where(OrderRow.customer_id == customer_id)
                    .order_by(OrderRow.created_at.desc(), OrderRow.id.desc())
                    .limit(max(1, min(limit, 20)))
                )
            ).all()
            return [await self._to_order(s, r) for r in rows]

    async def product_names(self) -> list[str]:
        async with self._sessions() as s:
            names = await s.scalars(
                select(OrderRow.item).distinct().order_by(OrderRow.item).limit(CATALOGUE_LIMIT)
            )
            return [n for n in names.all() if n]

    async def refunds(self, customer_id: str, order_id: str | None = None) -> list[Refund]:
        async with self._sessions() as s:
            query = (
                select(RefundRow)
                .join(OrderRow, OrderRow.id == RefundRow.order_id)
                .where(OrderRow.customer_id == customer_id)
                .order_by(RefundRow.created_at.desc())
            )
            if order_id is not None:
                query = query.where(RefundRow.order_id == (normalise_order_id(order_id) or ""))
            rows = (await s.scalars(query)).all()
            return [
                Refund(
                    r.id,
                    r.order_id,
                    r.amount_cents,
                    RefundStatus(r.status),
                    r.method,
                    _utc(r.created_at) or r.created_at,
                    r.expected_by,
                    _utc(r.completed_at),
                )
                for r in rows
            ]

    async def invoices(self, customer_id: str, order_id: str) -> list[Invoice]:
        async with self._sessions() as s:
            row = await self._own_order(s, customer_id, order_id)
            if row is None:
                return []
            rows = (
                await s.scalars(
                    select(InvoiceRow)
                    .where(InvoiceRow.order_id == row.id)
                    .order_by(InvoiceRow.created_at)
                )
            ).all()
            return [
                Invoice(
                    r.id,
                    r.order_id,
                    r.kind,
                    r.invoice_type,
                    r.title,
                    r.status,
                    _utc(r.created_at) or r.created_at,
                )
                for r in rows
            ]

    # ------------------------------------------------------------ writes

    async def cancel_order(self, customer_id: str, order_id: str) -> Order | None:
        async with self._sessions.begin() as s:
            row = await self._own_order(s, customer_id, order_id)
            if row is None or row.status not in (OrderStatus.UNPAID, OrderStatus.PAID):
                return None
            was_paid = row.status == OrderStatus.PAID
            row.status = OrderStatus.CANCELLED.value
            if was_paid:
                now = datetime.now(UTC)
                s.add(
                    RefundRow(
                        id=_new_id("RF"),
                        order_id=row.id,
                        amount_cents=row.amount_cents,
                        status=RefundStatus.PROCESSING.value,
                        method="原路退回",
                        created_at=now,
                        expected_by=local_date(now + timedelta(days=REFUND_DAYS)),
                    )
                )
            await s.flush()
            return await self._to_order(s, row)

    async def change_contact(
        self,
        customer_id: str,
        order_id: str,
        *,
        address: str | None = None,
        phone: str | None = None,
    ) -> Order | None:
        async with self._sessions.begin() as s:
            row = await self._own_order(s, customer_id, order_id)
            if row is None or row.status not in (OrderStatus.UNPAID, OrderStatus.PAID):
                return None
            if address:
                row.address = address.strip()[:300]
            if phone:
                row.phone = phone.strip()[:32]
            await s.flush()
            return await self._to_order(s, row)

    async def create_return(
        self, customer_id: str, order_id: str, reason: str, quality_issue: bool
    ) -> ReturnRequest | None:
        async with self._sessions.begin() as s:
            row = await self._own_order(s, customer_id, order_id)
            if row is None:
                return None
            found = await _open_request(s, ReturnRow, row.id)
            if found is not None:
                return _return_request(found, existing=True)
            req = ReturnRow(
                id=_new_id("RT"),
                order_id=row.id,
                reason=reason.strip()[:2000],
                quality_issue=quality_issue,
                status="pending_review",
                created_at=datetime.now(UTC),
            )
            s.add(req)
            return _return_request(req)

    async def request_invoice(
        self, customer_id: str, order_id: str, invoice_type: str, title: str
    ) -> Invoice | None:
        async with self._sessions.begin() as s:
            row = await self._own_order(s, customer_id, order_id)
            if row is None or row.status in (OrderStatus.UNPAID, OrderStatus.CANCELLED):
                return None
            existing = (
                await s.scalars(select(InvoiceRow.id).where(InvoiceRow.order_id == row.id))
            ).first()
            inv = InvoiceRow(
                id=_new_id("IV"),
                order_id=row.id,
                kind="correction" if existing else "issue",
                invoice_type=invoice_type.strip()[:32],
                title=title.strip()[:200],
                status="requested",
                created_at=datetime.now(UTC),
            )
            s.add(inv)
            return Invoice(
                inv.id,
                inv.order_id,
                inv.kind,
                inv.invoice_type,
                inv.title,
                inv.status,
                inv.created_at,
            )

    async def create_repair(
        self, customer_id: str, order_id: str, fault: str
    ) -> RepairRequest | None:
        async with self._sessions.begin() as s:
            row = await self._own_order(s, customer_id, order_id)
            if row is None or row.warranty_months <= 0 or row.status != OrderStatus.DELIVERED:
                return None
            found = await _open_request(s, RepairRow, row.id)
            if found is not None:
                return _repair_request(found, existing=True)
            order = await self._to_order(s, row)
            req = RepairRow(
                id=_new_id("RP"),
                order_id=row.id,
                fault=fault.strip()[:2000],
                in_warranty=in_warranty(order),
                status="submitted",
                created_at=datetime.now(UTC),
            )
            s.add(req)
            return _repair_request(req)
