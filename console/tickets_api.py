"""Staff console HTTP API for tickets (工单): list with filters, one ticket with its log, opening
one by hand, state changes, notes and progress for the customer; admin: the working-day calendar
and the ticket settings. Access: ``handoff.access`` (agents their own and their groups', leads
their groups', supervisors all)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field
from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.staff_api import staff
from handoff import access
from handoff.ticket_clock import recent_escalations
from handoff.ticket_flow import change_state, close_ticket
from handoff.ticket_log import add_entry
from handoff.ticket_marks import ticket_linked
from handoff.ticket_notify import tell_customer
from handoff.ticket_policy import load_policy, save_settings
from handoff.ticket_states import PRIORITIES, STATES, TYPES
from handoff.tickets import create_ticket, get_ticket, list_tickets, mark_reopened
from handoff.workdays import clear_day, list_days, set_day
from kefu.bodies import BodyModel, body_doc, parse_body
from kefu.errors import ApiError
from kefu.masking import mask_text
from kefu.web import json_body

bp = Blueprint("tickets_api", url_prefix="/api/v1")


class NewTicket(BaseModel):
    type: Literal[TYPES] = "other"  # type: ignore[valid-type]
    text: str = Field(min_length=1, max_length=4000)
    skill_group: str = Field(min_length=1, max_length=32)
    customer_id: str = Field(default="", max_length=128)
    conversation_id: str = Field(default="", max_length=128)
    channel: str = Field(default="phone", max_length=16)
    priority: Literal[PRIORITIES] = "normal"  # type: ignore[valid-type]
    assign_to_me: bool = True


class StateChange(BaseModel):
    state: Literal[STATES]  # type: ignore[valid-type]
    version: int | None = None
    note: str = Field(default="", max_length=4000)
    resolution: str = Field(default="", max_length=64)
    assignee: str | None = Field(default=None, max_length=64)


class Entry(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class TicketClosing(BodyModel):
    error_codes: ClassVar[dict[str, str]] = {"resolution": "invalid_resolution"}

    resolution: str | None = Field(default=None, max_length=64, description="empty or absent: done")


class CalendarDayBody(BaseModel):
    workday: bool
    name: str = Field(default="", max_length=64)


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return json(body, status=status, ensure_ascii=False)


def _ticket_id(ticket_id: int) -> int:
    if not 0 < ticket_id < 2**31:  # beyond any SQL integer column: no such ticket
        raise ApiError(404, "unknown_ticket", f"no ticket {ticket_id}")
    return ticket_id


def _tz(request: Request) -> str:
    return str(request.app.ctx.queue.config.timezone)


@bp.get("/tickets")
@openapi.summary(
    "Tickets, by due time: filters status (a state or open), mine, group, type, overdue"
)
@openapi.parameter("status", str, "query")
@openapi.parameter("mine", bool, "query")
@openapi.parameter("group", str, "query")
@openapi.parameter("type", str, "query")
@openapi.parameter("overdue", bool, "query")
@openapi.parameter("offset", int, "query")
@openapi.secured("bearer")
async def tickets(request: Request) -> HTTPResponse:
    who = staff(request)
    args = request.args
    try:
        offset = int(args.get("offset") or 0)
        limit = int(args.get("limit") or 100)
    except ValueError:
        raise ApiError(400, "invalid_page", "offset and limit must be numbers") from None
    if not (0 <= offset <= 10**6 and 0 < limit <= 200):
        raise ApiError(400, "invalid_page", "offset 0..1000000, limit 1..200")
    listed = await list_tickets(
        request.app.ctx.engine,
        args.get("status") or None,
        limit,
        who,
        mine=args.get("mine") in ("1", "true"),
        group=args.get("group") or None,
        kind=args.get("type") or None,
        overdue=args.get("overdue") in ("1", "true"),
        offset=offset,
    )
    return _json({"tickets": listed})


@bp.post("/tickets")
@openapi.summary("Open a ticket by hand (a phone complaint)")
@body_doc(NewTicket)
@openapi.secured("bearer")
async def ticket_new(request: Request) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, NewTicket)
    if body.skill_group not in request.app.ctx.queue.config.skill_groups:
        raise ApiError(400, "unknown_group", f"no skill group {body.skill_group}")
    if not (access.sees_all(who) or access.in_groups(who, body.skill_group)):
        raise ApiError(403, "not_your_group", "open tickets for your own skill groups")
    ticket = await create_ticket(
        request.app.ctx.engine,
        body.conversation_id,
        body.customer_id,
        mask_text(body.text),
        body.skill_group,
        kind=body.type,
        priority=body.priority,
        channel=body.channel,
        created_by=who.username,
        assignee=who.username if body.assign_to_me else "",
        timezone=_tz(request),
    )
    await ticket_linked(request.app.ctx.redis, [body.conversation_id])
    return _json(ticket, 201)


@bp.get("/tickets/escalations")
@openapi.summary("Overdue tickets escalated to team leads and supervisors, latest first")
@openapi.secured("bearer")
async def ticket_escalations(request: Request) -> HTTPResponse:
    who = staff(request, "team_lead", "supervisor")
    found = await recent_escalations(request.app.ctx.engine, access.ticket_groups(who))
    return _json({"escalations": found})


@bp.get("/tickets/<ticket_id:int>")
@openapi.summary("One ticket: packet, log (notes, progress, customer lines), conversations")
@openapi.secured("bearer")
async def ticket_get(request: Request, ticket_id: int) -> HTTPResponse:
    who = staff(request)
    return _json(await get_ticket(request.app.ctx.engine, _ticket_id(ticket_id), who))


@bp.post("/tickets/<ticket_id:int>/state")
@openapi.summary("Change a ticket's state (409 when the machine refuses or someone was faster)")
@body_doc(StateChange)
@openapi.secured("bearer")
async def ticket_state(request: Request, ticket_id: int) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, StateChange)
    if (
        body.assignee
        and body.assignee != who.username
        and not (access.sees_all(who) or access.LEAD in who.roles)
    ):
        raise ApiError(403, "forbidden", "only leads and supervisors assign tickets to others")
    ticket = await change_state(
        request.app.ctx.engine,
        _ticket_id(ticket_id),
        who,
        body.state,
        timezone=_tz(request),
        version=body.version,
        note=mask_text(body.note),
        resolution=body.resolution,
        assignee=body.assignee,
    )
    await mark_reopened(request.app.ctx.redis, request.app.ctx.engine, ticket)
    await tell_customer(request.app.ctx.conversations, ticket, state=body.state)
    return _json(ticket)


@bp.post("/tickets/<ticket_id:int>/close")
@openapi.summary("Close a ticket")
@body_doc(TicketClosing)
@openapi.secured("bearer")
async def ticket_close(request: Request, ticket_id: int) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, TicketClosing, optional=True)
    resolution = body.resolution or "done"
    ticket = await close_ticket(
        request.app.ctx.engine, _ticket_id(ticket_id), who, resolution, timezone=_tz(request)
    )
    await tell_customer(request.app.ctx.conversations, ticket, state="closed")
    return _json(ticket)


@bp.post("/tickets/<ticket_id:int>/notes")
@openapi.summary("An internal note (staff only)")
@body_doc(Entry)
@openapi.secured("bearer")
async def ticket_note(request: Request, ticket_id: int) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, Entry)
    entry = await add_entry(
        request.app.ctx.engine, _ticket_id(ticket_id), who, mask_text(body.text), visible=False
    )
    return _json(entry, 201)


@bp.post("/tickets/<ticket_id:int>/progress")
@openapi.summary("A progress line or reply the customer sees")
@body_doc(Entry)
@openapi.secured("bearer")
async def ticket_progress(request: Request, ticket_id: int) -> HTTPResponse:
    who = staff(request)
    body = parse_body(request, Entry)
    entry = await add_entry(
        request.app.ctx.engine, _ticket_id(ticket_id), who, mask_text(body.text), visible=True
    )
    ticket = await get_ticket(request.app.ctx.engine, ticket_id, who)
    await tell_customer(request.app.ctx.conversations, ticket, progress=str(entry["text"]))
    return _json(entry, 201)


# ---------------------------------------------------------------- admin: calendar, settings


@bp.get("/ticket-calendar")
@openapi.summary("The year's holidays and make-up workdays (shipped and admin-entered)")
@openapi.parameter("year", int, "query")
@openapi.secured("bearer")
async def calendar_get(request: Request) -> HTTPResponse:
    staff(request)
    try:
        year = int(request.args.get("year") or date.today().year)
    except ValueError:
        raise ApiError(400, "invalid_year", "year must be a number") from None
    return _json({"year": year, "days": await list_days(request.app.ctx.engine, year)})


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid_day", "day must be YYYY-MM-DD") from None


@bp.put("/ticket-calendar/<day:str>")
@openapi.summary("Declare a holiday (workday false) or a make-up workday (admin)")
@body_doc(CalendarDayBody)
@openapi.secured("bearer")
async def calendar_put(request: Request, day: str) -> HTTPResponse:
    who = staff(request, "admin")
    body = parse_body(request, CalendarDayBody)
    saved = await set_day(request.app.ctx.engine, _day(day), body.workday, body.name, who.username)
    return _json(saved)


@bp.delete("/ticket-calendar/<day:str>")
@openapi.summary("Forget an admin's word on a day (admin)")
@openapi.secured("bearer")
async def calendar_delete(request: Request, day: str) -> HTTPResponse:
    staff(request, "admin")
    if not await clear_day(request.app.ctx.engine, _day(day)):
        raise ApiError(404, "unknown_day", f"no admin entry for {day}")
    return _json({"deleted": day})


@bp.get("/ticket-settings")
@openapi.summary("Ticket settings: due time by type, auto-close days, follow-up days")
@openapi.secured("bearer")
async def settings_get(request: Request) -> HTTPResponse:
    staff(request)
    return _json((await load_policy(request.app.ctx.engine)).values)


@bp.put("/ticket-settings")
@openapi.summary('Change ticket settings (admin), e.g. {"due.complaint": [1, "working_days"]}')
@openapi.secured("bearer")
async def settings_put(request: Request) -> HTTPResponse:
    who = staff(request, "admin")
    policy = await save_settings(request.app.ctx.engine, json_body(request), who.username)
    return _json(policy.values)
