"""WeChat's customer-service window, counted in Redis (one hash per customer): an Official
Account may send customer-service messages for 48 hours after the customer's last message, and
only a few of them (``wechat_window_messages``) per customer message. ``open`` starts a window
when the customer writes; ``reserve`` takes one message from it, atomically, or says it is
closed. The outbox (``bot.wechat.outbox``) asks before every send."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from kefu import redis_keys as keys

# KEYS[1] window hash; ARGV now, window seconds, max messages → 1 reserved, 0 window closed
_RESERVE = """
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if last == 0 or tonumber(ARGV[1]) - last > tonumber(ARGV[2]) then return 0 end
local sent = tonumber(redis.call('HGET', KEYS[1], 'sent') or '0')
if sent >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'sent', 1)
return 1
"""


class ServiceWindow:
    def __init__(self, redis: Redis, window_hours: float = 48.0, window_messages: int = 5) -> None:
        self._redis = redis
        self.window_s = int(window_hours * 3600)
        self._max = window_messages
        self._reserve = redis.register_script(_RESERVE)

    async def open(self, openid: str, conv_id: str) -> None:
        """The customer wrote: a new window (the count starts again)."""
        key = keys.wechat_window(openid)
        pipe = self._redis.pipeline(transaction=True)  # one key: one slot
        pipe.hset(key, mapping={"last": repr(time.time()), "sent": 0, "conv": conv_id})
        pipe.expire(key, self.window_s + 3600)
        await pipe.execute()

    async def reserve(self, openid: str) -> bool:
        """One message of the window, or False when it is closed (expired or used up)."""
        reserved = await self._reserve(
            keys=[keys.wechat_window(openid)], args=[repr(time.time()), self.window_s, self._max]
        )
        return bool(int(reserved))
