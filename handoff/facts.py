"""Conversation facts: one SQL row per ended conversation (``handoff.models.ConversationFact``),
built from the conversation's state, its event log, its handoff packet and the intents the bot
recognised, and the customer's answers after the end (solved or not, a rating).

Writing is idempotent and safe in any order with the customer's answers: the facts builder
reads the answers from the event log, and an answer that arrives after the row was written
updates the row, so whichever runs last leaves the same row. A conversation that ends again
after the customer wrote anew (closed → bot → closed) gets its row rewritten from the whole
log; a rating once given stays."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from handoff.models import ConversationFact
from handoff.recontact import remark_customer, topic_of
from handoff.rollups import touch
from handoff.states import ConversationState, Event

# The customer's answer to "问题解决了吗？" (``solved_answer`` events), and what else ends a chat.
SOLVED, UNSOLVED = "solved", "unsolved"
MAX_COMMENT_CHARS = 1000


def build_fact(
    state: ConversationState,
    events: list[Event],
    packet: dict[str, Any],
    intents: Iterable[str] = (),
    faq_ids: Iterable[str] = (),
    ticket_id: int | None = None,
) -> ConversationFact:
    """The facts of a closed conversation (``events``: its whole log, oldest first)."""
    closing = [e for e in events if e.type == "closed"]
    if not closing:
        raise ValueError(f"{state.conversation_id} has not ended")
    closed = closing[-1]
    first = events[0]
    queued = _first(events, "queued")
    accepted = _first(events, "accepted")
    agent_reply = _first_after(events, accepted, _is_agent_message)
    raw_customer = packet.get("customer")
    customer: dict[str, Any] = raw_customer if isinstance(raw_customer, dict) else {}
    tickets = [e for e in events if e.type == "ticket_created" and e.data.get("ticket_id")]
    ticket = (
        ticket_id
        if ticket_id is not None
        else _int(tickets[-1].data["ticket_id"])
        if tickets
        else None
    )
    rating = _last_after(events, closed, "csat")
    all_intents = _ordered([*intents, *_packet_intents(packet)])
    return ConversationFact(
        conversation_id=state.conversation_id,
        customer_id=state.customer_id or str(customer.get("id") or ""),
        channel=state.channel or str(packet.get("channel") or ""),
        lang=state.extra.get("lang") or str(customer.get("language") or "zh"),
        customer_tier=int(customer.get("vip_level") or 0),
        started_at=_at(first.ts),
        ended_at=_at(closed.ts),
        intents=all_intents,
        topic=topic_of(all_intents),
        faq_ids=_ordered(faq_ids),
        bot_only=accepted is None,
        handoff_reason=str(packet["reason"]) if packet.get("reason") else None,
        skill_group=state.group or str(packet.get("skill_group") or "") or None,
        agent=str(closed.data.get("agent") or "") or (state.agent or None),
        wait_s=_span(queued, accepted),
        first_response_s=_span(accepted, agent_reply),
        handle_s=_span(accepted, closed),
        resolution=_resolution(events, closed, queued, accepted, ticket),
        ticket_id=ticket,
        rating=int(rating.data["score"]) if rating is not None else None,
        rating_comment=str(rating.data.get("comment") or "") if rating is not None else "",
        rated_at=_at(rating.ts) if rating is not None else None,
    )


async def write_fact(engine: AsyncEngine, fact: ConversationFact) -> None:
    """Insert the row, or rewrite it (a conversation that ended again); a rating given before
    is kept. The customer's recontact marks are redone, and the report days touched (old and new
    end, every fact whose mark changed) are marked for a new roll-up in the same transaction."""
    async with AsyncSession(engine) as session:
        old = await session.get(ConversationFact, fact.conversation_id)
        old_end = old.ended_at if old is not None else None
        if old is not None and old.rating is not None and fact.rating is None:
            fact.rating, fact.rating_comment, fact.rated_at = (
                old.rating,
                old.rating_comment,
                old.rated_at,
            )
        fact.recontacted = bool(old.recontacted) if old is not None else False
        await session.merge(fact)
        await session.flush()
        changed = await remark_customer(session, fact.customer_id)
        await touch(session, [old_end, fact.ended_at, *changed])
        await session.commit()


async def rate(engine: AsyncEngine, conversation_id: str, score: int, comment: str) -> bool:
    """Store a rating on the facts row once. → False if the row has a rating already or does
    not exist yet (the archiver then reads the rating from the event log)."""
    query = (
        update(ConversationFact)
        .where(ConversationFact.conversation_id == conversation_id)
        .where(ConversationFact.rating.is_(None))
        .values(rating=score, rating_comment=comment[:MAX_COMMENT_CHARS], rated_at=_now())
    )
    async with AsyncSession(engine) as session:
        result: Any = await session.execute(query)
        if result.rowcount:
            await touch(session, [await _ended(session, conversation_id)])
        await session.commit()
        return bool(result.rowcount)


async def rated(engine: AsyncEngine, conversation_id: str) -> bool:
    async with AsyncSession(engine) as session:
        fact = await session.get(ConversationFact, conversation_id)
        return fact is not None and fact.rating is not None


async def set_resolution(engine: AsyncEngine, conversation_id: str, resolution: str) -> None:
    """The customer's answer to "问题解决了吗？" (only over "no answer yet")."""
    query = (
        update(ConversationFact)
        .where(ConversationFact.conversation_id == conversation_id)
        .where(ConversationFact.resolution == "unknown")
        .values(resolution=resolution)
    )
    async with AsyncSession(engine) as session:
        result: Any = await session.execute(query)
        if result.rowcount:
            await touch(session, [await _ended(session, conversation_id)])
        await session.commit()


