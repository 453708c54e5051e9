"""The one rate limiter: a moving window in real Redis, shared by every process."""

from __future__ import annotations

from redis.asyncio import Redis

from kefu.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_a_burst_across_a_minute_boundary_is_one_burst(redis: Redis):
    clock = Clock()
    minute = 1_000_020.0  # a whole minute
    limiter = RateLimiter(redis, window_s=60, clock=clock)
    for at in (minute - 1.0, minute - 0.5, minute - 0.1):
        clock.now = at
        assert await limiter.hit("key:a", 3) == 0
    clock.now = minute + 1  # the next minute has begun; a fixed window would count anew
    assert await limiter.hit("key:a", 3) == 58  # the first hit leaves the window in 58 s
    clock.now = minute + 59
    assert await limiter.hit("key:a", 3) == 0  # the first hit has left
    assert await limiter.hit("key:a", 3) == 1  # the second leaves in 0.5 s


async def test_scopes_are_separate_and_shared_by_processes(redis: Redis):
    clock = Clock()
    gateway_1 = RateLimiter(redis, window_s=10, clock=clock)
    gateway_2 = RateLimiter(redis, window_s=10, clock=clock)
    assert await gateway_1.hit("conv:x", 1) == 0
    assert await gateway_2.hit("conv:x", 1) == 10
    assert await gateway_2.hit("conv:y", 1) == 0
    assert await gateway_1.hit("conv:x", 0) == 0  # no limit


async def test_a_refused_hit_is_not_counted(redis: Redis):
    clock = Clock()
    limiter = RateLimiter(redis, window_s=10, clock=clock)
    assert await limiter.hit("k", 1) == 0
    for _ in range(5):
        assert await limiter.hit("k", 1) > 0
    clock.now += 10.001
    assert await limiter.hit("k", 1) == 0
