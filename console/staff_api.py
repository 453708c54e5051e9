"""Staff console HTTP API for the queue and conversations, plus the internal handoff API."""

from __future__ import annotations

import time
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from console.api import principal
from console.chat_bodies import (
    AgentStatus,
    BigSaleState,
    BigSaleSwitch,
    Closing,
    Moved,
    NoteAdded,
    ReplySent,
    StaffNote,
    StaffReply,
    StatusChange,
    Transfer,
)
from console.chats import Chats
from handoff import access
from handoff.accounts import Principal
from handoff.agents import AWAY_REASONS
from handoff.conversation import InvalidConversationId, Owner, check_conversation_id
from handoff.models import SlaBreach, StaffAccount
from handoff.packet import validate_packet, with_stored_product
from handoff.packet_body import HandoffPacket
from handoff.queue import QueueService
from handoff.ticket_flow import assign_on_take
from handoff.tickets import ticket_for_handoff
from handoff.transfers import reasons_for_staff
from kefu.bodies import body_doc, parse_body, response_doc
from kefu.errors import ApiError
from kefu.masking import mask_value
from kefu.web import json_body, require_token

bp = Blueprint("handoff_api", url_prefix="/api/v1")
STAFF = ("agent", "team_lead", "supervisor")
LEADS = ("team_lead", "supervisor")


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return json(body, status=status, ensure_ascii=False)


def _conv_id(raw: str) -> str:
    try:
        return check_conversation_id(raw)
    except InvalidConversationId as exc:
        raise ApiError(400, "invalid_conversation_id", str(exc)) from None


def staff(request: Request, *roles: str) -> Principal:
    who = principal(request)
    who.require(*(roles or STAFF))
    return who


async def account_of(request: Request, username: str) -> StaffAccount:
    async with AsyncSession(request.app.ctx.engine) as session:
        account = await session.scalar(
            select(StaffAccount).where(StaffAccount.username == username)
        )
    if account is None or not account.active:
        raise ApiError(401, "unauthorized", "this account no longer exists")
    return account


# ---------------------------------------------------------------- internal


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


# ---------------------------------------------------------------- agent presence


@bp.post("/agent/status")
@openapi.summary("Set my status: online, away (with a reason: break, meal, training) or offline")
@body_doc(StatusChange)
@response_doc(AgentStatus)
@openapi.secured("bearer")
async def set_status(request: Request) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, StatusChange)
    status, reason = body.status, body.reason
    if reason is not None and status != "away":
        raise ApiError(
            400, "invalid_reason", f"reason (only when away): one of {', '.join(AWAY_REASONS)}"
        )
    account = await account_of(request, who.username)
    result = await request.app.ctx.agents.set_status(account, status, reason)
    if status == "online":
        for group in account.skill_groups:
            await request.app.ctx.queue.dispatch(group)
    return _json(result)


@bp.post("/agent/heartbeat")
@openapi.summary("I am still here")
@openapi.secured("bearer")
async def heartbeat(request: Request) -> HTTPResponse:
    who = staff(request)
    return _json({"ok": await request.app.ctx.agents.heartbeat(who.username)})


@bp.get("/agent/me")
@openapi.summary("My status, load and chats")
@openapi.secured("bearer")
async def me(request: Request) -> HTTPResponse:
    who = staff(request)
    info = await request.app.ctx.agents.info(who.username)
    info["chats"] = await request.app.ctx.chats.my_chats(who.username)
    info["roles"] = sorted(who.roles)
    return _json(info)


# ---------------------------------------------------------------- queue


@bp.get("/queue")
@openapi.summary("Waiting conversations of my skill groups (supervisors: every group)")
@openapi.secured("bearer")
async def get_queue(request: Request) -> HTTPResponse:
    who = staff(request)
    queue: QueueService = request.app.ctx.queue
    now = time.time()
    groups = []
    for group in access.queue_groups(who, queue.config.skill_groups):
        items = []
        for index, conv_id in enumerate(await queue.waiting(group, 200)):
            state = await queue.conversations.state(conv_id)
            packet = await queue.packet(conv_id) or {}
            queued_at = float(state.extra.get("queued_at", 0) or 0)
            items.append(
                {
                    "conversation_id": conv_id,
                    "position": index + 1,
                    "waiting_s": round(now - queued_at, 1) if queued_at else 0,
                    "reason": packet.get("reason"),
                    "priority": packet.get("priority"),
                    "customer": packet.get("customer", {}),
                    "summary": packet.get("summary", ""),
                }
            )
        groups.append(
            {
                "skill_group": group,
                "mode": "claim" if queue.claim_mode(group) else "auto",
                "online_agents": await queue.conversations.routing.online_count(group),
                "waiting": items,
            }
        )
    return _json({"groups": groups, "big_sale": await queue.big_sale()})


