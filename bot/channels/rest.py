"""The REST channel: ``POST /api/v1/conversations/{id}/messages`` and the events long poll."""

from __future__ import annotations

import hmac
from typing import Any

from sanic import Blueprint, Request
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, json
from sanic_ext import openapi

from bot.channels.rest_bodies import (
    CsatStored,
    CustomerMessage,
    LeftMessage,
    MessageOutcome,
    TicketMade,
    WaitEnded,
)
from bot.csat import (
    CsatAnswer,
    CsatRefused,
    WaitRefused,
    leave_message,
    record_csat,
    stop_waiting,
)
from bot.events import customer_events
from bot.routing import IncomingMessage, Router
from bot.settings import GatewaySettings
from handoff.conversation import Conversations, InvalidConversationId, check_conversation_id
from handoff.wakeups import wait_events
from kefu import redis_keys as keys
from kefu.bodies import body_doc, parse_body, response_doc
from kefu.errors import ApiError
from kefu.i18n import normalise_lang
from kefu.ratelimit import RateLimiter
from kefu.redis_client import text_or_empty
from kefu.web import bearer_token

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


async def _own(request: Request, integration: str, conv_id: str) -> None:
    """404 unless the conversation belongs to ``integration``, the first whose key touched it
    over REST. A conversation that does not exist yet is claimed by that key; one that another
    channel made (web, WeChat) is never reachable over REST. A REST conversation from before
    ownership was recorded (no owner, channel ``rest``) is claimed by the first key as well."""
    redis = request.app.ctx.redis
    key = keys.conv_integration(conv_id)
    owner = await redis.get(key)
    if owner is None:
        state = await request.app.ctx.conversations.state(conv_id)
        if state.seq == 0 or state.channel in {"rest", ""}:
            await redis.set(key, integration, nx=True)
            owner = await redis.get(key)
    name = text_or_empty(owner)
    if name != integration:
        raise ApiError(404, "not_found", "no such conversation")


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
@body_doc(CustomerMessage)
@response_doc(MessageOutcome)
async def post_message(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    await _own(request, integration, conv_id)
    settings: GatewaySettings = request.app.ctx.settings
    body = parse_body(request, CustomerMessage)
    text = body.text.strip()
    if not text:
        raise ApiError(400, "empty_text", "field 'text' must not be empty")
    if len(text) > settings.max_text_chars:
        raise ApiError(
            413,
            "text_too_long",
            f"text is over {settings.max_text_chars} characters",
            limit=settings.max_text_chars,
        )
    customer_id = body.customer_id or f"rest:{conv_id}"
    lang = normalise_lang(body.lang)
    if body.lang and lang is None:
        raise ApiError(400, "invalid_lang", "lang must be 'zh', 'zh-Hant', 'en' or null")

    # Without a customer id the integration vouches for nobody: the bot treats the sender as a
    # visitor who is not logged in (order questions ask them to log in), never as a shop
    # customer whose orders are "not found".
    identity = {} if body.customer_id else {"identity": "anonymous"}
    router: Router = request.app.ctx.router
    outcome = await router.handle(
        IncomingMessage(
            conv_id,
            text,
            channel="rest",
            customer_id=customer_id,
            lang=lang,
            extra_metadata=identity,
        )
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
    await _own(request, integration, conv_id)
    conversations: Conversations = request.app.ctx.conversations
    ctx = request.app.ctx
    if ctx.long_polls >= settings.long_polls_max:
        wait = 0  # every waiting slot is taken: answer at once rather than queue up
    ctx.long_polls += 1
    try:
        events = await wait_events(
            conversations, ctx.wakeups, conv_id, after, min(wait, settings.long_poll_max_s)
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
    '`{"score": 1-5, "comment": "..."}` once, after the conversation ended (409 `not_ended` '
    "before, 409 `already_rated` the second time). Stored as a `csat` event and on the "
    "conversation's facts row. Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@body_doc(CsatAnswer)
@response_doc(CsatStored, 201, "Stored")
async def post_csat(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    await _own(request, integration, conv_id)
    body = parse_body(request, CsatAnswer)
    conversations: Conversations = request.app.ctx.conversations
    state = await conversations.state(conv_id)
    if state.seq == 0:
        raise ApiError(404, "not_found", "no such conversation")
    try:
        seq = await record_csat(conversations, request.app.ctx.archiver, conv_id, body, "rest")
    except CsatRefused as refused:
        raise ApiError(409, refused.code, refused.message) from None
    return json({"conversation_id": conv_id, "seq": seq}, status=201)


@bp.post("/conversations/<conversation_id:str>/leave-message")
@openapi.summary("Leave a message instead of waiting for an agent")
@openapi.description(
    'While waiting for an agent (queued): `{"text": "...", "customer_id"}` becomes a ticket '
    "and the chat closes; 409 `not_waiting` otherwise, 503 `leave_message_failed` when the "
    "ticket cannot be written now (try again). Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@body_doc(LeftMessage)
@response_doc(TicketMade, 201, "The ticket")
async def post_leave_message(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    await _own(request, integration, conv_id)
    body = parse_body(request, LeftMessage)
    text = body.text
    if not text.strip():
        raise ApiError(400, "empty_text", "field 'text' must not be empty")
    settings: GatewaySettings = request.app.ctx.settings
    if len(text) > settings.max_text_chars:
        raise ApiError(413, "text_too_long", f"text is over {settings.max_text_chars} characters")
    customer_id = body.customer_id or f"rest:{conv_id}"
    ok, detail, code = await leave_message(request.app.ctx.queue, conv_id, customer_id, text)
    if not ok:
        raise ApiError(503 if code == "leave_message_failed" else 409, code, detail)
    return json({"conversation_id": conv_id, "ticket_id": detail}, status=201)


@bp.post("/conversations/<conversation_id:str>/stop-waiting")
@openapi.summary("Stop waiting for an agent")
@openapi.description(
    "The customer ends the wait on purpose (the web chat's 结束排队 / Stop waiting): the "
    "conversation leaves the queue (event `left_queue`, cause `closed`), becomes the bot's "
    "again and gets a ticket; the answer carries the ticket and the line the customer is told. "
    "No body. 409 `not_waiting` when the conversation is not queued (not yet, or no longer: "
    "an agent took it, or the wait ended already — a retried call sees this too), 404 "
    "`not_found` for a conversation with no events, 503 `stop_waiting_failed` when the queue "
    "service cannot be reached. Bearer KEFU_API_KEY."
)
@openapi.secured("bearer")
@response_doc(WaitEnded, 200, "Left the queue")
async def post_stop_waiting(request: Request, conversation_id: str) -> HTTPResponse:
    integration = _authorise(request)
    conv_id = _conversation_id(conversation_id)
    await _limit(request, integration, conv_id)
    await _own(request, integration, conv_id)
    state = await request.app.ctx.conversations.state(conv_id)
    if state.seq == 0:
        raise ApiError(404, "not_found", "no such conversation")
    try:
        ended = await stop_waiting(request.app.ctx.queue, conv_id)
    except WaitRefused as refused:
        status = 409 if refused.code == "not_waiting" else 503
        raise ApiError(status, refused.code, refused.message) from None
    answer = {
        "conversation_id": conv_id,
        "owner": "bot",
        "ticket_id": str(ended["ticket"]["id"]),
        "text": ended["text"],
        "seq": ended["seq"],
    }
    return json(answer, ensure_ascii=False)


def _number(raw: str, name: str, kind: type[int] | type[float]) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise ApiError(400, "bad_request", f"query parameter '{name}' must be a number") from None
