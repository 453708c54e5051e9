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

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import redis as sync_redis
import redis.asyncio as async_redis
from redis.asyncio.cluster import ClusterNode as AsyncClusterNode
from redis.cluster import ClusterNode

CLUSTER_SCHEME = "redis+cluster"
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


def async_client(url: str, **options: Any) -> Any:
    """An asyncio client (``redis.asyncio.Redis`` or ``RedisCluster``) for ``url``."""
    address = parse_redis_url(url)
    if address.kind == "single":
        return async_redis.Redis.from_url(url, **options)
    options |= {"password": address.password, "username": address.username}
    if address.kind == "cluster":
        nodes = [AsyncClusterNode(host, port) for host, port in address.nodes]
        return async_redis.RedisCluster(startup_nodes=nodes, **options)
    sentinel: Any = async_redis.Sentinel(address.nodes, sentinel_kwargs={})  # type: ignore[no-untyped-call]
    return sentinel.master_for(address.service, db=address.db, **options)


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
    return sentinel.master_for(address.service, db=address.db, **options)
