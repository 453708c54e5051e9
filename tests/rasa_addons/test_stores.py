"""rasa_addons.stores, in Rasa's environment: on a real Redis Cluster, trackers are stored
exactly as Rasa's own RedisTrackerStore stores them on one Redis, and locks work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kefu.redis_server import EmbeddedCluster, EmbeddedRedis
from tests.rasa_addons.test_rasa_addons import _in_rasa_env

STORES_CHECK = r"""
import asyncio, json, os, sys
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_addons import patches

single_port, cluster_url = sys.argv[1].split(" ")
os.environ["KEFU_RASA_REDIS_URL"] = cluster_url
from rasa_addons.stores import ClusterLockStore, ClusterTrackerStore

patches.apply()
domain = Domain.load("domain.yml")
events = [
    ActionExecuted("action_session_start", timestamp=1.0),
    SessionStarted(timestamp=1.1),
    ActionExecuted("action_listen", timestamp=1.2),
    UserUttered("你好", {"name": "greet", "confidence": 0.9}, timestamp=1.3),
    SlotSet("lang", "zh", timestamp=1.4),
    ActionExecuted("utter_greet", timestamp=1.5),
    BotUttered("您好呀", {"elements": None}, timestamp=1.6),
    ActionExecuted("action_listen", timestamp=1.7),
]
senders = [f"conv-{i}" for i in range(12)]  # spread over the cluster's slots

async def main():
    common = dict(port=1, db=0, key_prefix="kefurasa", record_exp=600)
    theirs = RedisTrackerStore(domain, host="127.0.0.1", **dict(common, port=int(single_port)))
    ours = ClusterTrackerStore(domain, host="127.0.0.1", **common)
    for store in (theirs, ours):
        for sender in senders:
            await store.save(DialogueStateTracker.from_events(sender, events, domain.slots))
    names = [theirs.key_prefix + s for s in senders]
    out = {
        "same": all(theirs.red.get(k) == ours.red.get(k) for k in names),
        "stored": sum(ours.red.get(k) is not None for k in names),
        "expires": all(0 < ours.red.ttl(k) <= 600 for k in names),
        "keys": sorted(await ours.keys()) == sorted(await theirs.keys()) == sorted(names),
        "events": len((await ours.retrieve("conv-3")).events),
    }
    locks = ClusterLockStore(EndpointConfig(url="127.0.0.1", port=1, db=0, key_prefix="kefurasa"))
    async with locks.lock("conv-5"):
        out["locked"] = locks.get_lock("conv-5") is not None
    out["unlocked"] = locks.get_lock("conv-5") is None
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def two_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    base = Path(tmp_path_factory.mktemp("stores"))
    with (
        EmbeddedRedis(base / "single", persistent=False) as one,
        EmbeddedCluster(base / "cluster") as cluster,
    ):
        yield one.port, cluster.url


def test_cluster_stores_keep_trackers_exactly_as_rasa_does(two_redis: tuple[int, str]):
    port, cluster_url = two_redis
    result = _in_rasa_env(STORES_CHECK, f"{port} {cluster_url}")
    assert result == {
        "same": True,
        "stored": 12,
        "expires": True,
        "keys": True,
        "events": 8,
        "locked": True,
        "unlocked": True,
    }