@bp.post("/settings/big-sale")
@openapi.summary("Switch big-sale mode (relaxed presale SLA) on or off (supervisor)")
@body_doc(BigSaleSwitch)
@response_doc(BigSaleState)
@openapi.secured("bearer")
async def big_sale(request: Request) -> HTTPResponse:
    staff(request, "supervisor")
    on = parse_body(request, BigSaleSwitch).on
    await request.app.ctx.queue.set_big_sale(on)
    await request.app.ctx.audit.record(principal(request).username, "big_sale_switched", on=on)
    return _json({"big_sale": on})


@bp.get("/sla/breaches")
@openapi.summary("Recorded SLA breaches (team lead, supervisor)")
@openapi.secured("bearer")
async def breaches(request: Request) -> HTTPResponse:
    staff(request, *LEADS)
    async with AsyncSession(request.app.ctx.engine) as session:
        rows = (
            await session.scalars(select(SlaBreach).order_by(SlaBreach.id.desc()).limit(200))
        ).all()
    return _json({"breaches": [r.public() for r in rows]})


@bp.get("/transfer-reasons")
@openapi.summary("The reasons an agent picks from when transferring a chat (labels zh / en)")
@openapi.secured("bearer")
async def get_transfer_reasons(request: Request) -> HTTPResponse:
    staff(request)
    return _json({"reasons": reasons_for_staff()})


# ---------------------------------------------------------------- conversations


@bp.get("/conversations/<conversation_id:str>")
@openapi.summary("A conversation: state, handoff packet, transcript and events")
@openapi.secured("bearer")
async def get_conversation(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    conv_id = _conv_id(conversation_id)
    chats: Chats = request.app.ctx.chats
    state = await chats.known_state(conv_id)
    access.require_view(who, state)
    events = await chats.conversations.events(conv_id, 0, limit=500)
    shown = [e.as_dict() for e in events]
    if not access.sees_unmasked(who, state):
        shown = [mask_value("event", e) for e in shown]
    transcript = [e for e in shown if e["type"] == "message"][-100:]
    return _json(
        {
            "conversation_id": conv_id,
            "owner": str(state.owner),
            "agent": state.agent,
            "skill_group": state.group,
            "participants": list(state.participants),
            "seq": state.seq,
            "packet": await chats.queue.packet(conv_id),
            "transcript": transcript,
            "events": shown[-300:],
        }
    )


@bp.post("/conversations/<conversation_id:str>/accept")
@openapi.summary("Take a queued conversation (409 with who has it if taken)")
@openapi.secured("bearer")
async def accept(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    return _json(await request.app.ctx.chats.accept(_conv_id(conversation_id), who))


@bp.post("/conversations/<conversation_id:str>/messages")
@openapi.summary("Reply to the customer")
@body_doc(StaffReply)
@response_doc(ReplySent, 201, "Sent")
@openapi.secured("bearer")
async def send(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, StaffReply)
    result = await request.app.ctx.chats.send(_conv_id(conversation_id), who, body)
    return _json(result, 200 if result["duplicate"] else 201)


@bp.post("/conversations/<conversation_id:str>/notes")
@openapi.summary("An internal note (never shown to the customer)")
@body_doc(StaffNote)
@response_doc(NoteAdded, 201, "Added")
@openapi.secured("bearer")
async def note(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    text = parse_body(request, StaffNote).text
    result = await request.app.ctx.chats.note(_conv_id(conversation_id), who, text)
    return _json(result, 201)


@bp.post("/conversations/<conversation_id:str>/transfer")
@openapi.summary("Transfer to a colleague or a group")
@body_doc(Transfer)
@response_doc(Moved)
@openapi.secured("bearer")
async def transfer(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, Transfer)
    conv_id = _conv_id(conversation_id)
    result = await request.app.ctx.chats.transfer(conv_id, who, body)
    await request.app.ctx.audit.record(
        who.username,
        "conversation_transferred",
        conv_id,
        to_agent=body.to_agent,
        to_group=body.to_group,
        reason=body.reason,
    )
    return _json(result)


@bp.post("/conversations/<conversation_id:str>/close")
@openapi.summary("Close with a resolution code and tags")
@body_doc(Closing)
@response_doc(Moved)
@openapi.secured("bearer")
async def close(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, Closing, optional=True)
    return _json(await request.app.ctx.chats.close(_conv_id(conversation_id), who, body))


@bp.post("/conversations/<conversation_id:str>/handback")
@openapi.summary("Hand the conversation back to the bot")
@openapi.secured("bearer")
async def handback(request: Request, conversation_id: str) -> HTTPResponse:
    who = staff(request)
    return _json(await request.app.ctx.chats.handback(_conv_id(conversation_id), who))
