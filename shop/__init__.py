"""The shop backend the bot's order flows talk to: an interface and one SQL implementation.

Order ids are 11 digits (``20231120001``) or 1–3 letters and 5–16 digits (``KF2023112000123``).
Every look-up is by (customer id, order id); another customer's order looks like a missing one.
"""

from kefu.masking import mask_address, mask_phone, mask_text
from shop.api import (
    ORDER_ID_RE,
    RETURN_DAYS_NO_REASON,
    RETURN_DAYS_QUALITY,
    REVIEW_HOURS,
    Customer,
    Invoice,
    Order,
    OrderStatus,
    Refund,
    RefundStatus,
    RepairRequest,
    ReturnRequest,
    Shipment,
    ShopBackend,
    TrackingEvent,
    normalise_order_id,
    normalise_phone,
)
from shop.policy import (
    ReturnCheck,
    check_return,
    could_return,
    in_warranty,
    is_quality_reason,
    local_date,
    shop_today,
    warranty_end,
)
from shop.sql import SqlShop

__all__ = [
    "ORDER_ID_RE",
    "RETURN_DAYS_NO_REASON",
    "RETURN_DAYS_QUALITY",
    "REVIEW_HOURS",
    "Customer",
    "Invoice",
    "Order",
    "OrderStatus",
    "Refund",
    "RefundStatus",
    "RepairRequest",
    "ReturnCheck",
    "ReturnRequest",
    "Shipment",
    "ShopBackend",
    "SqlShop",
    "TrackingEvent",
    "check_return",
    "could_return",
    "in_warranty",
    "is_quality_reason",
    "local_date",
    "mask_address",
    "mask_phone",
    "mask_text",
    "normalise_order_id",
    "normalise_phone",
    "shop_today",
    "warranty_end",
]
