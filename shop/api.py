"""The shop interface the bot codes against, and the after-sales rules it applies.

A real shop replaces :class:`shop.sql.SqlShop` by implementing :class:`ShopBackend`; nothing in
``actions/`` knows which implementation it talks to.

Order ids: 11 digits (``20231120001``) or 1–3 letters then 5–16 digits (``KF2023112000123``),
the format the NLU's ``order_id`` regex extracts (data/nlu/regex.yml). Look-ups always take the
customer id too: another customer's order answers exactly like one that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

ORDER_ID_RE = re.compile(r"^(?:[A-Za-z]{1,3}[0-9]{5,16}|[0-9]{11,16})$")

RETURN_DAYS_NO_REASON = 7  # 七天无理由退货, counted from delivery
RETURN_DAYS_QUALITY = 15  # quality problems
REVIEW_HOURS = 24  # eligible return requests are reviewed within this many hours


def normalise_order_id(value: object) -> str | None:
    """The canonical form of an order id a customer typed, or None if it cannot be one."""
    if value is None:
        return None
    # "2023 1120 005", "20231120.003" — a dot between digits only: "No.2023…" is no id
    text = re.sub(r"[\s\-_]+|(?<=\d)\.(?=\d)", "", str(value)).upper()
    return text if ORDER_ID_RE.match(text) else None


def normalise_phone(value: str) -> str:
    """A mainland mobile number as 11 digits ("+86 138-1234-5678" -> "13812345678"), or ""."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if re.fullmatch(r"1[3-9][0-9]{9}", digits) else ""


class OrderStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"  # paid, not shipped yet
    SHIPPED = "shipped"  # in transit
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class RefundStatus(StrEnum):
    PROCESSING = "processing"
    REFUNDED = "refunded"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Customer:
    id: str
    display_name: str
    vip_level: int
    phone: str
    lang: str


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime
    location: str
    description: str


@dataclass(frozen=True)
class Shipment:
    carrier: str
    tracking_no: str
    status: str  # in_transit | delivered
    events: list[TrackingEvent] = field(default_factory=list)


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    status: OrderStatus
    item: str
    spec: str
    quantity: int
    amount_cents: int
    category: str
    warranty_months: int
    receiver: str
    phone: str
    address: str
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    promised_delivery: date | None
    shipment: Shipment | None = None

    @property
    def shipped(self) -> bool:
        return self.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)


@dataclass(frozen=True)
class Refund:
    id: str
    order_id: str
    amount_cents: int
    status: RefundStatus
    method: str
    created_at: datetime
    expected_by: date | None
    completed_at: datetime | None


# A return or repair request in one of these states is over; any other is still open, and an
# order has at most one open request of each kind.
CLOSED_REQUEST_STATES = frozenset({"rejected", "cancelled", "closed", "completed"})


@dataclass(frozen=True)
class ReturnRequest:
    id: str
    order_id: str
    reason: str
    quality_issue: bool
    status: str
    created_at: datetime
    existing: bool = False  # the order's open request, found: nothing new was filed


@dataclass(frozen=True)
class Invoice:
    id: str
    order_id: str
    kind: str  # issue | correction
    invoice_type: str
    title: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class RepairRequest:
    id: str
    order_id: str
    fault: str
    in_warranty: bool
    status: str
    created_at: datetime
    existing: bool = False  # the order's open request, found: nothing new was filed


class ShopBackend(Protocol):
    """What the bot may ask a shop. Every look-up is scoped to one customer."""

    async def customer(self, customer_id: str) -> Customer | None:
        """The customer with the shop's own (external) id."""
        ...

    async def customer_by_openid(self, openid: str) -> Customer | None:
        """The customer a WeChat openid is bound to (or the shop resolves it to)."""
        ...

    async def customer_by_phone(self, phone: str) -> Customer | None:
        """The customer with this phone number (digits only; +86 and separators ignored)."""
        ...

    async def bind_openid(self, customer_id: str, openid: str | None) -> bool:
        """Bind a WeChat openid to the customer (None unbinds); False if it is someone else's."""
        ...

    async def order(self, customer_id: str, order_id: str) -> Order | None: ...

    async def recent_orders(self, customer_id: str, limit: int = 5) -> list[Order]: ...

    async def product_names(self) -> list[str]:
        """The names of the products the shop sells (its catalogue, as its orders show it):
        no customer's data. The bot reads which products a customer may name from it."""
        ...

    async def cancel_order(self, customer_id: str, order_id: str) -> Order | None:
        """Cancel before shipment (refunding a paid order); None if not found or not allowed."""
        ...

    async def change_contact(
        self,
        customer_id: str,
        order_id: str,
        *,
        address: str | None = None,
        phone: str | None = None,
    ) -> Order | None:
        """Change the delivery address or phone before shipment; None if not allowed."""
        ...

    async def refunds(self, customer_id: str, order_id: str | None = None) -> list[Refund]: ...

    async def create_return(
        self, customer_id: str, order_id: str, reason: str, quality_issue: bool
    ) -> ReturnRequest | None:
        """File a return request; if the order has an open one, that one (``existing``)."""
        ...

    async def invoices(self, customer_id: str, order_id: str) -> list[Invoice]: ...

    async def request_invoice(
        self, customer_id: str, order_id: str, invoice_type: str, title: str
    ) -> Invoice | None:
        """Issue an invoice, or a correction request when one was issued already."""
        ...

    async def create_repair(
        self, customer_id: str, order_id: str, fault: str
    ) -> RepairRequest | None:
        """File a repair request; if the order has an open one, that one (``existing``)."""
        ...
