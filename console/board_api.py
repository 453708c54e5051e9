"""The live board's HTTP side (team leads, supervisors, admins): the snapshot, and closing a
spam chat straight from the queue. Live updates and alerts travel over the console socket
(``console.board_feed``); listening in (监听) is ``GET /conversations/{id}`` plus the socket's
``watch``, reassigning is ``POST /conversations/{id}/transfer`` — both already allow a lead
of the chat's group. Joining (强插) is ``POST /conversations/{id}/join`` and ``…/leave`` here
(``console.joins``)."""

from __future__ import annotations

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.api import principal
from handoff import access
from handoff.accounts import Principal
from handoff.conversation import (
    InvalidConversationId,
    Owner,
    TransitionRefused,
    check_conversation_id,
)
from kefu.errors import ApiError

bp = Blueprint("board_api", url_prefix="/api/v1")
LEADS = ("team_lead", "supervisor")


def lead(request: Request) -> Principal:
    who = principal(request)
    who.require(*LEADS)
    return who


@bp.get("/board")
@openapi.summary("The live board: groups, agents, SLA breaches, overdue tickets (leads)")
@openapi.description(
    "Team leads see their skill groups, supervisors and admins every group. The same snapshot "
    "is pushed every second over the console socket after `{type: board}`."
)
@openapi.secured("bearer")
async def board(request: Request) -> HTTPResponse:
    who = lead(request)
    groups = access.board_groups(who, request.app.ctx.queue.config.skill_groups)
    return json(await request.app.ctx.board.snapshot(groups), ensure_ascii=False)


@bp.post("/queue/<conversation_id:str>/spam")
@openapi.summary("Close a queued chat as spam (a lead of its group, supervisors)")
@openapi.secured("bearer")
async def close_spam(request: Request, conversation_id: str) -> HTTPResponse:
    who = lead(request)
    try:
        conv_id = check_conversation_id(conversation_id)
    except InvalidConversationId as exc:
        raise ApiError(400, "invalid_conversation_id", str(exc)) from None
    chats = request.app.ctx.chats
    state = await chats.known_state(conv_id)
    if not access.may_act_for_others(who, state):
        raise ApiError(403, "not_your_group", "this conversation waits for another skill group")
    try:
        moved = await chats.conversations.move(
            conv_id,
            {Owner.QUEUED},
            Owner.CLOSED,
            "closed",
            {"resolution": "spam", "tags": ["spam"], "by": who.username},
        )
    except TransitionRefused as refused:
        raise ApiError(
            409,
            "not_queued",
            f"the conversation is {refused.current}, no longer waiting",
            owner=str(refused.current),
        ) from None
    await chats.archiver.archive(conv_id)
    await request.app.ctx.audit.record(who.username, "closed_as_spam", conv_id)
    return json({"status": "closed", "resolution": "spam", "seq": moved.seq})


def _conv_id(raw: str) -> str:
    try:
        return check_conversation_id(raw)
    except InvalidConversationId as exc:
        raise ApiError(400, "invalid_conversation_id", str(exc)) from None


@bp.post("/conversations/<conversation_id:str>/join")
@openapi.summary("Join an agent's live chat (强插: a lead of its group, supervisors)")
@openapi.description(
    "The caller becomes a participant, not an owner: the agent keeps the chat and no capacity "
    "is used. The customer is told a second person joined (zh / zh-Hant / en); the caller's "
    'messages (`POST …/messages`) reach the customer as "组长 <name>" ("Team lead <name>"). '
    "Joining twice is a no-op (`already: true`). 409 `not_with_an_agent` when no agent has "
    "the chat, `own_chat` for its own agent; 403 `not_your_group` for anyone else."
)
@openapi.secured("bearer")
async def join(request: Request, conversation_id: str) -> HTTPResponse:
    who = lead(request)
    conv_id = _conv_id(conversation_id)
    chats = request.app.ctx.chats
    result = await chats.joins.join(await chats.known_state(conv_id), who)
    if not result["already"]:
        await request.app.ctx.audit.record(who.username, "conversation_joined", conv_id)
    return json(result)


@bp.post("/conversations/<conversation_id:str>/leave")
@openapi.summary("Leave a chat joined with …/join (the customer is told)")
@openapi.description("409 `not_joined` when the caller is not (or no longer) in the chat.")
@openapi.secured("bearer")
async def leave(request: Request, conversation_id: str) -> HTTPResponse:
    who = lead(request)
    conv_id = _conv_id(conversation_id)
    chats = request.app.ctx.chats
    result = await chats.joins.leave(await chats.known_state(conv_id), who)
    await request.app.ctx.audit.record(who.username, "conversation_left", conv_id)
    return json(result)
