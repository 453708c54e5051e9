"""The agent's customer panel: who the conversation's customer is, their recent orders (from the
shop backend, looked up on every open), past conversations across channels (paged, each openable
read-only) and open tickets. Each route first applies the conversation's access rule
(``handoff.access.require_view``), so the panel shows exactly what the conversation may.

A shop backend that is slow or down never breaks the panel: after ``shop_timeout_s`` the
orders part says ``"unavailable"`` and the rest still answers (the chat itself never waits on
this)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from console.chats import Chats
from console.staff_api import _conv_id, staff
from handoff import access
from handoff.customer_history import archived_transcript, open_tickets, past_page
from kefu.errors import ApiError
from kefu.logging import get_logger
from kefu.masking import mask_address, mask_phone
from shop import Order, Refund, ShopBackend, SqlShop

log = get_logger(__name__)

bp = Blueprint("customer_panel", url_prefix="/api/v1")
ANONYMOUS = re.compile(r"^(web-|rest:|wechat:|wx-)")


def _shop(app: Sanic) -> ShopBackend:
    """The shop backend: the SQL demo shop on kefu's database unless one was handed in."""
    shop: ShopBackend | None = getattr(app.ctx, "shop", None)
    if shop is None:
        shop = app.ctx.shop = SqlShop(app.ctx.engine)
    return shop


def _order(order: Order, refunds: list[Refund]) -> dict[str, Any]:
    ship = order.shipment
    return {
        "id": order.id,
        "item": order.item,
        "spec": order.spec,
        "amount_cents": order.amount_cents,
        "status": str(order.status),
        "created_at": order.created_at.isoformat(),
        "receiver_phone": mask_phone(order.phone),
        "address": mask_address(order.address),
        "tracking": None
        if ship is None
        else {"carrier": ship.carrier, "tracking_no": ship.tracking_no, "status": ship.status},
        "refunds": [
            {"id": r.id, "status": str(r.status), "amount_cents": r.amount_cents}
            for r in refunds
            if r.order_id == order.id
        ],
    }


async def _shop_part(shop: ShopBackend, customer_id: str) -> dict[str, Any]:
    customer = await shop.customer(customer_id)
    if customer is None:
        return {"customer": None, "orders": []}
    orders = await shop.recent_orders(customer_id, 5)
    refunds = await shop.refunds(customer_id)
    return {
        "customer": {
            "id": customer.id,
            "name": customer.display_name,
            "vip_level": customer.vip_level,
            "phone": mask_phone(customer.phone),
            "lang": customer.lang,
        },
        "orders": [_order(o, refunds) for o in orders],
    }


async def _customer_of(request: Request, conversation_id: str) -> tuple[str, Any]:
    who = staff(request)
    chats: Chats = request.app.ctx.chats
    state = await chats.known_state(_conv_id(conversation_id))
    access.require_view(who, state)
    return state.customer_id, state


