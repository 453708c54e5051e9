"""Revealing what the customer typed in a chat one does not own (masked everywhere else):
a supervisor's action with a stated reason, written to the audit log (``reveal``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.api import principal
from console.chats import Chats
from handoff import access
from handoff.conversation import InvalidConversationId, check_conversation_id
from kefu.bodies import BodyModel, body_doc, parse_body
from kefu.errors import ApiError

bp = Blueprint("reveal", url_prefix="/api/v1/conversations")
MAX_EVENTS = 500


class RevealRequest(BodyModel):
    default_code: ClassVar[str] = "bad_request"

    reason: str = Field(min_length=2, max_length=200, description="why (2 to 200 characters)")


@bp.post("/<conversation_id:str>/reveal")
@openapi.summary("A conversation's events unmasked (supervisor; reason required; audit-logged)")
@body_doc(RevealRequest)
@openapi.secured("bearer")
async def reveal(request: Request, conversation_id: str) -> HTTPResponse:
    who = principal(request)
    who.require("supervisor")
    try:
        conv_id = check_conversation_id(conversation_id)
    except InvalidConversationId as exc:
        raise ApiError(400, "invalid_conversation_id", str(exc)) from None
    body = parse_body(request, RevealRequest)
    chats: Chats = request.app.ctx.chats
    state = await chats.known_state(conv_id)
    access.require_view(who, state)
    events = await chats.conversations.events(conv_id, 0, limit=MAX_EVENTS)
    await request.app.ctx.audit.record(
        who.username, "reveal", conv_id, reason=body.reason.strip(), events=len(events)
    )
    return json(
        {"conversation_id": conv_id, "events": [e.as_dict() for e in events]},
        ensure_ascii=False,
    )
