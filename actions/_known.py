"""What the bot learnt before a handoff, for the packet: the order id the customer typed, the
FAQs the bot answered, and a summary of what the customer wanted (an explicit 转人工 carries
all of them, not only the flows that filled a slot)."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker

from actions._services import Services
from kefu.logging import get_logger
from shop import normalise_order_id

log = get_logger(__name__)

FAQ_INTENTS = frozenset({"ask_faq", "product_inquiry"})
WANTS = {  # intent -> what the customer wanted, as an agent reads it (zh / en)
    "check_order_status": ("查询订单状态", "order status"),
    "track_shipment": ("查询物流", "where the parcel is"),
    "cancel_order": ("取消订单", "cancel an order"),
    "change_order": ("修改订单", "change an order"),
    "request_return": ("退换货", "a return or exchange"),
    "check_refund": ("查询退款", "their refund"),
    "request_invoice": ("开发票", "an invoice"),
    "payment_problem": ("支付问题", "a payment problem"),
    "request_repair": ("维修/保修", "a repair"),
    "file_complaint": ("投诉", "to complain"),
    "check_ticket": ("查询工单", "their ticket"),
    "product_inquiry": ("商品咨询", "product details"),
    "ask_faq": ("咨询规则", "a policy question"),
}


def _user_events(tracker: Tracker) -> list[dict[str, Any]]:
    return [e for e in tracker.events or [] if e.get("event") == "user"]


def typed_order_id(tracker: Tracker) -> str | None:
    """The order id in the ``order_id`` slot, else the last one the customer typed."""
    found = normalise_order_id(tracker.get_slot("order_id"))
    if found:
        return found
    for event in reversed(_user_events(tracker)):
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            if entity.get("entity") == "order_id":
                oid = normalise_order_id(entity.get("value"))
                if oid:
                    return oid
    return None


def _faq_turns(tracker: Tracker, limit: int = 3) -> list[tuple[str, str]]:
    """(question, the bot's next reply) for the customer's recent FAQ-type messages."""
    turns: list[tuple[str, str]] = []
    asked: str | None = None
    for event in tracker.events or []:
        kind = event.get("event")
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            asked = str(event.get("text") or "") if intent in FAQ_INTENTS else None
        elif kind == "bot" and asked:
            turns.append((asked, str(event.get("text") or "")))
            asked = None
    return turns[-limit:]


async def faqs_answered(services: Services, tracker: Tracker, lang: str) -> list[dict[str, Any]]:
    """The FAQs whose answer the bot gave (the knowledge base's top hit for the question was
    exactly what the bot said)."""
    found: list[dict[str, Any]] = []
    for question, reply in _faq_turns(tracker):
        try:
            hits = await asyncio.to_thread(services.searcher.search, question, lang, 1)
        except Exception as exc:  # the packet goes out without it rather than not at all
            log.warning("faq look-up for the packet failed", error=repr(exc))
            return found
        if hits and hits[0].answer.strip() == reply.strip():
            hit = hits[0]
            found.append(
                {
                    "faq_id": hit.faq_id,
                    "question": hit.question,
                    "score": round(hit.score, 3),
                    "answered": True,
                }
            )
    return found


def wanted(tracker: Tracker, order_id: str | None) -> str:
    """One line of what the customer wanted: their recent requests, and the order."""
    seen: list[str] = []
    for event in _user_events(tracker):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in WANTS and intent not in seen:
            seen.append(intent)
    if not seen and not order_id:
        return ""
    zh = "、".join(WANTS[i][0] for i in seen[-3:])
    en = ", ".join(WANTS[i][1] for i in seen[-3:])
    if order_id:
        zh = f"{zh}（订单 {order_id}）" if zh else f"订单 {order_id}"
        en = f"{en} (order {order_id})" if en else f"order {order_id}"
    return f"客户想要：{zh} / wanted: {en}"
