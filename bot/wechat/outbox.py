"""Messages to WeChat customers outside a passive reply: late bot replies, agent messages,
queue and status updates — through the customer-service message API, within WeChat's window.

WeChat lets an Official Account send customer-service messages for 48 hours after the
customer's last message, and only a few of them (``wechat_window_messages``) per customer
message. The outbox counts them in Redis (one hash per customer), merges what piles up between
two deliveries (only the latest queue position, all texts in one message), and when the window
is closed records an internal ``delivery_failed`` event so the agent knows the customer did not
get it.

Delivery of events is shared by every gateway process: the conversations with a WeChat customer
are in a Redis sorted set; each process polls it and takes a short per-conversation lock before
reading events after the conversation's delivery cursor, so an event is sent once.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

from redis.asyncio import Redis

from bot.events import event_text
from bot.wechat.api import WeChatApi, WeChatApiError
from handoff.conversation import Conversations
from kefu import redis_keys as keys
from kefu.logging import get_logger

log = get_logger(__name__)

ACTIVE = keys.wechat_active()

# KEYS[1] window hash; ARGV now, window seconds, max messages → 1 reserved, 0 window closed
_RESERVE = """
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if last == 0 or tonumber(ARGV[1]) - last > tonumber(ARGV[2]) then return 0 end
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if sent >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'sent', 1)
return 1
"""

# KEYS[1] cursor; ARGV[1] seq → the cursor moves forward only
_ADVANCE = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _window_key(openid: str) -> str:
    return keys.wechat_window(openid)


def _cursor_key(conv_id: str) -> str:
    return keys.wechat_cursor(conv_id)


def _lock_key(conv_id: str) -> str:
    return keys.wechat_deliver_lock(conv_id)


def csat_key(conv_id: str) -> str:
    """Set while the customer's next message may be the answer to the CSAT question."""
    return keys.wechat_csat(conv_id)


def _turn_key(conv_id: str) -> str:
    return keys.wechat_turn(conv_id)


class WindowClosed(Exception):
    pass


class WeChatOutbox:
    def __init__(
        self,
        redis: Redis,
        api: WeChatApi,
        conversations: Conversations,
        window_hours: float = 48.0,
        window_messages: int = 5,
    ) -> None:
        self._redis = redis
        self._api = api
        self._conversations = conversations
        self._window_s = int(window_hours * 3600)
        self._max = window_messages
        self._reserve = redis.register_script(_RESERVE)
        self._advance = redis.register_script(_ADVANCE)
        self._release = redis.register_script(_RELEASE)

    # ------------------------------------------------------------ the customer wrote

    async def customer_wrote(self, openid: str, conv_id: str, seq: int | None = None) -> None:
        """Open a new window (reset the count) and start watching the conversation."""
        now = time.time()
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(_window_key(openid), mapping={"last": repr(now), "sent": 0, "conv": conv_id})
        pipe.expire(_window_key(openid), self._window_s + 3600)
        pipe.zadd(ACTIVE, {f"{conv_id}|{openid}": now})
        await pipe.execute()
        if seq is not None:
            await self.advance(conv_id, seq)

    async def begin_turn(self, conv_id: str) -> None:
        await self._redis.set(_turn_key(conv_id), "1", ex=60)

    async def end_turn(self, conv_id: str, seq: int) -> None:
        """The turn's own replies (up to ``seq``) went out with the turn, not through events."""
        await self.advance(conv_id, seq)
        await self._redis.delete(_turn_key(conv_id))

    async def advance(self, conv_id: str, seq: int) -> None:
        await self._advance(keys=[_cursor_key(conv_id)], args=[seq, self._window_s + 3600])

    # ------------------------------------------------------------ sending

    async def send(self, openid: str, conv_id: str, text: str) -> bool:
        """Send within the window; False (and an internal event for the agent) if closed."""
        reserved = await self._reserve(
            keys=[_window_key(openid)], args=[repr(time.time()), self._window_s, self._max]
        )
        if not int(reserved):
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

    async def deliver_once(self, lang_of: dict[str, str] | None = None) -> int:
        """One pass over watched conversations; returns how many messages went out."""
        horizon = time.time() - self._window_s - 3600
        await self._redis.zremrangebyscore(ACTIVE, 0, horizon)
        members = await self._redis.zrange(ACTIVE, 0, -1)
        sent = 0
        for raw in members:
            member = raw.decode() if isinstance(raw, bytes) else str(raw)
            conv_id, _, openid = member.partition("|")
            if await self._redis.exists(_turn_key(conv_id)):
                continue  # a bot turn is in flight; its replies go out with it
            token = secrets.token_hex(8)
            if not await self._redis.set(_lock_key(conv_id), token, nx=True, px=15_000):
                continue
            try:
                sent += await self._deliver(conv_id, openid)
            finally:
                await self._release(keys=[_lock_key(conv_id)], args=[token])
        return sent

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
        return 1 if ok else 0

    async def run(self, interval_s: float = 0.5) -> None:
        while True:
            try:
                await self.deliver_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("wechat delivery pass failed", error=repr(exc))
            await asyncio.sleep(interval_s)
