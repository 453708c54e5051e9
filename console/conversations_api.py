"""The staff console's API for one conversation (staff roles, each call under the
conversation's access rule): read it (state, packet, transcript, events; masked unless the
caller may see it unmasked), accept it from the queue, reply, add an internal note, transfer,
close and hand it back to the bot. The work is done by ``console.chats.Chats``."""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.chat_bodies import (
    Closing,
    Moved,
    NoteAdded,
    ReplySent,
    StaffNote,
    StaffReply,
    Transfer,
)
from console.chats import Chats
from console.staff_api import _conv_id, staff
from handoff import access
from kefu.bodies import body_doc, parse_body, response_doc
from kefu.masking import mask_value

bp = Blueprint("conversations_api", url_prefix="/api/v1")


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return json(body, status=status, ensure_ascii=False)


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
