"""Messages to WeChat customers outside a passive reply: late bot replies, agent messages,
queue and status updates — through the customer-service message API, within WeChat's window.

WeChat lets an Official Account send customer-service messages for 48 hours after the
customer's last message, and only a few of them (``wechat_window_messages``) per customer
message. The outbox counts them (``bot.wechat.window``), merges what piles up between
two deliveries (only the latest queue position, all texts in one message), and when the window
is closed records an internal ``delivery_failed`` event so the agent knows the customer did not
get it.

Delivery is event-driven and shared by every gateway process: a WeChat conversation is
watched (``Conversations.watch``), so each new event of it puts one entry on the ``wechat``
outbox stream; the gateways read that stream as one consumer group (``senders``), so each entry
reaches one process, which takes the conversation's lock (redis-py's), sends everything after
the conversation's delivery cursor as one message and acknowledges. Entries that arrive within
``merge_s`` of each other are delivered together (the merging of what piles up). An entry whose
reader died stays pending and is claimed by another process after ``claim_idle_s``. Nothing
polls: an idle gateway blocks on the stream.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bot.events import event_text
from bot.wechat.api import WeChatApi, WeChatApiError
from bot.wechat.window import ServiceWindow
from handoff.conversation import OUTBOX_MAXLEN, Conversations, Event
from kefu import redis_keys as keys
from kefu.logging import get_logger
from kefu.redis_client import as_text, raise_if_cancelled

log = get_logger(__name__)

GROUP = "senders"
CHANNEL = "wechat"

# KEYS[1] cursor; ARGV[1] seq → the cursor moves forward only
_ADVANCE = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
"""


def _cursor_key(conv_id: str) -> str:
    return keys.wechat_cursor(conv_id)


def csat_key(conv_id: str) -> str:
    """Set while the customer's next message may be the answer to the CSAT question."""
    return keys.wechat_csat(conv_id)


def _turn_key(conv_id: str) -> str:
    return keys.wechat_turn(conv_id)


