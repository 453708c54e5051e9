"""Staff console HTTP API for follow-up calls (回访): the pending tasks, recording an outcome
(not satisfied reopens the ticket), and the follow-up rate the supervision reports chart."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from console.staff_api import staff
from handoff import access
from handoff.ticket_flow import change_state
from handoff.ticket_followup import followup_rate, record_outcome
from handoff.ticket_models import TicketFollowup
from handoff.ticket_notify import tell_customer
from handoff.tickets import mark_reopened
from kefu.bodies import body_doc, parse_body
from kefu.errors import ApiError
from kefu.masking import mask_text

bp = Blueprint("followups_api", url_prefix="/api/v1")


class Outcome(BaseModel):
    outcome: Literal["satisfied", "not_satisfied", "not_reached"]
    note: str = Field(default="", max_length=2000)


@bp.get("/ticket-followups")
@openapi.summary("Follow-up calls still to make (mine and my groups'), by due time")
@openapi.secured("bearer")
async def pending(request: Request) -> HTTPResponse:
    who = staff(request)
    query = (
        select(TicketFollowup)
        .where(TicketFollowup.outcome == "")
        .order_by(TicketFollowup.due_at)
        .limit(200)
    )
    groups = access.ticket_groups(who)
    if groups is not None:
        query = query.where(
            or_(
                TicketFollowup.skill_group.in_(sorted(groups)),
                TicketFollowup.assignee == who.username,
            )
        )
    async with AsyncSession(request.app.ctx.engine) as session:
        tasks = [t.public() for t in (await session.scalars(query)).all()]
    return json({"followups": tasks}, ensure_ascii=False)


@bp.post("/tickets/<ticket_id:int>/followup")
@openapi.summary("Record the follow-up call: satisfied, not_satisfied (reopens) or not_reached")
@body_doc(Outcome)
@openapi.secured("bearer")
async def record(request: Request, ticket_id: int) -> HTTPResponse:
    who = staff(request)
    if not 0 < ticket_id < 2**31:
        raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
    body = parse_body(request, Outcome)
    engine = request.app.ctx.engine
    task = await record_outcome(engine, ticket_id, who, body.outcome, mask_text(body.note))
    result: dict[str, object] = {"followup": task}
    if body.outcome == "not_satisfied":
        ticket = await change_state(
            engine,
            ticket_id,
            who,
            "reopened",
            timezone=str(request.app.ctx.queue.config.timezone),
            note="回访不满意，重新处理 / not satisfied at the follow-up call",
        )
        await mark_reopened(request.app.ctx.redis, engine, ticket)
        await tell_customer(request.app.ctx.conversations, ticket, state="reopened")
        result["ticket"] = ticket
    return json(result, ensure_ascii=False)


@bp.get("/ticket-followups/rate")
@openapi.summary("Follow-up rate (回访率) and satisfaction of the last `days` days")
@openapi.parameter("days", int, "query")
@openapi.secured("bearer")
async def rate(request: Request) -> HTTPResponse:
    who = staff(request, "team_lead", "supervisor")
    try:
        days = int(request.args.get("days") or 30)
    except ValueError:
        raise ApiError(400, "invalid_days", "days must be a number") from None
    if not 1 <= days <= 366:
        raise ApiError(400, "invalid_days", "days must be 1 to 366")
    figures = await followup_rate(request.app.ctx.engine, access.ticket_groups(who), days)
    return json(figures)
