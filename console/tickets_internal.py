"""The internal ticket API the action server reads (Bearer KEFU_INTERNAL_TOKEN): a
conversation's open ticket as the customer may hear it — state, type, who handles it, due time
in the shop's time zone, the latest progress line. Internal notes never leave here."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handoff.conversation import InvalidConversationId, check_conversation_id
from handoff.models import StaffAccount
from handoff.ticket_models import TicketEntry
from handoff.tickets import local_time, open_ticket_for
from kefu.errors import ApiError
from kefu.web import require_token

bp = Blueprint("tickets_internal", url_prefix="/api/v1/internal")


@bp.get("/conversations/<conversation_id:str>/ticket")
@openapi.summary("A conversation's open ticket, as the customer may hear it (internal)")
@openapi.secured("bearer")
async def open_ticket(request: Request, conversation_id: str) -> HTTPResponse:
    require_token(request, request.app.ctx.settings.internal_token.get_secret_value())
    try:
        conversation_id = check_conversation_id(conversation_id)
    except InvalidConversationId as exc:
        raise ApiError(400, "invalid_conversation_id", str(exc)) from None
    engine = request.app.ctx.engine
    ticket = await open_ticket_for(engine, conversation_id)
    if ticket is None:
        return json({"ticket": None})
    async with AsyncSession(engine) as session:
        name = ""
        if ticket["assignee"]:
            name = (
                await session.scalar(
                    select(StaffAccount.display_name).where(
                        StaffAccount.username == ticket["assignee"]
                    )
                )
                or ""
            )
        progress = await session.scalar(
            select(TicketEntry.text)
            .where(
                TicketEntry.ticket_id == ticket["id"],
                TicketEntry.kind == "progress",
                TicketEntry.visible.is_(True),
            )
            .order_by(TicketEntry.id.desc())
            .limit(1)
        )
    body: dict[str, Any] = {
        "id": ticket["id"],
        "status": ticket["status"],
        "type": ticket["type"],
        "assigned": bool(ticket["assignee"]),
        "assignee_name": name,
        "skill_group": ticket["skill_group"],
        "due_at": local_time(str(ticket["due_at"]), request.app.ctx.queue.config.timezone),
        "clock_paused": ticket["clock_paused"],
        "progress": progress or "",
    }
    return json({"ticket": body}, ensure_ascii=False)