class WeChatOutbox:
    def __init__(
        self,
        redis: Redis,
        api: WeChatApi,
        conversations: Conversations,
        window_hours: float = 48.0,
        window_messages: int = 5,
        *,
        blocking_redis: Redis | None = None,
        merge_s: float = 0.3,
        claim_idle_s: float = 30.0,
        ticket_template_id: str = "",
        mark_unreachable: Callable[[int], Awaitable[Any]] | None = None,
    ) -> None:
        self._ticket_template_id = ticket_template_id
        self._mark_unreachable = mark_unreachable
        self._redis = redis
        self._blocking = blocking_redis or redis
        # A blocking read must end before the client's socket timeout, or redis-py raises
        # TimeoutError mid-read (its default timeout, 5 s, equals a 5 s block): the entry the
        # server handed over in that moment stays pending until claimed 30 s later, and a
        # cancel landing in the timeout can be swallowed by redis-py's retry. ``blocking_redis``
        # is the gateway's long-poll client (socket timeout ≥ 35 s); a plain client gets 1 s.
        self._block_ms = 5000 if blocking_redis is not None else 1000
        self._merge_s = merge_s
        self._claim_idle_ms = int(claim_idle_s * 1000)
        self._stream = keys.outbox(CHANNEL)
        self.consumer = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._api = api
        self._conversations = conversations
        self._window = ServiceWindow(redis, window_hours, window_messages)
        self._window_s = self._window.window_s
        self._advance = redis.register_script(_ADVANCE)

    # ------------------------------------------------------------ the customer wrote

    async def customer_wrote(self, openid: str, conv_id: str, seq: int | None = None) -> None:
        """Open a new window (reset the count) and start watching the conversation."""
        await self._window.open(openid, conv_id)
        await self._conversations.watch(conv_id, CHANNEL, openid)
        if seq is not None:
            await self.advance(conv_id, seq)

    async def begin_turn(self, conv_id: str) -> None:
        await self._redis.set(_turn_key(conv_id), "1", ex=60)

    async def end_turn(self, conv_id: str, seq: int) -> None:
        """The turn's own replies (up to ``seq``) went out with the turn, not through events;
        what else arrived meanwhile (held back during the turn) is delivered now."""
        await self.advance(conv_id, seq)
        await self._redis.delete(_turn_key(conv_id))
        entry: dict[Any, Any] = {"conversation_id": conv_id, "seq": str(seq)}
        await self._redis.xadd(self._stream, entry, maxlen=OUTBOX_MAXLEN, approximate=True)

    async def stop_watching(self, conv_id: str) -> None:
        """The customer unsubscribed: their events are no longer announced for delivery."""
        await self._conversations.watch(conv_id, "", "")

    async def advance(self, conv_id: str, seq: int) -> None:
        await self._advance(keys=[_cursor_key(conv_id)], args=[seq, self._window_s + 3600])

    # ------------------------------------------------------------ sending

    async def send(self, openid: str, conv_id: str, text: str) -> bool:
        """Send within the window; False (and an internal event for the agent) if closed."""
        if not await self._window.reserve(openid):
            await self._failed(conv_id, "wechat_window_closed", text)
            return False
        try:
            await self._api.send_text(openid, text)
        except WeChatApiError as exc:
            if exc.window_closed:
                await self._failed(conv_id, "wechat_window_closed", text, exc.errcode)
            else:
                log.warning("wechat send failed", conversation_id=conv_id, error=str(exc))
                await self._failed(conv_id, "wechat_error", text, exc.errcode)
            return False
        except Exception as exc:
            log.warning("wechat send failed", conversation_id=conv_id, error=repr(exc))
            await self._failed(conv_id, "wechat_unreachable", text)
            return False
        return True

    async def _failed(self, conv_id: str, reason: str, text: str, errcode: int = 0) -> None:
        data: dict[str, Any] = {"reason": reason, "text": text[:500], "internal": True}
        if errcode:
            data["errcode"] = errcode
        await self._conversations.append(conv_id, "delivery_failed", data)

    # ------------------------------------------------------------ the delivery loop

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(self._stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def read(self, block_ms: int | None = None) -> list[tuple[str, str]]:
        """The next entries for this process: new ones (waiting up to ``block_ms``, then up to
        ``merge_s`` more for what follows them), and ones whose reader died. → [(id, conv)]"""
        got: Any = await self._blocking.xreadgroup(
            GROUP,
            self.consumer,
            {self._stream: ">"},
            count=100,
            block=self._block_ms if block_ms is None else block_ms,
        )
        entries = [e for _stream, batch in got or [] for e in batch]
        if entries and self._merge_s > 0:
            await asyncio.sleep(self._merge_s)
            more: Any = await self._redis.xreadgroup(
                GROUP, self.consumer, {self._stream: ">"}, count=100
            )
            entries += [e for _stream, batch in more or [] for e in batch]
        claimed: Any = await self._redis.xautoclaim(
            self._stream, GROUP, self.consumer, self._claim_idle_ms, "0-0", count=100
        )
        entries += claimed[1] if claimed else []
        return [(as_text(i), as_text(f.get(b"conversation_id") or b"")) for i, f in entries if f]

    async def deliver_entries(self, entries: list[tuple[str, str]]) -> int:
        """Deliver each conversation once for all its entries; acknowledge what was handled
        (a failure leaves its entries pending, to be claimed again)."""
        by_conv: dict[str, list[str]] = {}
        for entry_id, conv_id in entries:
            by_conv.setdefault(conv_id, []).append(entry_id)
        sent = 0
        for conv_id, ids in by_conv.items():
            try:
                sent += await self.deliver(conv_id)
            except Exception as exc:
                log.warning("wechat delivery failed", conversation_id=conv_id, error=repr(exc))
                continue
            await self._redis.xack(self._stream, GROUP, *ids)
        return sent

    async def deliver(self, conv_id: str) -> int:
        """Send what the conversation has after its cursor, under its lock."""
        if not conv_id:
            return 0
        state = await self._conversations.state(conv_id)
        openid = state.extra.get("outbox_to", "")
        if state.extra.get("outbox") != CHANNEL or not openid:
            return 0  # no longer watched (unsubscribed)
        if await self._redis.exists(_turn_key(conv_id)):
            return 0  # a bot turn is in flight; its end announces what is left
        lock = self._redis.lock(keys.wechat_deliver_lock(conv_id), timeout=15, blocking_timeout=15)
        async with lock:
            return await self._deliver(conv_id, openid)

    async def _deliver(self, conv_id: str, openid: str) -> int:
        cursor = int(await self._redis.get(_cursor_key(conv_id)) or 0)
        events = await self._conversations.events(conv_id, cursor)
        if not events:
            return 0
        state = await self._conversations.state(conv_id)
        lang = state.extra.get("lang") or "zh"
        lines: list[str] = []
        queue_line: str | None = None
        for event in events:
            text = event_text(event, lang)
            if not text:
                continue
            if event.type in {"closed", "csat_request"}:
                await self._redis.set(csat_key(conv_id), "1", ex=86_400)
            if event.type in {"queued", "queue_update"}:
                queue_line = text  # merged: only the latest position is worth a message
                continue
            for line in text.split("\n"):
                if line not in lines:  # "closed" already asks the CSAT question
                    lines.append(line)
        if queue_line:
            lines.append(queue_line)
        await self.advance(conv_id, events[-1].seq)
        if not lines:
            return 0
        ok = await self.send(openid, conv_id, "\n".join(lines))
        updates = [e for e in events if e.type == "ticket_update" and event_text(e, lang)]
        if not ok and updates:
            await self._ticket_fallback(openid, conv_id, updates[-1], lang)
        return 1 if ok else 0

    async def _ticket_fallback(self, openid: str, conv_id: str, event: Event, lang: str) -> None:
        """A ticket update the window kept out: a template message when the shop configured
        one, else the ticket is marked not reachable on WeChat (the agent calls or waits)."""
        ticket_id = int(event.data.get("ticket_id") or 0)
        text = event_text(event, lang) or ""
        if self._ticket_template_id:
            try:
                await self._api.send_template(
                    openid,
                    self._ticket_template_id,
                    {"first": text, "keyword1": str(ticket_id), "remark": ""},
                )
                await self._conversations.append(
                    conv_id,
                    "delivered_by_template",
                    {"internal": True, "ticket_id": ticket_id, "text": text[:500]},
                )
                return
            except Exception as exc:
                log.warning("wechat template failed", conversation_id=conv_id, error=repr(exc))
        if self._mark_unreachable is not None and ticket_id:
            await self._mark_unreachable(ticket_id)

    async def run(self) -> None:
        await self.ensure_group()
        while True:
            raise_if_cancelled()
            try:
                await self.deliver_entries(await self.read())
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("wechat delivery failed", error=repr(exc))
                await asyncio.sleep(1.0)
