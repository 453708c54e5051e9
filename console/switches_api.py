"""Supervisor switches: outage mode (故障模式, ``handoff.outage``). Big-sale mode keeps its
route in ``console.staff_api``; the board page shows both switches to supervisors."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.api import principal
from handoff.outage import MAX_SCRIPT_CHARS, Outage
from kefu.bodies import BodyModel, ResponseModel, body_doc, parse_body, response_doc

bp = Blueprint("switches_api", url_prefix="/api/v1")


class OutageSwitch(BodyModel):
    default_code: ClassVar[str] = "bad_request"

    on: bool
    script_zh: str | None = Field(default=None, min_length=1, max_length=MAX_SCRIPT_CHARS)
    script_en: str | None = Field(default=None, min_length=1, max_length=MAX_SCRIPT_CHARS)


class OutageStatus(ResponseModel):
    on: bool
    started_at: float | None
    by: str
    script_zh: str
    script_en: str


@bp.get("/settings/outage")
@openapi.summary("Outage mode: on or off, since when, by whom, and its script (leads)")
@response_doc(OutageStatus)
@openapi.secured("bearer")
async def get_outage(request: Request) -> HTTPResponse:
    principal(request).require("team_lead", "supervisor")
    outage: Outage = request.app.ctx.outage
    return json((await outage.state()).public(), ensure_ascii=False)


@bp.post("/settings/outage")
@openapi.summary("Switch outage mode on (or edit its script) or off (supervisor)")
@openapi.description(
    "While on, the bot and every channel answer customers with the script (kept messages are "
    "not lost). Switching off puts the chats queued during the outage first and tells every "
    "customer who got the script that service is back."
)
@body_doc(OutageSwitch)
@response_doc(OutageStatus)
@openapi.secured("bearer")
async def set_outage(request: Request) -> HTTPResponse:
    who = principal(request)
    who.require("supervisor")
    body = parse_body(request, OutageSwitch)
    outage: Outage = request.app.ctx.outage
    ctx = request.app.ctx
    if body.on:
        state = await outage.start(who.username, body.script_zh, body.script_en)
        await ctx.audit.record(who.username, "outage_switched", on=True, script=state.script_zh)
        return json(state.public(), ensure_ascii=False)
    result = await outage.end(ctx.queue.config.skill_groups)
    await ctx.audit.record(who.username, "outage_switched", on=False, **result)
    return json({**(await outage.state()).public(), **result}, ensure_ascii=False)
