"""The internal handoff API the action server calls (Bearer KEFU_INTERNAL_TOKEN):
``POST /api/v1/handoffs`` hands a conversation to the human queue with its packet, and makes the
conversation's ticket when nobody can take the chat now or the customer complains."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from handoff.conversation import Owner
from handoff.handoff_tickets import ticket_for_handoff
from handoff.packet import validate_packet, with_stored_product
from handoff.packet_body import HandoffPacket
from handoff.queue import QueueService
from handoff.ticket_flow import assign_on_take
from kefu.bodies import body_doc
from kefu.web import json_body, require_token

bp = Blueprint("handoffs_internal", url_prefix="/api/v1")


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return json(body, status=status, ensure_ascii=False)


@bp.post("/handoffs")
@openapi.summary("Hand a conversation to the human queue (internal)")
@openapi.description(
    "Bearer KEFU_INTERNAL_TOKEN. Body: the handoff packet. Idempotent per conversation. "
    "The skill group follows the seeds' rules (handoff.skills: what the customer wanted, "
    "their language) unless a flow or a complaint names it. "
    "When nobody can take the chat now, and always for a complaint, the answer carries the "
    "conversation's open ticket: `ticket` {id, due_at}. "
    "`product` {id, title, url, price?, image?}: the product page the customer came from "
    "(http(s) URLs only; 400 invalid_product otherwise); without it the packet gets the one "
    "the web channel stored with the conversation, and the summary mentions it. "
    "A refused packet is a 400 with the first wrong field's code (`invalid_customer`, "
    "`invalid_reason`, …) and `fields` naming every problem."
)
@openapi.secured("bearer")
@body_doc(HandoffPacket)
async def post_handoff(request: Request) -> HTTPResponse:
    require_token(request, request.app.ctx.settings.internal_token.get_secret_value())
    queue: QueueService = request.app.ctx.queue
    packet = validate_packet(json_body(request), queue.config.skill_groups)
    packet = queue.route(await with_stored_product(packet, queue.conversations))
    result = await queue.handoff(packet)
    if result["status"] == "no_agents" or packet["reason"] == "complaint":
        # Nobody can take the chat now, or a complaint (collected 100 %): a ticket, made
        # before the bot replies, so the reply can carry its number and due time.
        result["ticket"] = await ticket_for_handoff(
            request.app.ctx.engine,
            queue.conversations,
            packet,
            timezone=queue.config.timezone,
        )
        state = await queue.conversations.state(packet["conversation_id"])
        if state.owner is Owner.AGENT and state.agent:  # routed at once: the agent owns it
            await assign_on_take(
                request.app.ctx.engine,
                packet["conversation_id"],
                state.agent,
                timezone=queue.config.timezone,
            )
    return _json(result, 201 if result["status"] == "queued" else 200)
