"""After-sales rules from the shops' service manuals: return windows and warranty."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from shop.api import RETURN_DAYS_NO_REASON, RETURN_DAYS_QUALITY, Order, OrderStatus

_QUALITY = re.compile(
    r"质量|品质|質量|瑕疵|破损|破損|损坏|損壞|坏了|壞了|故障|开线|開線|掉色|起球|漏|发错|發錯|"
    r"quality|defect|broken|damaged|faulty|wrong item",
    re.IGNORECASE,
)


def is_quality_reason(reason: str) -> bool:
    return bool(_QUALITY.search(reason or ""))


@dataclass(frozen=True)
class ReturnCheck:
    eligible: bool
    why: str  # ok | not_delivered | cancelled | window_passed
    days_since_delivery: int | None
    window_days: int


def _days_since(moment: datetime | None, now: datetime) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (now - moment).days


def check_return(order: Order, quality_issue: bool, now: datetime | None = None) -> ReturnCheck:
    """七天无理由 from delivery; quality problems 15 days."""
    now = now or datetime.now(UTC)
    window = RETURN_DAYS_QUALITY if quality_issue else RETURN_DAYS_NO_REASON
    if order.status is OrderStatus.CANCELLED:
        return ReturnCheck(False, "cancelled", None, window)
    if order.status is not OrderStatus.DELIVERED:
        return ReturnCheck(False, "not_delivered", None, window)
    days = _days_since(order.delivered_at, now)
    if days is None or days > window:
        return ReturnCheck(False, "window_passed", days, window)
    return ReturnCheck(True, "ok", days, window)


def could_return(order: Order, now: datetime | None = None) -> bool:
    """Whether any return is still possible (within the longest window)."""
    return check_return(order, quality_issue=True, now=now).eligible


def warranty_end(order: Order) -> date | None:
    if order.warranty_months <= 0:
        return None
    start = (order.delivered_at or order.paid_at or order.created_at).date()
    month = start.month - 1 + order.warranty_months
    year = start.year + month // 12
    month = month % 12 + 1
    # The same day N months on; the month's last day when it has no such day (31 Jan + 1
    # month = 28/29 Feb), never a day early: "已于 10-28 到期" for a warranty ending 10-31
    # would be untrue.
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def in_warranty(order: Order, today: date | None = None) -> bool:
    end = warranty_end(order)
    return end is not None and (today or datetime.now(UTC).date()) <= end
