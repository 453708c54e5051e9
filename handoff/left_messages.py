"""What a customer writes for a person when no person is talking to them becomes ticket text:
a message left while waiting in the queue (a ticket, and the conversation closes with it), and
what they add while their conversation has an open ticket (it joins the ticket's log). Reached
through ``QueueService.leave_message`` and ``QueueService.add_to_open_ticket``."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from handoff.conversation import Owner, TransitionRefused, check_conversation_id
from handoff.ticket_log import add_to_ticket
from handoff.ticket_marks import open_ticket, ticket_linked
from handoff.tickets import create_ticket, open_ticket_for
from kefu.errors import ApiError

if TYPE_CHECKING:
    from handoff.queue import QueueService


async def leave_message(
    queue: QueueService, conversation_id: str, customer_id: str, text: str
) -> dict[str, Any]:
    """A message left while waiting for a person (queued): a ticket in SQL, and the
    conversation closes with it. Refused (409 ``not_waiting``) from any other state: a
    conversation with the bot or an agent has someone to talk to."""
    check_conversation_id(conversation_id)
    text = text.strip()
    if not text:
        raise ApiError(400, "empty_text", "the message must not be empty")
    state = await queue.conversations.state(conversation_id)
    if state.owner is not Owner.QUEUED:
        raise ApiError(
            409,
            "not_waiting",
            f"a message can be left only while waiting for an agent (it is {state.owner})",
            owner=str(state.owner),
        )
    packet = await queue.packet(conversation_id) or {}
    group = state.group or packet.get("skill_group", "")
    existing = await open_ticket_for(queue.engine, conversation_id)
    if existing is not None:  # the handoff already made one: the message joins it
        ticket = await add_to_ticket(
            queue.engine,
            existing["id"],
            text[:4000],
            conversation_id=conversation_id,
            timezone=queue.config.timezone,
        )
    else:
        ticket = await create_ticket(
            queue.engine,
            conversation_id,
            customer_id,
            text[:4000],
            group,
            kind="left_message",
            channel=str(packet.get("channel") or ""),
            packet=packet or None,
            timezone=queue.config.timezone,
        )
        await ticket_linked(queue.redis, [conversation_id])
        await queue.conversations.append(
            conversation_id, "ticket_created", {"ticket_id": ticket["id"]}
        )
    with contextlib.suppress(TransitionRefused):
        await queue.conversations.transition(
            conversation_id,
            {Owner.QUEUED},
            Owner.CLOSED,
            "closed",
            {"resolution": "left_message", "tags": ["ticket"]},
        )
    return ticket


async def add_to_open_ticket(queue: QueueService, conversation_id: str, text: str) -> int | None:
    """What the customer writes while the conversation has an open ticket joins its log;
    the ticket's id, or None without one."""
    ticket = await open_ticket(
        queue.redis, conversation_id, lambda: open_ticket_for(queue.engine, conversation_id)
    )
    if ticket is None or not text.strip():
        return None
    await add_to_ticket(
        queue.engine, int(ticket["id"]), text.strip()[:4000], timezone=queue.config.timezone
    )
    return int(ticket["id"])
