"""The REST channel: ``POST /api/v1/conversations/{id}/messages`` and the events long poll."""

from __future__ import annotations

import hmac
from typing import Any

from sanic import Blueprint, Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from bot.csat import BadCsat, leave_message, record_csat
from bot.events import customer_events
from bot.routing import IncomingMessage, Router
from bot.settings import GatewaySettings
from handoff.conversation import Conversations, InvalidConversationId, check_conversation_id
from kefu.errors import ApiError
from kefu.i18n import normalise_lang
from kefu.ratelimit import RateLimiter
from kefu.web import bearer_token, json_body

bp = Blueprint("rest", url_prefix="/api/v1")


def _conversation_id(raw: str) -> str:
    try:
        return check_conversation_id(raw)
    except InvalidConversationId as exc:
        raise ApiError(400, "invalid_conversation_id", str(exc)) from None


def _authorise(request: Request) -> str:
    """The integration whose API key the request carries (401 if none matches)."""
    settings: GatewaySettings = request.app.ctx.settings
    token = bearer_token(request).encode()
    found = ""
    for key, name in settings.integration_keys().items():
        if hmac.compare_digest(token, key.encode()):
            found = name
    if not found:
        raise ApiError(401, "unauthorized", "invalid API key or token")
    return found


async def _limit(request: Request, integration: str, conv_id: str | None) -> None:
    """429 with Retry-After when the integration or the conversation sends too much."""
    settings: GatewaySettings = request.app.ctx.settings
    limiter: RateLimiter = request.app.ctx.rate_limiter
    wait = await limiter.hit(f"key:{integration}", settings.rate_per_key_per_min)
    if not wait and conv_id is not None:
        wait = await limiter.hit(f"conv:{conv_id}", settings.rate_per_conversation_per_min)
    if wait:
        raise SanicException(
            f"too many requests; retry in {wait} s",
            status_code=429,
            headers={"Retry-After": str(wait)},
        )


@bp.post("/conversations/<conversation_id:str>/messages")
@openapi.summary("Send a customer message")
@openapi.description(
    "Appends the customer's text to the conversation and routes it by owner: the bot answers "
    "at once; a queued or agent-owned conversation keeps it for the agent. "
    "Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@openapi.body(
    {"application/json": {"text": str, "customer_id": str, "lang": str}},
    description='{"text": "...", "customer_id": "...", "lang": "zh" | "en" | null}',
)
async def post_message(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    settings: GatewaySettings = request.app.ctx.settings
    body = json_body(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise ApiError(400, "missing_text", "field 'text' (a string) is required")
    text = text.strip()
    if not text:
        raise ApiError(400, "empty_text", "field 'text' must not be empty")
    if len(text) > settings.max_text_chars:
        raise ApiError(
            413,
            "text_too_long",
            f"text is over {settings.max_text_chars} characters",
            limit=settings.max_text_chars,
        )
    customer_id = body.get("customer_id") or f"rest:{conv_id}"
    if not isinstance(customer_id, str) or len(customer_id) > 128:
        raise ApiError(400, "invalid_customer_id", "customer_id must be a string of ≤128 chars")
    lang_raw = body.get("lang")
    if lang_raw is not None and not isinstance(lang_raw, str):
        raise ApiError(400, "invalid_lang", "lang must be 'zh', 'zh-Hant', 'en' or null")
    lang = normalise_lang(lang_raw)
    if lang_raw and lang is None:
        raise ApiError(400, "invalid_lang", "lang must be 'zh', 'zh-Hant', 'en' or null")

    router: Router = request.app.ctx.router
    outcome = await router.handle(
        IncomingMessage(conv_id, text, channel="rest", customer_id=customer_id, lang=lang)
    )
    return json(outcome.as_dict(), ensure_ascii=False)


@bp.get("/conversations/<conversation_id:str>/events")
@openapi.summary("Long-poll a conversation's events")
@openapi.description(
    "Events after sequence number `after` (agent messages, status changes, CSAT requests); "
    "waits up to `wait` seconds for new ones. Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@openapi.parameter("after", int, "query")
@openapi.parameter("wait", float, "query")
async def get_events(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, None)
    settings: GatewaySettings = request.app.ctx.settings
    after = _number(request.args.get("after", "0"), "after", int)
    wait = _number(request.args.get("wait", "0"), "wait", float)
    if not 0 <= after < 2**63 or not 0 <= wait < float("inf"):
        # (NaN fails every comparison; seqs are 64-bit stream ids)
        raise ApiError(400, "bad_request", "after and wait must be finite, not negative")
    conversations: Conversations = request.app.ctx.event_reader
    ctx = request.app.ctx
    if ctx.long_polls >= settings.long_polls_max:
        wait = 0  # every waiting slot is taken: answer at once rather than queue up
    ctx.long_polls += 1
    try:
        events = await conversations.wait_events(
            conv_id, after, min(wait, settings.long_poll_max_s)
        )
    finally:
        ctx.long_polls -= 1
    # Agents' notes and other internal events never reach a customer; last_seq still moves
    # past them so that the client does not ask for them again.
    items: list[dict[str, Any]] = customer_events(events)
    last = events[-1].seq if events else after
    return json({"conversation_id": conv_id, "events": items, "last_seq": last}, ensure_ascii=False)


@bp.post("/conversations/<conversation_id:str>/csat")
@openapi.summary("Answer the closing satisfaction question")
@openapi.description(
    '`{"score": 1-5, "comment": "..."}` after the conversation closed (or a CSAT '
    "request arrived). Stored as a `csat` event. Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@openapi.body({"application/json": {"score": int, "comment": str}})
async def post_csat(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    body = json_body(request)
    conversations: Conversations = request.app.ctx.conversations
    state = await conversations.state(conv_id)
    if state.seq == 0:
        raise ApiError(404, "not_found", "no such conversation")
    try:
        seq = await record_csat(
            conversations, conv_id, body.get("score"), body.get("comment"), "rest"
        )
    except BadCsat as exc:
        raise ApiError(400, "invalid_csat", str(exc)) from None
    return json({"conversation_id": conv_id, "seq": seq}, status=201)


@bp.post("/conversations/<conversation_id:str>/leave-message")
@openapi.summary("Leave a message instead of waiting for an agent")
@openapi.description(
    'While queued (or when no agent is available): `{"text": "...", "customer_id"}` '
    "becomes a ticket and the chat closes. Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@openapi.body({"application/json": {"text": str, "customer_id": str}})
async def post_leave_message(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    body = json_body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "empty_text", "field 'text' must be a non-empty string")
    settings: GatewaySettings = request.app.ctx.settings
    if len(text) > settings.max_text_chars:
        raise ApiError(413, "text_too_long", f"text is over {settings.max_text_chars} characters")
    customer_id = body.get("customer_id") or f"rest:{conv_id}"
    if not isinstance(customer_id, str) or len(customer_id) > 128:
        raise ApiError(400, "invalid_customer_id", "customer_id must be a string of ≤128 chars")
    ok, detail = await leave_message(request.app.ctx.queue, conv_id, customer_id, text)
    if not ok:
        raise ApiError(409, "leave_message_failed", detail)
    return json({"conversation_id": conv_id, "ticket_id": detail}, status=201)


def _number(raw: str, name: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise ApiError(400, "bad_request", f"query parameter '{name}' must be a number") from None
