"""The web channel: the chat page at ``/``, the embeddable widget ``/widget.js`` and the
WebSocket ``/ws`` they talk over.

Protocol (JSON text frames):

- client → server: ``hello`` {conversation_id?, customer_id?, after, lang?} first, then
  ``message`` {text, cid, title?}, ``csat`` {score, comment}, ``leave_message`` {text},
  ``typing`` {on}, ``ping``.
- server → client: ``welcome`` {conversation_id, customer_id, owner}, ``event`` (one
  customer-visible conversation event, with its ``seq``), ``ack`` {cid}, ``typing`` {on, seq?}
  (the bot's turn) or ``typing`` {on, from: "agent"} (the agent is typing; no name),
  ``queue`` {position, eta_seconds}, ``csat_ok``, ``left_message`` {ticket_id},
  ``pong``, ``error`` {code, message}.

The conversation's event log is the single source of what the customer sees: the customer's own
messages, the bot's replies, agents' messages and status changes all arrive as ``event`` frames
from one reader task per connection (``Conversations.wait_events``), so a client that
reconnects with the last ``seq`` it saw misses nothing and sees nothing twice. Messages carry a
client id (``cid``) that the server deduplicates, so re-sending after a reconnect is safe.

Typing is the exception: it never enters the event log. The customer's ``typing`` frames reach
the agent who owns the chat (only while an agent does) and the agent's reach this socket, both
over ``handoff.typing_relay`` (Redis pub/sub), throttled per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw
from sanic.server.websockets.impl import WebsocketImplProtocol

from bot.csat import BadCsat, leave_message, record_csat
from bot.events import is_customer_visible, public_event
from bot.routing import IncomingMessage, Router
from bot.settings import GatewaySettings
from handoff.conversation import Conversations, Owner, check_conversation_id
from handoff.typing_relay import QUEUE_SIZE, Typing, TypingHub, TypingThrottle, serve_typing_hub
from kefu import redis_keys as keys
from kefu.i18n import normalise_lang
from kefu.logging import get_logger
from kefu.text_checks import has_lone_surrogate

log = get_logger(__name__)

bp = Blueprint("web")

STATIC = Path(__file__).resolve().parent.parent / "web"
ASSETS = {
    "chat.js": "application/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
}
WS_BLOCK_S = 20.0  # one blocking read of the event stream; then it is simply repeated
WEB_ID = re.compile(r"^web-[A-Za-z0-9_-]{16,64}$")
CID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CID_PENDING_S = 30  # how long a message may take to be stored before a retry stores it again
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors *; base-uri 'none'; form-action 'none'"
)


def _file(name: str) -> bytes:
    return (STATIC / name).read_bytes()


@bp.get("/")
async def chat_page(_request: Request) -> HTTPResponse:
    return raw(
        _file("chat.html"),
        content_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": PAGE_CSP,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


@bp.get("/widget.js")
async def widget(_request: Request) -> HTTPResponse:
    return raw(
        _file("widget.js"),
        content_type="application/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


@bp.get("/static/<name:str>")
async def asset(_request: Request, name: str) -> HTTPResponse:
    kind = ASSETS.get(name)
    if kind is None:
        from kefu.errors import ApiError

        raise ApiError(404, "not_found", "no such file")
    return raw(
        _file(name),
        content_type=kind,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


def new_web_id() -> str:
    return "web-" + secrets.token_urlsafe(18)


class RateLimit:
    """A token bucket per connection: ``rate`` messages per ``per_s`` seconds."""

    def __init__(self, rate: int, per_s: float) -> None:
        self.capacity = float(rate)
        self.tokens = float(rate)
        self.fill = rate / per_s
        self.at = time.monotonic()
        self.refused = 0

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.fill)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.refused += 1
        return False


class Session:
    """One customer's WebSocket connection."""

    def __init__(self, request: Request, ws: WebsocketImplProtocol) -> None:
        self.app = request.app
        self.ws = ws
        self.settings: GatewaySettings = request.app.ctx.settings
        self.conversations: Conversations = request.app.ctx.conversations
        self.reader_conversations: Conversations = request.app.ctx.event_reader
        self.router: Router = request.app.ctx.router
        self.redis = request.app.ctx.redis
        self.send_lock = asyncio.Lock()
        self.conv_id = ""
        self.customer_id = ""
        self.lang: Any = None
        self.limit = RateLimit(self.settings.ws_messages_per_10s, 10.0)
        self.reader: asyncio.Task[None] | None = None
        self.typing_hub: TypingHub = request.app.ctx.typing
        self.typing_in: asyncio.Queue[Typing] = asyncio.Queue(QUEUE_SIZE)
        self.typing_conv = ""  # the conversation whose typing signals this socket receives
        self.typing_task: asyncio.Task[None] | None = None
        self.typing_throttle = TypingThrottle()

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send(json.dumps(frame, ensure_ascii=False))

    async def error(self, code: str, message: str) -> None:
        await self.send({"type": "error", "code": code, "message": message})

    async def run(self) -> None:
        try:
            while True:
                data = await self.ws.recv()
                if data is None:
                    return
                if not await self.frame(data):
                    return
        finally:
            for task in (self.reader, self.typing_task):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(BaseException):
                        await task
            await self.stop_typing_relay()

    async def frame(self, data: str | bytes) -> bool:
        """Handle one frame; False closes the connection."""
        if len(data) > self.settings.ws_max_frame_bytes:
            await self.error(
                "frame_too_large", f"frames are limited to {self.settings.ws_max_frame_bytes} bytes"
            )
            return True
        try:
            frame = json.loads(data)
        except (ValueError, UnicodeDecodeError, RecursionError):
            await self.error("malformed_json", "frames must be JSON objects")
            return True
        if not isinstance(frame, dict):
            await self.error("bad_frame", "frames must be JSON objects")
            return True
        if has_lone_surrogate(data, frame):
            await self.error("invalid_text", "text contains a lone surrogate")
            return True
        kind = frame.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
            return True
        if kind == "hello":
            await self.hello(frame)
            return True
        if not self.conv_id:
            await self.error("hello_first", "send a hello frame first")
            return True
        if kind in {"message", "csat", "leave_message"} and not self.limit.allow():
            if self.limit.refused > 3 * self.settings.ws_messages_per_10s:
                await self.error("rate_limited", "too many messages; closing")
                await self.ws.close(1008, "rate limited")
                return False
            await self.error("rate_limited", "too many messages; please slow down")
            return True
        if kind == "message":
            await self.message(frame)
        elif kind == "csat":
            await self.csat(frame)
        elif kind == "leave_message":
            await self.leave_message(frame)
        elif kind == "typing":
            await self.customer_typing(frame.get("on") is True)
        else:
            await self.error("unknown_type", "unknown frame type")
        return True

    async def hello(self, frame: dict[str, Any]) -> None:
        conv_id = frame.get("conversation_id")
        customer_id = frame.get("customer_id")
        after = frame.get("after", 0)
        if not (isinstance(conv_id, str) and WEB_ID.match(conv_id)):
            conv_id = new_web_id()
        if not (isinstance(customer_id, str) and WEB_ID.match(customer_id)):
            customer_id = new_web_id()
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            after = 0
        self.lang = normalise_lang(
            frame.get("lang") if isinstance(frame.get("lang"), str) else None
        )
        check_conversation_id(conv_id)
        self.conv_id, self.customer_id = conv_id, customer_id
        state = await self.conversations.state(conv_id)
        await self.send(
            {
                "type": "welcome",
                "conversation_id": conv_id,
                "customer_id": customer_id,
                "owner": str(state.owner),
            }
        )
        if self.reader is not None:
            self.reader.cancel()
        self.reader = asyncio.create_task(self.read_events(after))
        await self.start_typing_relay()

    async def read_events(self, after: int) -> None:
        """Push every customer-visible event after ``after`` as it arrives."""
        last = after
        while True:
            try:
                events = await self.reader_conversations.wait_events(self.conv_id, last, WS_BLOCK_S)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis hiccup: wait and resume from the same seq
                log.warning("ws event read failed", conversation_id=self.conv_id, error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            for event in events:
                last = max(last, event.seq)
                if is_customer_visible(event):
                    frame = public_event(event)
                    frame["event"] = frame.pop("type")
                    frame["type"] = "event"
                    await self.send(frame)

    async def start_typing_relay(self) -> None:
        """Receive the agent's typing signals of this socket's conversation."""
        if self.typing_conv == self.conv_id:
            return
        await self.stop_typing_relay()
        try:
            await self.typing_hub.listen(self.conv_id, self.typing_in)
        except Exception as exc:  # no typing indicator is no reason to refuse the chat
            log.warning("typing relay unavailable", conversation_id=self.conv_id, error=repr(exc))
            return
        self.typing_conv = self.conv_id
        if self.typing_task is None:
            self.typing_task = asyncio.create_task(self.forward_typing())

    async def stop_typing_relay(self) -> None:
        if self.typing_conv:
            conv, self.typing_conv = self.typing_conv, ""
            with contextlib.suppress(Exception):
                await self.typing_hub.unlisten(conv, self.typing_in)

    async def forward_typing(self) -> None:
        while True:
            signal = await self.typing_in.get()
            if signal.side == "agent" and signal.conversation_id == self.conv_id:
                await self.send({"type": "typing", "on": signal.on, "from": "agent"})

    async def customer_typing(self, on: bool) -> None:
        """Relay the customer's typing to the agent who owns the chat; never to the bot."""
        conv = self.conv_id
        try:
            if on:
                if not self.typing_throttle.start(conv):
                    return
                if (await self.conversations.state(conv)).owner is not Owner.AGENT:
                    return
                await self.typing_hub.publish(conv, "customer", True)
                self.typing_throttle.published(conv)
            elif self.typing_throttle.stop(conv):
                await self.typing_hub.publish(conv, "customer", False)
        except Exception as exc:  # typing is best effort
            log.warning("typing relay failed", conversation_id=conv, error=repr(exc))

    async def message(self, frame: dict[str, Any]) -> None:
        text = frame.get("text")
        cid = frame.get("cid")
        if not isinstance(text, str) or not text.strip():
            await self.error("empty_text", "field 'text' must be a non-empty string")
            return
        if len(text) > self.settings.max_text_chars:
            await self.error(
                "text_too_long", f"text is over {self.settings.max_text_chars} characters"
            )
            return
        if not (isinstance(cid, str) and CID.match(cid)):
            cid = secrets.token_hex(8)
        title = frame.get("title")
        # The cid key says "pending" while the message is being stored and holds its seq
        # once stored; only then is the message acknowledged. A failure in between deletes the
        # key (the client's retry is stored, not called a duplicate); a crash in between leaves
        # "pending", which expires after CID_PENDING_S so the retry is stored then.
        key = keys.ws_client_message(self.conv_id, cid)
        if not await self.redis.set(key, "pending", nx=True, ex=CID_PENDING_S):
            if _text(await self.redis.get(key)) == "pending":
                await self.error("in_progress", "this message is still being stored; retry")
                return
            await self.send({"type": "ack", "cid": cid, "duplicate": True})
            return
        attachment = {"title": title[:200]} if isinstance(title, str) and title else {}
        incoming = IncomingMessage(
            self.conv_id,
            text.strip(),
            "web",
            self.customer_id,
            lang=self.lang,
            attachment=attachment,
        )
        stored = False

        async def acknowledge(seq: int) -> None:
            nonlocal stored
            stored = True
            await self.redis.set(key, str(seq), ex=3600)
            await self.send({"type": "ack", "cid": cid})
            await self.send({"type": "typing", "on": True})

        try:
            outcome = await self.router.handle(incoming, on_stored=acknowledge)
        except BaseException:
            if not stored:
                with contextlib.suppress(Exception):
                    await self.redis.delete(key)
                raise
            await self.send({"type": "typing", "on": False})
            raise
        # ``seq``: the turn's last event; its replies arrive as events up to this seq.
        await self.send({"type": "typing", "on": False, "seq": outcome.seq})
        if outcome.queue:
            await self.send({"type": "queue", **outcome.queue})

    async def leave_message(self, frame: dict[str, Any]) -> None:
        """No agent in time: the customer leaves a message, which becomes a ticket."""
        text = frame.get("text")
        if not isinstance(text, str) or not text.strip():
            await self.error("empty_text", "field 'text' must be a non-empty string")
            return
        ok, detail = await leave_message(
            self.app.ctx.queue, self.conv_id, self.customer_id, text[: self.settings.max_text_chars]
        )
        if not ok:
            await self.error("leave_message_failed", detail)
            return
        await self.send({"type": "left_message", "ticket_id": detail})

    async def csat(self, frame: dict[str, Any]) -> None:
        try:
            await record_csat(
                self.conversations, self.conv_id, frame.get("score"), frame.get("comment"), "web"
            )
        except BadCsat as exc:
            await self.error("invalid_csat", str(exc))
            return
        await self.send({"type": "csat_ok"})


serve_typing_hub(bp)


@bp.websocket("/ws")  # type: ignore[untyped-decorator]
async def websocket(request: Request, ws: WebsocketImplProtocol) -> None:
    ctx = request.app.ctx
    if ctx.ws_open >= ctx.settings.ws_max_connections:
        await ws.close(1013, "gateway busy, try again later")
        return
    ctx.ws_open += 1
    session = Session(request, ws)
    try:
        await session.run()
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a broken connection must never take the gateway with it
        if type(exc).__name__ not in {
            "ConnectionClosed",
            "ConnectionClosedOK",
            "ConnectionClosedError",
        }:
            log.warning("ws session ended with an error", error=repr(exc))
    finally:
        ctx.ws_open -= 1


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")
