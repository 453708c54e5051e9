"""The staff console's API for agents' presence and the queue: my status, heartbeat and chats,
the waiting conversations of my groups, big-sale mode, SLA breaches and transfer reasons; and
``staff``, the role check the other staff API modules share. One conversation's calls are in
``console.conversations_api``, the internal handoff API in ``console.handoffs_internal``."""

from __future__ import annotations

import time
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from console.api import principal
from console.chat_bodies import AgentStatus, BigSaleState, BigSaleSwitch, StatusChange
from handoff import access
from handoff.accounts import Principal
from handoff.agents import AWAY_REASONS
from handoff.conversation import InvalidConversationId, check_conversation_id
from handoff.models import SlaBreach, StaffAccount
from handoff.queue import QueueService
from handoff.transfers import reasons_for_staff
from kefu.bodies import body_doc, parse_body, response_doc
from kefu.errors import ApiError

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
