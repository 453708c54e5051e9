"""The web channel: the WebSocket ``/ws`` that the chat page and the widget talk over (the
pages themselves are in ``bot.channels.web_pages``).

Protocol (JSON text frames):

- client → server: ``hello`` {conversation_id?, customer_id?, after, lang?, product?} first, then
  ``message`` {text, cid} (a tapped button sends its payload; the gateway stores the title of
  the button it offered, ``bot.taps``), ``csat`` {score, comment}, ``leave_message`` {text},
  ``stop_waiting`` (the customer ends the wait for an agent: a ticket), ``typing`` {on},
  ``ping``.
- server → client: ``welcome`` {conversation_id, customer_id, owner}, ``archived`` (a signed
  customer's last ended conversation, read-only: ``bot.channels.web_identity``), ``event`` (one
  customer-visible conversation event, with its ``seq``), ``ack`` {cid}, ``typing`` {on, seq?}
  (the bot's turn) or ``typing`` {on, from: "agent"} (the agent is typing; no name),
  ``queue`` {position, eta_seconds}, ``csat_ok``, ``left_message`` {ticket_id},
  ``stopped_waiting`` {ticket_id},
  ``pong``, ``error`` {code, message}.

The conversation's event log is the single source of what the customer sees: the customer's own
messages, the bot's replies, agents' messages and status changes all arrive as ``event`` frames
from one reader task per connection (``handoff.wakeups.follow``: woken by the process's
few wake-up readers, then reading from its own cursor; no Redis connection of its own while it
waits), so a client that
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
from typing import Any

from redis.exceptions import RedisError
from sanic import Blueprint, Request
from sanic.exceptions import ServerError, WebsocketClosed
from sanic.server.websockets.impl import WebsocketImplProtocol
from websockets.exceptions import ConnectionClosed

from bot.background import keep
from bot.channels.web_identity import resolve_visitor
from bot.channels.web_typing import CustomerTyping
from bot.csat import (
    CsatAnswer,
    CsatRefused,
    WaitRefused,
    leave_message,
    record_csat,
    stop_waiting,
)
from bot.events import is_customer_visible, public_event
from bot.routing import IncomingMessage, Outcome, Router
from bot.settings import GatewaySettings
from bot.ws_limits import WsLimits
from handoff.conversation import Conversations, check_conversation_id
from handoff.product import product_or_why_not
from handoff.typing_relay import serve_typing_hub
from handoff.wakeups import WakeHub, follow
from kefu import redis_keys as keys
from kefu.bodies import validate_fields
from kefu.errors import ApiError
from kefu.i18n import normalise_lang
from kefu.logging import get_logger
from kefu.redis_client import raise_if_cancelled, text_or_empty
from kefu.text_checks import has_lone_surrogate

log = get_logger(__name__)

bp = Blueprint("web")

CID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CID_PENDING_S = 30  # how long a message may take to be stored before a retry stores it again
LIMITED = frozenset({"message", "csat", "leave_message", "stop_waiting"})  # rate-limited frames


class Session:
    """One customer's WebSocket connection."""

    def __init__(self, request: Request, ws: WebsocketImplProtocol) -> None:
        self.app = request.app
        self.ws = ws
        self.settings: GatewaySettings = request.app.ctx.settings
        self.conversations: Conversations = request.app.ctx.conversations
        self.wakeups: WakeHub = request.app.ctx.wakeups
        self.router: Router = request.app.ctx.router
        self.redis = request.app.ctx.redis
        self.send_lock = asyncio.Lock()
        self.conv_id = ""
        self.customer_id = ""
        self.customer_name = ""
        self.verified = False
        self.product: dict[str, str] | None = None  # the product page the customer came from
        self.lang: Any = None
        self.limits: WsLimits = request.app.ctx.ws_limits
        self.address = self.limits.address(request)
        self.refused = 0  # messages refused by the limits; many more close the socket
        self.reader: asyncio.Task[None] | None = None
        self.typing = CustomerTyping(request.app.ctx.typing, self.conversations, self.send)

    async def send(self, frame: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send(json.dumps(frame, ensure_ascii=False))

    async def send_if_open(self, frame: dict[str, Any]) -> None:
        """Send unless the socket is gone: the next connection reads the replies from the event
        log, and a re-sent message is acknowledged as a duplicate."""
        with contextlib.suppress(WebsocketClosed, ServerError, ConnectionClosed):
            await self.send(frame)

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
            if self.reader is not None:
                self.reader.cancel()
                with contextlib.suppress(BaseException):
                    await self.reader
            await self.typing.close()

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
        if kind in LIMITED and await self.limits.message(self.conv_id, self.address):
            self.refused += 1
            if self.refused > 3 * self.settings.ws_messages_per_10s:
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
        elif kind == "stop_waiting":  # an explicit end, never a dropped socket
            try:
                ended = await stop_waiting(self.app.ctx.queue, self.conv_id)
            except WaitRefused as refused:
                await self.error(refused.code, refused.message)
            else:
                await self.send(
                    {"type": "stopped_waiting", "ticket_id": str(ended["ticket"]["id"])}
                )
        elif kind == "typing":
            await self.typing.customer(self.conv_id, frame.get("on") is True)
        else:
            await self.error("unknown_type", "unknown frame type")
        return True

    async def hello(self, frame: dict[str, Any]) -> None:
        after = frame.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            after = 0
        self.lang = normalise_lang(
            frame.get("lang") if isinstance(frame.get("lang"), str) else None
        )
        visitor = await resolve_visitor(
            self.conversations,
            self.redis,
            self.settings.identity_secret.get_secret_value(),
            frame,
            self.app.ctx.engine,
        )
        # the shop's product page (咨询此商品); a bad one is left out, never the chat
        self.product, product_refused = product_or_why_not(frame.get("product"))
        conv_id, customer_id = visitor.conversation_id, visitor.customer_id
        if frame.get("conversation_id") != conv_id:
            after = 0  # a conversation other than the one asked for: all of it
        check_conversation_id(conv_id)
        self.conv_id, self.customer_id = conv_id, customer_id
        self.customer_name, self.verified = visitor.name, visitor.verified
        state = await self.conversations.state(conv_id)
        await self.send(
            {
                "type": "welcome",
                "conversation_id": conv_id,
                "customer_id": customer_id,
                "owner": str(state.owner),
                "identity": "verified" if visitor.verified else "anonymous",
                **({"identity_refused": visitor.refused} if visitor.refused else {}),
                **({"product_refused": product_refused} if product_refused else {}),
            }
        )
        if visitor.archived is not None:
            await self.send({"type": "archived", **visitor.archived})
        if self.reader is not None:
            self.reader.cancel()
        self.reader = asyncio.create_task(self.read_events(after))
        await self.typing.follow(self.conv_id)

    async def read_events(self, after: int) -> None:
        """Push every customer-visible event after ``after`` as it arrives."""
        last = after
        while True:
            raise_if_cancelled()
            try:
                async for events in follow(self.conversations, self.wakeups, self.conv_id, last):
                    for event in events:
                        last = max(last, event.seq)
                        if is_customer_visible(event):
                            frame = public_event(event)
                            frame["event"] = frame.pop("type")
                            frame["type"] = "event"
                            await self.send(frame)
            except RedisError as exc:  # Redis hiccup: wait and resume from the same seq
                log.warning("ws event read failed", conversation_id=self.conv_id, error=repr(exc))
                await asyncio.sleep(1.0)

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
        # The cid key says "pending" while the message is being stored and holds its seq
        # once stored; only then is the message acknowledged. A failure in between deletes the
        # key (the client's retry is stored, not called a duplicate); a crash in between leaves
        # "pending", which expires after CID_PENDING_S so the retry is stored then.
        key = keys.ws_client_message(self.conv_id, cid)
        if not await self.redis.set(key, "pending", nx=True, ex=CID_PENDING_S):
            if text_or_empty(await self.redis.get(key)) == "pending":
                await self.error("in_progress", "this message is still being stored; retry")
                return
            await self.send({"type": "ack", "cid": cid, "duplicate": True})
            return
        incoming = IncomingMessage(
            self.conv_id,
            text.strip(),
            "web",
            self.customer_id,
            lang=self.lang,
            extra_metadata={
                "identity": "verified" if self.verified else "anonymous",
                **({"customer_name": self.customer_name} if self.customer_name else {}),
                **({"product": self.product} if self.product else {}),
            },
            product=self.product,
        )
        stored = False

        async def acknowledge(seq: int) -> None:
            nonlocal stored
            stored = True
            await self.redis.set(key, str(seq), ex=3600)
            await self.send_if_open({"type": "ack", "cid": cid})
            await self.send_if_open({"type": "typing", "on": True})

        async def turn() -> Outcome:
            try:
                return await self.router.handle(incoming, on_stored=acknowledge)
            except BaseException:
                if not stored:  # the client's retry (same cid) is stored, not a duplicate
                    with contextlib.suppress(Exception):
                        await self.redis.delete(key)
                raise

        # The turn outlives the socket: a customer whose connection drops once the message is
        # stored (a phone locking its screen, a tab closed) still gets the bot's reply, in the
        # event log that the next connection reads from its last seq. Sanic cancels this
        # handler when the connection is lost; only the wait for the turn is cancelled then.
        task = keep(self.app.ctx.background, turn(), f"web chat turn of {self.conv_id}")
        try:
            outcome = await asyncio.shield(task)
        except asyncio.CancelledError:
            raise
        except BaseException:
            if stored:
                await self.send_if_open({"type": "typing", "on": False})
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
        ok, detail, code = await leave_message(
            self.app.ctx.queue, self.conv_id, self.customer_id, text[: self.settings.max_text_chars]
        )
        if not ok:
            await self.error(code, detail)
            return
        await self.send({"type": "left_message", "ticket_id": detail})

    async def csat(self, frame: dict[str, Any]) -> None:
        try:
            answer = validate_fields(CsatAnswer, frame)  # its "type" is ignored
            await record_csat(
                self.conversations, self.app.ctx.archiver, self.conv_id, answer, "web"
            )
        except ApiError as exc:
            await self.error(exc.code, exc.message)
            return
        except CsatRefused as refused:
            await self.error(refused.code, refused.message)
            return
        await self.send({"type": "csat_ok"})


serve_typing_hub(bp)


@bp.websocket("/ws")  # type: ignore[untyped-decorator]
async def websocket(request: Request, ws: WebsocketImplProtocol) -> None:
    ctx = request.app.ctx
    if ctx.ws_open >= ctx.settings.ws_max_connections:
        await ws.close(1013, "gateway busy, try again later")
        return
    address = ctx.ws_limits.address(request)
    try:
        ticket = await ctx.ws_limits.admit(address)
    except Exception as exc:  # Redis away: the chat could not work anyway
        log.warning("ws admission failed", error=repr(exc))
        await ws.close(1013, "gateway busy, try again later")
        return
    if ticket is None:
        await ws.close(1013, "too many connections from your address")
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
        with contextlib.suppress(Exception):  # else its lease lapses within a minute
            await ctx.ws_limits.release(address, ticket)
