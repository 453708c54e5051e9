"""An order's warranty asked about, not a repair asked for ("20231120013 这个保修截止到哪天",
"is my watch still under warranty"): the order's own dates say until when, and nothing is
filed (``actions.order_status`` answers it; ``actions._flow_start`` keeps such a message from
starting the repair flow, which files a repair)."""

from __future__ import annotations

import re

from actions._text import say
from kefu.mandarin import to_mandarin
from shop import Order, OrderStatus, in_warranty, warranty_end

__all__ = ["asks_warranty_state", "warranty_state_text"]

_STATE_ASKED = re.compile(
    r"保修[^，。,.!?？！]{0,6}(?:截止|到哪天|到几号|到什么时候|到啥时候|还有多久|还剩|过了没|过期了?[吗没]|"
    r"还在不在|还在吗|还有没有|有没有过)|(?:还在|过了|过没过)[^，。,.!?？！]{0,3}保修期?|(?:在不在|在唔在)[^，。,.!?？！]{0,3}保修期|"
    r"\bwarranty\b[^.?!]{0,20}\b(?:until|expire[sd]?|end(?:s|ed)?|left|still valid|run out)\b|"
    r"\b(?:still|stil) (?:under|in) warranty\b|\bwhen does (?:the |my |its )?warranty\b",
    re.IGNORECASE,
)
# A fault described: a repair is asked for, whatever else the message asks.
_FAULT = re.compile(
    r"坏|故障|不亮|开不了机|充不进|没声|杂音|断连|不工作|\b(?:broken|broke|faulty|stopped working|"
    r"won'?t (?:turn|charge|connect)|cutting out|not working|dead)\b",
    re.IGNORECASE,
)


def asks_warranty_state(text: str) -> bool:
    """The message asks until when the warranty lasts, describing no fault."""
    plain = to_mandarin(text or "")
    return bool(_STATE_ASKED.search(plain)) and not _FAULT.search(plain)


def warranty_state_text(lang: str, order: Order) -> str:
    """Until when ``order``'s warranty lasts, from its delivery date."""
    end = warranty_end(order)
    if end is None:
        return say(
            lang,
            f"订单 {order.id} 的{order.item}不属于保修商品呢～"
            "有质量问题的，签收15天内可以申请退换货。",
            f"{order.item} (order {order.id}) has no repair warranty; quality problems can be "
            "returned within 15 days of delivery.",
        )
    if order.status is not OrderStatus.DELIVERED:
        return say(
            lang,
            f"{order.item}（订单 {order.id}）享受{order.warranty_months}个月保修，"
            "自签收之日起计算～",
            f"{order.item} (order {order.id}) comes with a {order.warranty_months}-month warranty"
            " from delivery.",
        )
    if in_warranty(order):
        return say(
            lang,
            f"{order.item}（订单 {order.id}）在保修期内，保修至 {end.isoformat()}"
            f"（签收起{order.warranty_months}个月）；保修期内的非人为损坏免费维修～",
            f"{order.item} (order {order.id}) is under warranty until {end.isoformat()} "
            f"({order.warranty_months} months from delivery); faults not caused by accident are "
            "repaired free.",
        )
    return say(
        lang,
        f"{order.item}（订单 {order.id}）的保修已于 {end.isoformat()} 到期，可以申请付费维修，"
        "检测后先报价～",
        f"{order.item} (order {order.id}) went out of warranty on {end.isoformat()}; a paid "
        "repair is possible, quoted before any work.",
    )
