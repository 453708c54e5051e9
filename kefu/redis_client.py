"""The one place that turns ``KEFU_REDIS_URL`` into a Redis client: one Redis, a Redis Cluster
or a master found through Sentinel, for asyncio or blocking code.

URL forms:

- ``redis://[:password@]host:port/db`` (or ``rediss://``) — one Redis;
- ``redis+cluster://[:password@]host:port[,host:port…]`` — a Redis Cluster, given one or more
  of its nodes (the client discovers the rest; a cluster has only database 0);
- ``redis+sentinel://[:password@]host:port[,host:port…]/service[/db]`` — the master of
  ``service`` as the Sentinels name it (the password is the master's; Sentinels without one).

Everything kefu stores works on all three: each Lua script and transaction stays in one hash
slot (``kefu.redis_keys``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import redis as sync_redis
import redis.asyncio as async_redis
from redis.asyncio.cluster import ClusterNode as AsyncClusterNode
from redis.cluster import ClusterNode

CLUSTER_SCHEME = "redis+cluster"
POOL_WAIT_S = 20.0  # a command of a bounded client waits this long for a free connection
SENTINEL_SCHEME = "redis+sentinel"


@dataclass(frozen=True)
class RedisAddress:
    kind: str  # "single", "cluster" or "sentinel"
    url: str
    nodes: list[tuple[str, int]] = field(default_factory=list)
    password: str | None = None
    username: str | None = None
    service: str = ""
    db: int = 0


def parse_redis_url(url: str) -> RedisAddress:
    parts = urlsplit(url)
    if parts.scheme not in (CLUSTER_SCHEME, SENTINEL_SCHEME):
        return RedisAddress("single", url)
    auth, _, hosts = parts.netloc.rpartition("@")
    username, _, password = auth.partition(":") if auth else ("", "", "")
    nodes = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"KEFU_REDIS_URL: {item!r} is not host:port")
        nodes.append((host.strip("[]"), int(port)))
    path = [p for p in parts.path.split("/") if p]
    common: dict[str, Any] = {
        "nodes": nodes,
        "password": unquote(password) or None,
        "username": unquote(username) or None,
    }
    if parts.scheme == CLUSTER_SCHEME:
        if path and path != ["0"]:
            raise ValueError("KEFU_REDIS_URL: a Redis Cluster has only database 0")
        return RedisAddress("cluster", url, **common)
    if not path:
        raise ValueError("KEFU_REDIS_URL: redis+sentinel://host:port/<service>[/db]")
    db = int(path[1]) if len(path) > 1 else 0
    return RedisAddress("sentinel", url, service=path[0], db=db, **common)


def is_cluster(url: str) -> bool:
    return parse_redis_url(url).kind == "cluster"


class _AsyncSentinelMaster(async_redis.Redis):
    """A Sentinel service's master client that also closes its connections to the Sentinels
    (redis-py's ``master_for`` client leaves them open)."""

    sentinels: list[Any] = []  # noqa: RUF012 - set per instance by async_client
    slots_free: asyncio.Semaphore | None = None  # bounded: commands at once (async_client)

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        if self.slots_free is None:
            return await super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
        async with self.slots_free:
            return await super().execute_command(*args, **options)  # type: ignore[no-untyped-call]

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        for node in self.sentinels:
            await node.aclose()


class _SentinelMaster(sync_redis.Redis):
    """The blocking twin of ``_AsyncSentinelMaster``."""

    sentinels: list[Any] = []  # noqa: RUF012 - set per instance by sync_client

    def close(self) -> None:
        super().close()
        for node in self.sentinels:
            node.close()


class _BoundedCluster(async_redis.RedisCluster):
    """A cluster client whose commands wait for a free connection instead of failing:
    redis-py's cluster pool raises MaxConnectionsError when a node's pool is full, so at most
    ``max_connections`` commands run at once (and each node's pool holds at most that many)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots_free = asyncio.Semaphore(int(kwargs["max_connections"]))

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        async with self._slots_free:
            return await super().execute_command(*args, **kwargs)


def async_client(url: str, *, bounded: int = 0, **options: Any) -> Any:
    """An asyncio client (``redis.asyncio.Redis`` or ``RedisCluster``) for ``url``.

    ``bounded`` > 0: the client holds at most that many connections (on a cluster, per
    master) and a command waits for a free one (up to ``POOL_WAIT_S`` on one Redis) rather
    than opening another."""
    address = parse_redis_url(url)
    if address.kind == "single":
        if bounded > 0:
            pool = async_redis.BlockingConnectionPool.from_url(
                url, max_connections=bounded, timeout=POOL_WAIT_S, **options
            )
            return async_redis.Redis.from_pool(pool)
        return async_redis.Redis.from_url(url, **options)
    options |= {"password": address.password, "username": address.username}
    if address.kind == "cluster":
        nodes = [AsyncClusterNode(host, port) for host, port in address.nodes]
        if bounded > 0:
            return _BoundedCluster(startup_nodes=nodes, max_connections=bounded, **options)
        return async_redis.RedisCluster(startup_nodes=nodes, **options)
    if bounded > 0:  # redis-py's Sentinel pool raises when full: commands wait here instead
        options["max_connections"] = bounded
    sentinel: Any = async_redis.Sentinel(address.nodes, sentinel_kwargs={})  # type: ignore[no-untyped-call]
    client = sentinel.master_for(
        address.service, db=address.db, redis_class=_AsyncSentinelMaster, **options
    )
    client.sentinels = list(sentinel.sentinels)
    if bounded > 0:
        client.slots_free = asyncio.Semaphore(bounded)
    return client


def sync_client(url: str, **options: Any) -> Any:
    """A blocking client (``redis.Redis`` or ``redis.RedisCluster``) for ``url``."""
    address = parse_redis_url(url)
    if address.kind == "single":
        return sync_redis.Redis.from_url(url, **options)
    options |= {"password": address.password, "username": address.username}
    if address.kind == "cluster":
        nodes = [ClusterNode(host, port) for host, port in address.nodes]  # type: ignore[no-untyped-call]
        return sync_redis.RedisCluster(startup_nodes=nodes, **options)
    sentinel: Any = sync_redis.Sentinel(address.nodes, sentinel_kwargs={})  # type: ignore[no-untyped-call]
    client = sentinel.master_for(
        address.service, db=address.db, redis_class=_SentinelMaster, **options
    )
    client.sentinels = list(sentinel.sentinels)
    return client


def as_text(value: Any) -> str:
    """A Redis reply as text: clients made with ``decode_responses=False`` answer bytes."""
    return value.decode() if isinstance(value, bytes) else str(value)


def text_or_empty(value: Any) -> str:
    """As ``as_text``, but a missing reply (None: no such key or field) is ``""``, not
    ``"None"``."""
    return "" if value is None else as_text(value)


def raise_if_cancelled() -> None:
    """Raise the cancellation a redis-py command swallowed, if one is owed.

    redis-py writes a command through ``asyncio.wait_for``; on Python 3.11 a cancellation that
    lands just as the write completes is swallowed there (CPython gh-86296, fixed in 3.12): the
    command returns normally and the task, still marked as cancelling, runs on. A loop that runs
    until cancelled (a delivery loop, a background worker) calls this once a round, or it would
    never stop — and whoever awaits it after the cancel would wait for ever."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