async def _ended(session: AsyncSession, conversation_id: str) -> datetime | None:
    return await session.scalar(
        select(ConversationFact.ended_at).where(ConversationFact.conversation_id == conversation_id)
    )


async def fact_of(engine: AsyncEngine, conversation_id: str) -> dict[str, Any] | None:
    async with AsyncSession(engine) as session:
        fact = await session.get(ConversationFact, conversation_id)
        return fact.public() if fact is not None else None


def _resolution(
    events: list[Event],
    closed: Event,
    queued: Event | None,
    accepted: Event | None,
    ticket: int | None,
) -> str:
    answer = _last_after(events, closed, "solved_answer")
    if answer is not None:
        return SOLVED if answer.data.get("solved") else UNSOLVED
    if ticket is not None:
        return "ticket"
    if queued is not None and accepted is None:
        # Waited for a person, none came, and no ticket: a lead's spam close from the queue,
        # or a give-up whose ticket could not be written. Giving up on the queue (said so,
        # ended the wait, past the maximum wait: handoff.give_up) makes a ticket, so it is
        # "ticket" above. docs/metrics.md defines each value.
        return "abandoned"
    return "unknown"


def _is_agent_message(event: Event) -> bool:
    return event.type == "message" and event.data.get("from") == "agent"


def _first(events: list[Event], kind: str) -> Event | None:
    return next((e for e in events if e.type == kind), None)


def _first_after(events: list[Event], start: Event | None, test: Any) -> Event | None:
    if start is None:
        return None
    return next((e for e in events if e.seq > start.seq and test(e)), None)


def _last_after(events: list[Event], start: Event, kind: str) -> Event | None:
    found = [e for e in events if e.seq > start.seq and e.type == kind]
    return found[-1] if found else None


def _span(start: Event | None, end: Event | None) -> float | None:
    if start is None or end is None:
        return None
    return round(max(0.0, end.ts - start.ts), 3)


def _packet_intents(packet: dict[str, Any]) -> list[str]:
    out = []
    for item in packet.get("intents") or []:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name:
            out.append(name)
    return out


def _ordered(values: Iterable[str]) -> list[str]:
    """Distinct values in the order first seen."""
    return list(dict.fromkeys(v for v in values if v))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _now() -> datetime:
    return datetime.now(UTC)
