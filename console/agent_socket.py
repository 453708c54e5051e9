"""The agent console's WebSocket ``/api/v1/ws``: live events of an agent's chats, sending,
typing both ways, presence heartbeats and the board feed, each message type under its access rule.

The first frame must be ``{"type": "auth", "token": JWT}``. Then the server pushes
``{"type": "event", "conversation_id", "event"}`` for every event of the agent's chats and of the
conversation being watched, and ``{"type": "chats_changed"}`` when the agent's set of chats
changes. The client may send ``{"type": "watch", "conversation_id", "after"}``,
``{"type": "send", "conversation_id", "text", "client_msg_id"}``,
``{"type": "typing", "conversation_id", "on"}`` (the agent, or a lead who joined the chat, is
typing; the web customer sees "typing…", without a name) and ``{"type": "ping"}`` (a presence
heartbeat).

Typing goes both ways and is never stored: while a web customer types in one of the agent's
chats the server pushes ``{"type": "typing", "conversation_id", "on"}`` (see
``handoff.typing_relay``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from sanic import Blueprint, Request

from console.board_feed import BoardFeed
from console.chat_bodies import StaffReply
from handoff import access
from handoff.accounts import Principal
from handoff.typing_relay import QUEUE_SIZE, Typing, TypingHub, TypingThrottle, serve_typing_hub
from handoff.wakeups import RECHECK_S, Waiter, WakeHub
from kefu.bodies import validate_fields
from kefu.errors import ApiError
from kefu.logging import get_logger
from kefu.masking import mask_value
from kefu.redis_client import raise_if_cancelled

log = get_logger(__name__)
bp = Blueprint("agent_socket")

serve_typing_hub(bp)

# Every message type the console socket accepts, and the access rule it obeys (the route
# registry test fails when a new type is handled without an entry here).
MESSAGE_RULES = {
    "ping": "staff",
    "watch": "conversation:view",  # handoff.access.require_view, as GET /conversations/{id}
    "send": "conversation:post",  # handoff.access.require_post (its agent, who joined it)
    "typing": "conversation:post",
    "board": "roles:team_lead,supervisor",  # console.board_feed; groups by access.board_groups
}


@bp.websocket("/api/v1/ws")  # type: ignore[untyped-decorator]
async def agent_socket(request: Request, ws: Any) -> None:
    try:
        first = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        token = str(first.get("token", ""))
        who: Principal = await request.app.ctx.staff_auth.principal(token)
        who.require("agent", "team_lead", "supervisor")
    except ApiError as exc:
        await ws.send(json.dumps({"type": "error", "code": exc.code, "message": exc.message}))
        await ws.close()
        return
    except (TimeoutError, ValueError, AttributeError):
        await ws.send(
            json.dumps(
                {
                    "type": "error",
                    "code": "unauthorized",
                    "message": "send {type: auth, token} first",
                }
            )
        )
        await ws.close()
        return
    session = _Session(request.app.ctx, who, ws, token)
    await ws.send(json.dumps({"type": "ready", "username": who.username}))
    loop = asyncio.get_running_loop()
    pusher = loop.create_task(session.push())
    typing = loop.create_task(session.forward_typing())
    try:
        async for frame in ws:
            await session.handle(frame)
    finally:
        for task in (pusher, typing, session.board_task):
            if task is None:
                continue
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await session.stop_typing()


class _Session:
    def __init__(self, ctx: Any, who: Principal, ws: Any, token: str) -> None:
        self.ctx = ctx
        self.who = who
        self.ws = ws
        self.token = token
        self.cursors: dict[str, int] = {}
        self.watched: str | None = None
        self.known_chats: set[str] = set()
        self.send_lock = asyncio.Lock()
        self.typing_hub: TypingHub = ctx.typing
        self.typing_in: asyncio.Queue[Typing] = asyncio.Queue(QUEUE_SIZE)
        self.typing_convs: set[str] = set()  # conversations whose customer typing we receive
        self.typing_throttle = TypingThrottle()
        self.board_task: asyncio.Task[None] | None = None

    def start_board(self) -> None:
        if self.board_task is None:
            groups = access.board_groups(self.who, self.ctx.queue.config.skill_groups)
            feed = BoardFeed(self.ctx.board, groups, self.send)
            self.board_task = asyncio.get_running_loop().create_task(feed.run(lambda: self.who))

    async def send(self, message: dict[str, Any]) -> None:
        async with self.send_lock:
            await self.ws.send(json.dumps(message, ensure_ascii=False))

    async def handle(self, frame: Any) -> None:
        try:
            # the account may have been disabled or logged out since the socket opened
            self.who = await self.ctx.staff_auth.principal(self.token)
        except ApiError as exc:
            await self.send({"type": "error", "code": exc.code, "message": exc.message})
            await self.ws.close()
            return
        try:
            message = json.loads(frame)
            kind = message.get("type")
            if kind not in MESSAGE_RULES:
                raise ApiError(400, "unknown_type", f"unknown message type {kind!r}")
            if kind == "ping":
                await self.ctx.agents.heartbeat(self.who.username)
                await self.send({"type": "pong"})
            elif kind == "watch":
                conv_id = str(message.get("conversation_id", ""))
                access.require_view(self.who, await self.ctx.chats.known_state(conv_id))
                self.watched = conv_id
                self.cursors[conv_id] = int(message.get("after", 0))
            elif kind == "send":
                reply = {k: message[k] for k in ("text", "client_msg_id") if k in message}
                result = await self.ctx.chats.send(
                    str(message.get("conversation_id", "")),
                    self.who,
                    validate_fields(StaffReply, reply),
                )
                await self.send({"type": "sent", **result})
            elif kind == "typing":
                conv_id = str(message.get("conversation_id", ""))
                await self.typing(conv_id, message.get("on") is True)
            elif kind == "board":
                self.who.require("team_lead", "supervisor")
                self.start_board()
        except ApiError as exc:
            await self.send({"type": "error", "code": exc.code, "message": exc.message})
        except (ValueError, AttributeError, TypeError):
            await self.send({"type": "error", "code": "bad_request", "message": "bad frame"})

    async def push(self) -> None:
        """Push the events of the agent's chats and the watched conversation, woken by the
        process's wake-up readers (``handoff.wakeups``; no Redis connection of this socket's
        own while it waits) and re-reading every conversation every ``RECHECK_S``."""
        hub: WakeHub = self.ctx.wakeups
        waiter = Waiter()
        subscribed: set[str] = set()
        recheck_at = 0.0
        try:
            while True:
                raise_if_cancelled()
                await self.follow_chats()
                for conv_id in subscribed - set(self.cursors):
                    hub.discard(conv_id, waiter)
                    subscribed.discard(conv_id)
                for conv_id in set(self.cursors) - subscribed:
                    await hub.add(conv_id, waiter)
                    subscribed.add(conv_id)
                    waiter.wake(conv_id)  # read it once now; announcements do the rest
                if not self.cursors:
                    await asyncio.sleep(1.0)
                    continue
                if time.monotonic() >= recheck_at:  # a lost wake-up costs at most this long
                    recheck_at = time.monotonic() + RECHECK_S
                    for conv_id in self.cursors:
                        waiter.wake(conv_id)
                await waiter.wait(1.0)  # at once when something is already announced
                for conv_id in waiter.take() & set(self.cursors):
                    if await self.push_events(conv_id):
                        waiter.wake(conv_id)
        finally:
            for conv_id in subscribed:
                hub.discard(conv_id, waiter)

    async def follow_chats(self) -> None:
        """Bring the cursors in line with the agent's chats and the watched conversation."""
        conversations = self.ctx.conversations
        chats = set(await conversations.routing.chats(self.who.username))
        if chats != self.known_chats:
            for conv_id in chats - self.known_chats:
                if conv_id not in self.cursors:
                    self.cursors[conv_id] = max(0, (await conversations.state(conv_id)).seq - 50)
            self.known_chats = chats
            await self.sync_typing(chats)
            await self.send({"type": "chats_changed", "chats": sorted(chats)})
        wanted = set(chats) | ({self.watched} if self.watched else set())
        for conv_id in list(self.cursors):
            if conv_id not in wanted:
                del self.cursors[conv_id]

    async def push_events(self, conv_id: str) -> bool:
        """Push the conversation's events after its cursor; True if there may be more."""
        after = self.cursors.get(conv_id, 0)
        events = await self.ctx.conversations.events(conv_id, after, limit=100)
        for event in events:
            self.cursors[conv_id] = max(self.cursors.get(conv_id, 0), event.seq)
            shown = event.as_dict()
            if conv_id not in self.known_chats:  # watching someone else's chat: masked
                shown = mask_value("event", shown)
            await self.send({"type": "event", "conversation_id": conv_id, "event": shown})
        return len(events) == 100

    async def typing(self, conversation_id: str, on: bool) -> None:
        """Relay the agent's typing to the web customer of a chat they may reply in."""
        try:
            if on:
                if not self.typing_throttle.start(conversation_id):
                    return
                try:
                    state = await self.ctx.chats.known_state(conversation_id)
                    access.require_post(self.who, state)
                except ApiError:
                    return  # not (or no longer) theirs: nobody hears about it
                if state.channel not in ("", "web"):
                    return  # REST and WeChat customers get no typing frames
                await self.typing_hub.publish(conversation_id, "agent", True)
                self.typing_throttle.published(conversation_id)
            elif self.typing_throttle.stop(conversation_id):
                await self.typing_hub.publish(conversation_id, "agent", False)
        except Exception as exc:  # typing is best effort
            log.warning("typing relay failed", conversation_id=conversation_id, error=repr(exc))

    async def sync_typing(self, chats: set[str]) -> None:
        """Receive the customer's typing of exactly the agent's own chats."""
        for conv_id in self.typing_convs - chats:
            self.typing_convs.discard(conv_id)
            await self.typing_hub.unlisten(conv_id, self.typing_in)
        for conv_id in chats - self.typing_convs:
            try:
                await self.typing_hub.listen(conv_id, self.typing_in)
            except Exception as exc:  # no typing indicator is no reason to stop the console
                log.warning("typing relay unavailable", conversation_id=conv_id, error=repr(exc))
                continue
            self.typing_convs.add(conv_id)

    async def stop_typing(self) -> None:
        with contextlib.suppress(Exception):
            await self.sync_typing(set())

    async def forward_typing(self) -> None:
        while True:
            signal = await self.typing_in.get()
            if signal.side == "customer" and signal.conversation_id in self.known_chats:
                await self.send(
                    {"type": "typing", "conversation_id": signal.conversation_id, "on": signal.on}
                )
