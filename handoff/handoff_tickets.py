"""The ticket behind a handoff that nobody can take now, or behind a complaint (always one): its
type, priority and text read from the handoff packet, found or made once per conversation under
a Redis lock, and told to the customer with its due time in the shop's time zone."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from redis.exceptions import LockError
from sqlalchemy.ext.asyncio import AsyncEngine

from handoff.ticket_marks import ticket_linked
from handoff.tickets import create_ticket, local_time, open_ticket_for
from kefu import redis_keys as keys

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from handoff.conversation import Conversations

LOCK_WAIT_S = 5.0


def handoff_ticket_text(packet: dict[str, Any]) -> str:
    """What a ticket made from a handoff packet says: the summary, then the customer's recent
    lines (the packet is already masked)."""
    lines = [str(packet.get("summary") or "").strip()]
    for turn in packet.get("transcript") or []:
        if isinstance(turn, dict) and turn.get("from") == "customer" and turn.get("text"):
            lines.append(f"客户 / customer: {turn['text']}")
    return "\n".join(line for line in lines if line)[:4000] or "-"


def handoff_ticket_kind(packet: dict[str, Any]) -> tuple[str, str]:
    """A handoff's ticket type and priority: a complaint is a complaint ticket; an invoice
    question an invoice ticket; the after-sales group's work an after-sales review; anything
    else a message the customer left."""
    intents = [str(i.get("name", "")) for i in packet.get("intents") or [] if isinstance(i, dict)]
    high = packet.get("reason") in ("complaint", "vip") or int(packet.get("priority") or 0) >= 2
    priority = "high" if high else "normal"
    if packet.get("reason") == "complaint":
        return "complaint", priority
    if "request_invoice" in intents[:1]:
        return "invoice", priority
    if packet.get("skill_group") == "aftersales":
        return "after_sales", priority
    return "left_message", priority


async def ticket_for_handoff(
    engine: AsyncEngine,
    conversations: Conversations,
    packet: dict[str, Any],
    *,
    timezone: str,
) -> dict[str, Any]:
    """The ticket behind a handoff nobody can take now, or behind a complaint (always one):
    the conversation's open ticket if it has one, else a new one with the packet. Returns
    ``{"id", "due_at", "type", "status"}`` with ``due_at`` in the shop's time zone, which is
    what the bot tells the customer."""
    conversation_id = packet["conversation_id"]
    async with _ticket_lock(conversations.redis, conversation_id):
        ticket = await _find_or_make(engine, conversations, packet, timezone)
    return {
        "id": ticket["id"],
        "due_at": local_time(str(ticket["due_at"]), timezone),
        "type": ticket["type"],
        "status": ticket["status"],
    }


@contextlib.asynccontextmanager
async def _ticket_lock(redis: Redis, conversation_id: str) -> AsyncIterator[None]:
    """One finder-or-maker of a conversation's ticket at a time (a complaint's handoff and a
    give-up of the same moment make one ticket). redis-py's lock: a token owned by this holder,
    released by a script only while it is still ours. Waits up to ``LOCK_WAIT_S``; after that it
    goes on unlocked (a second ticket is better than a lost one)."""
    lock = redis.lock(
        keys.conv_ticket_lock(conversation_id),
        timeout=LOCK_WAIT_S,
        sleep=0.05,
        blocking_timeout=LOCK_WAIT_S,
    )
    held = bool(await lock.acquire())
    try:
        yield
    finally:
        if held:
            with contextlib.suppress(LockError):  # expired meanwhile: nothing of ours to free
                await lock.release()


async def _find_or_make(
    engine: AsyncEngine, conversations: Conversations, packet: dict[str, Any], timezone: str
) -> dict[str, Any]:
    conversation_id = packet["conversation_id"]
    ticket = await open_ticket_for(engine, conversation_id)
    if ticket is None:
        kind, priority = handoff_ticket_kind(packet)
        ticket = await create_ticket(
            engine,
            conversation_id,
            str((packet.get("customer") or {}).get("id") or ""),
            handoff_ticket_text(packet),
            packet.get("skill_group", ""),
            kind=kind,
            priority=priority,
            channel=str(packet.get("channel") or ""),
            packet=packet,
            timezone=timezone,
        )
        await ticket_linked(conversations.redis, [conversation_id])
        await conversations.append(
            conversation_id,
            "ticket_created",
            {"ticket_id": ticket["id"], "reason": packet.get("reason", "")},
        )
    return ticket
