"""After-sales rules from the shops' service manuals: return windows and warranty."""

from __future__ import annotations

import calendar
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from shop.api import RETURN_DAYS_NO_REASON, RETURN_DAYS_QUALITY, Order, OrderStatus

_QUALITY = re.compile(
    r"质量|品质|質量|瑕疵|破损|破損|损坏|損壞|坏了|壞了|故障|开线|開線|掉色|起球|漏|发错|發錯|"
    # "洗了一水 缩得跟童装似的": what goes wrong with an item in use
    r"缩水|縮水|缩得|縮得|缩成|縮成|变形|變形|褪色|脱线|脫線|开胶|開膠|裂开|裂開|断了|斷了|"
    r"quality|defect|broken|damaged|faulty|wrong item|\bshr[au]nk\b|fell apart|came apart|"
    r"\bfaded\b",
    re.IGNORECASE,
)


# Return windows and warranties are counted in the shop's calendar days, the way customers and the
# consumer rules count them (签收次日起算): delivered on 11-25, on 12-05 it is 10 days, whatever the
# hour. A Chinese shop's calendar is Beijing time; another shop sets KEFU_SHOP_TIMEZONE.
SHOP_TZ = ZoneInfo(os.environ.get("KEFU_SHOP_TIMEZONE") or "Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The shop's calendar date of a moment (naive datetimes are UTC, as the database stores)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHOP_TZ).date()


def shop_today() -> date:
    return datetime.now(SHOP_TZ).date()


# "不是质量问题 就是不合身", "没有质量问题", "not a quality issue": the reason denies it.
_NOT_QUALITY = re.compile(
    r"(?:不是|并不是|並不是|没有|沒有|没啥|沒啥|无|無|非)(?:什么|什麼)?(?:质量|質量|品质|品質)|"
    r"\bnot (?:a )?(?:quality|defect)|\bno (?:quality|defect)|\bnothing wrong\b",
    re.IGNORECASE,
)


def is_quality_reason(reason: str) -> bool:
    text = _NOT_QUALITY.sub(" ", reason or "")
    return bool(_QUALITY.search(text))


@dataclass(frozen=True)
class ReturnCheck:
    eligible: bool
    why: str  # ok | not_delivered | cancelled | window_passed
    days_since_delivery: int | None
    window_days: int


def _days_since(moment: datetime | None, now: datetime) -> int | None:
    """Calendar days from the moment's date to now's date, in the shop's time zone."""
    if moment is None:
        return None
    return (local_date(now) - local_date(moment)).days


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
    """The last day of the warranty: the same day N months after delivery (签收之日起), or the
    month's last day when that month is shorter (delivered 10-31 → 12 months → 10-31; 01-31 →
    1 month → 02-28)."""
    if order.warranty_months <= 0:
        return None
    start = local_date(order.delivered_at or order.paid_at or order.created_at)
    month = start.month - 1 + order.warranty_months
    year = start.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def in_warranty(order: Order, today: date | None = None) -> bool:
    end = warranty_end(order)
    return end is not None and (today or shop_today()) <= end
