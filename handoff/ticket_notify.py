"""What the customer hears about their ticket, on the channel they used: a ``ticket_update``
event on the ticket's conversation (the web chat shows it live and again when the customer comes
back, REST clients read it from the events endpoint, the gateway's WeChat outbox sends it as a
customer-service message while WeChat's window is open).

Texts are written once in simplified Chinese and English; the traditional form comes from OpenCC
(``kefu.i18n``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kefu.i18n import to_traditional
from kefu.logging import get_logger

if TYPE_CHECKING:
    from handoff.conversation import Conversations

log = get_logger(__name__)

# state → (zh, en); {id} is the ticket number
STATE_TEXTS: dict[str, tuple[str, str]] = {
    "in_progress": (
        "您的工单 {id} 已有客服在处理。",
        "An agent is now working on your ticket {id}.",
    ),
    "waiting_customer": (
        "您的工单 {id} 需要您补充信息，请直接在这里回复我们。",
        "Your ticket {id} needs more information from you: please reply here.",
    ),
    "resolved": ("您的工单 {id} 已处理完成。", "Your ticket {id} has been resolved."),
    "closed": ("您的工单 {id} 已关闭。", "Your ticket {id} is closed."),
    "reopened": (
        "您的工单 {id} 已重新打开，我们会继续处理。",
        "Your ticket {id} was reopened; we're on it.",
    ),
}


# What the customer is told when a ticket stands in for a person: the number, by when, and that
# they can add to it. The nobody-online reply (``actions._handoff``) and giving up on the queue
# (``handoff.give_up``) both say it after their own first sentence.
TICKET_OPENED = (
    "已为您创建工单 {id}，客服会在{due}前处理并联系您。您可以继续在这里补充情况或留下联系电话～",
    "I've opened ticket {id} for you; an agent will handle it and contact you by {due}. "
    "You can add details or a phone number here.",
)


def due_text(due_at: str) -> tuple[str, str]:
    """A ticket's due time as the customer reads it (given in the shop's time zone):
    "12月5日 18:00" / "Dec 5, 18:00"."""
    try:
        due = datetime.fromisoformat(due_at)
    except (TypeError, ValueError):
        return "规定时间", "the promised time"
    return f"{due.month}月{due.day}日 {due:%H:%M}", f"{due:%b} {due.day}, {due:%H:%M}"


def opened_texts(ticket_id: int, due_at: str) -> tuple[str, str]:
    """``TICKET_OPENED`` filled in: (simplified Chinese, English)."""
    due_zh, due_en = due_text(due_at)
    return (
        TICKET_OPENED[0].format(id=ticket_id, due=due_zh),
        TICKET_OPENED[1].format(id=ticket_id, due=due_en),
    )


def update_texts(ticket_id: int, state: str | None, progress: str = "") -> tuple[str, str] | None:
    """The customer's line for a state change and/or a progress reply, or None (nothing to say)."""
    zh, en = STATE_TEXTS.get(state or "", ("", ""))
    zh, en = zh.format(id=ticket_id), en.format(id=ticket_id)
    if progress:
        zh = (zh + " " if zh else f"工单 {ticket_id} 进展：") + progress
        en = (en + " " if en else f"Ticket {ticket_id} update: ") + progress
    return (zh, en) if zh else None


async def tell_customer(
    conversations: Conversations,
    ticket: dict[str, Any],
    *,
    state: str | None = None,
    progress: str = "",
) -> int | None:
    """Append the ``ticket_update`` event to the ticket's conversation; its seq, or None."""
    conversation_id = str(ticket.get("conversation_id") or "")
    texts = update_texts(int(ticket["id"]), state, progress)
    if not conversation_id or texts is None:
        return None
    try:
        return await conversations.append(
            conversation_id,
            "ticket_update",
            {
                "ticket_id": ticket["id"],
                "status": ticket.get("status"),
                "text_for_customer": texts[0],
                "text_for_customer_en": texts[1],
                "text_for_customer_hant": to_traditional(texts[0]),
            },
        )
    except Exception as exc:  # the ticket changed; the log keeps the line for the agent
        log.warning("ticket update not delivered", ticket_id=ticket["id"], error=repr(exc))
        return None