def _int(request: Request, name: str, default: int, high: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or int(raw) > high:
        raise ApiError(400, "bad_request", f"{name} must be a whole number from 0 to {high}")
    return int(raw)


@bp.get("/conversations/<conversation_id:str>/customer")
@openapi.summary("The conversation's customer: profile, recent orders, history, open tickets")
@openapi.secured("bearer")
async def customer_panel(request: Request, conversation_id: str) -> HTTPResponse:
    customer_id, state = await _customer_of(request, conversation_id)
    settings = request.app.ctx.settings
    body: dict[str, Any] = {
        "conversation_id": state.conversation_id,
        "customer_id": customer_id,
        "channel": state.channel,
        "lang": state.extra.get("lang", ""),
        "known": bool(customer_id) and not ANONYMOUS.match(customer_id),
        "customer": None,
        "orders": [],
        "shop": "ok",
        "past": {"items": [], "total": 0, "offset": 0, "next_offset": None},
        "tickets": [],
    }
    if not body["known"]:
        return json(body, ensure_ascii=False)
    try:
        part = await asyncio.wait_for(
            _shop_part(_shop(request.app), customer_id), settings.shop_timeout_s
        )
        body.update(part)
        if part["customer"] is None:  # e.g. an unbound WeChat follower: nobody the shop knows
            body["known"] = False
            return json(body, ensure_ascii=False)
    except Exception as exc:  # a slow or broken shop backend: say so, keep the rest
        log.warning("shop backend unavailable", customer_id=customer_id, error=repr(exc))
        body["shop"] = "unavailable"
    engine = request.app.ctx.engine
    body["past"] = await past_page(engine, customer_id, 0, 10)
    body["tickets"] = await open_tickets(engine, customer_id)
    return json(body, ensure_ascii=False)


@bp.get("/conversations/<conversation_id:str>/customer/conversations")
@openapi.summary("A page of the customer's past conversations (offset, limit ≤ 50)")
@openapi.secured("bearer")
@openapi.parameter("offset", int, "query")
@openapi.parameter("limit", int, "query")
async def customer_past(request: Request, conversation_id: str) -> HTTPResponse:
    customer_id, _ = await _customer_of(request, conversation_id)
    offset = _int(request, "offset", 0, 10**9)
    limit = _int(request, "limit", 10, 50)
    if not customer_id or ANONYMOUS.match(customer_id):
        return json({"items": [], "total": 0, "offset": offset, "next_offset": None})
    page = await past_page(request.app.ctx.engine, customer_id, offset, max(1, limit))
    return json(page, ensure_ascii=False)


@bp.get("/conversations/<conversation_id:str>/customer/conversations/<past_id:str>")
@openapi.summary("One of the customer's past conversations, read-only, from the archive")
@openapi.secured("bearer")
async def customer_past_one(request: Request, conversation_id: str, past_id: str) -> HTTPResponse:
    customer_id, _ = await _customer_of(request, conversation_id)
    found = None
    if customer_id and not ANONYMOUS.match(customer_id):
        found = await archived_transcript(request.app.ctx.engine, customer_id, past_id[:128])
    if found is None:
        raise ApiError(404, "not_found", "no such past conversation of this customer")
    return json(found, ensure_ascii=False)


@bp.get("/conversations/<conversation_id:str>/suggestions")
@openapi.summary("Top FAQ answers for the customer's last message, or for the agent's own search")
@openapi.parameter(
    "q",
    str,
    "query",
    description="the agent's search (1-200 chars); default: the customer's last message",
)
@openapi.secured("bearer")
async def suggestions(request: Request, conversation_id: str) -> HTTPResponse:
    """The knowledge base's answers to the customer's last message — or to what the agent typed
    in the search box (``q``) — for the agent to insert and edit. Asked of the action server over
    the internal token (the console loads no encoder); an unreachable action server gives no
    suggestions, never an error the agent must handle. The same access rule as the chat: only
    an agent who may see this conversation searches from it."""
    _, state = await _customer_of(request, conversation_id)
    searched = request.args.get("q")
    if searched is not None:
        searched = searched.strip()
        if not 1 <= len(searched) <= 200:
            raise ApiError(400, "invalid_query", "the search must be 1 to 200 characters")
        last = searched
    else:
        chats: Chats = request.app.ctx.chats
        events = await chats.conversations.events(state.conversation_id, max(0, state.seq - 50))
        last = next(
            (
                str(e.data.get("text") or "")
                for e in reversed(events)
                if e.type == "message" and e.data.get("from") == "customer"
            ),
            "",
        )
    if not last.strip():
        return json({"query": "", "hits": [], "available": True})
    settings = request.app.ctx.settings
    try:
        reply = await request.app.ctx.http.get(
            settings.action_server_url.rstrip("/") + "/kb/search",
            params={"q": last[:2000], "k": "5" if searched else "3"},
            headers={"Authorization": f"Bearer {settings.internal_token.get_secret_value()}"},
            timeout=settings.shop_timeout_s,
        )
        reply.raise_for_status()
        hits = list(reply.json().get("hits") or [])[: 5 if searched else 3]
    except Exception as exc:
        log.warning("suggestions unavailable", error=repr(exc))
        return json({"query": last, "hits": [], "available": False}, ensure_ascii=False)
    return json(
        {"query": last, "hits": hits, "available": True, "searched": searched is not None},
        ensure_ascii=False,
    )
