"""Rasa's Redis tracker and lock stores on a Redis Cluster, behind Redis Sentinel, or on one
Redis reached over TLS (``rediss://``) or as an ACL user.

Rasa 3.6 builds its ``RedisTrackerStore`` and ``RedisLockStore`` on one ``redis.StrictRedis``,
which a cluster answers with MOVED for most keys and which cannot follow a Sentinel failover;
its endpoint settings cannot carry TLS from the environment either (``use_ssl`` would be the
string "false", which is true).
These subclasses change only the client: every key, value, expiry and method is Rasa's own, so
trackers are stored exactly as Rasa stores them (one string key per conversation, one lock key
per conversation — a single key per command, so any slot will do); ``keys`` asks every master.

``kefu rasa`` selects them in ``endpoints.yml`` (``KEFU_RASA_TRACKER_STORE``,
``KEFU_RASA_LOCK_STORE``) when ``KEFU_REDIS_URL`` is ``redis+cluster://``,
``redis+sentinel://``, ``rediss://`` or names a user, and passes that URL as
``KEFU_RASA_REDIS_URL``; on one plain Redis, Rasa's own stores run unchanged. Imports only
Rasa (and its redis-py) and the standard library.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore

URL_ENV = "KEFU_RASA_REDIS_URL"


def redis_client(url: str, **options: Any) -> Any:
    """A blocking client for any form of KEFU_REDIS_URL (see kefu/redis_client.py): one Redis
    (``redis://``, ``rediss://`` with its TLS query parameters such as ``ssl_ca_certs``, a user
    and password), a cluster or a Sentinel-watched master."""
    import redis
    from redis.cluster import ClusterNode, RedisCluster
    from redis.sentinel import Sentinel

    parts = urlsplit(url)
    if parts.scheme in {"redis", "rediss"}:
        return redis.Redis.from_url(url, **options)
    auth, _, hosts = parts.netloc.rpartition("@")
    username, _, password = auth.partition(":")
    options.update(username=unquote(username) or None, password=unquote(password) or None)
    nodes = []
    for item in hosts.split(","):
        host, _, port = item.strip().rpartition(":")
        nodes.append((host.strip("[]"), int(port)))
    if parts.scheme == "redis+cluster":
        startup = [ClusterNode(h, p) for h, p in nodes]  # type: ignore[no-untyped-call]
        return RedisCluster(startup_nodes=startup, **options)
    if parts.scheme == "redis+sentinel":
        path = [p for p in parts.path.split("/") if p]
        db = int(path[1]) if len(path) > 1 else 0
        sentinel: Any = Sentinel(nodes)  # type: ignore[no-untyped-call]
        return sentinel.master_for(path[0], redis_class=redis.Redis, db=db, **options)
    raise ValueError(f"{URL_ENV} must be a redis(s)://, redis+cluster:// or redis+sentinel:// URL")


class ClusterTrackerStore(RedisTrackerStore):
    """Rasa's RedisTrackerStore whose client comes from the whole URL (a cluster, a
    Sentinel-watched master, TLS, an ACL user)."""

    def __init__(self, domain: Any, host: str = "localhost", **kwargs: Any) -> None:
        super().__init__(domain, host=host, **kwargs)
        self.red = redis_client(os.environ[URL_ENV], decode_responses=True)

    async def keys(self) -> Any:
        """Rasa's ``keys``, asked of every master (a cluster answers KEYS from one node)."""
        from redis.cluster import RedisCluster

        if isinstance(self.red, RedisCluster):
            return self.red.keys(self.key_prefix + "*", target_nodes=RedisCluster.PRIMARIES)
        return await super().keys()


class ClusterLockStore(RedisLockStore):
    """Rasa's RedisLockStore whose client comes from the whole URL (as the tracker store's).
    Rasa builds a custom lock store from its endpoint configuration alone."""

    def __init__(self, endpoint_config: Any) -> None:
        kwargs = dict(endpoint_config.kwargs)
        super().__init__(host=endpoint_config.url, **kwargs)
        timeout = float(kwargs.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS))
        self.red = redis_client(os.environ[URL_ENV], socket_timeout=timeout)
