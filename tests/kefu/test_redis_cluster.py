"""KEFU_REDIS_URL forms, and the conversation state machine and routing on a real Redis Cluster
(three masters from the embedded redis-server binary), in every test run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import RedisCluster

from handoff.conversation import Conversations, Owner
from kefu import redis_keys as keys
from kefu.rasa_proc import rasa_env
from kefu.redis_client import async_client, parse_redis_url, sync_client
from kefu.redis_server import EmbeddedCluster


def test_url_forms():
    single = parse_redis_url("redis://:pw@10.0.0.5:6379/2")
    assert single.kind == "single"
    cluster = parse_redis_url("redis+cluster://:pw@10.0.0.5:7000,10.0.0.6:7001")
    assert cluster.kind == "cluster"
    assert cluster.nodes == [("10.0.0.5", 7000), ("10.0.0.6", 7001)]
    assert cluster.password == "pw"
    sentinel = parse_redis_url("redis+sentinel://10.0.0.7:26379,10.0.0.8:26379/kefu/3")
    assert (sentinel.kind, sentinel.service, sentinel.db) == ("sentinel", "kefu", 3)
    with pytest.raises(ValueError, match="only database 0"):
        parse_redis_url("redis+cluster://10.0.0.5:7000/4")
    with pytest.raises(ValueError, match="service"):
        parse_redis_url("redis+sentinel://10.0.0.7:26379")


def test_rasa_uses_its_own_stores_on_one_redis_and_ours_on_a_cluster():
    single = rasa_env("redis://127.0.0.1:6379/1", "http://127.0.0.1:5055", base={})
    assert (single["KEFU_RASA_TRACKER_STORE"], single["KEFU_RASA_LOCK_STORE"]) == (
        "redis",
        "redis",
    )
    url = "redis+cluster://10.0.0.5:7000,10.0.0.6:7001"
    cluster = rasa_env(url, "http://127.0.0.1:5055", base={})
    assert cluster["KEFU_RASA_TRACKER_STORE"] == "rasa_addons.stores.ClusterTrackerStore"
    assert cluster["KEFU_RASA_LOCK_STORE"] == "rasa_addons.stores.ClusterLockStore"
    assert cluster["KEFU_RASA_REDIS_URL"] == url
    assert (cluster["KEFU_RASA_REDIS_HOST"], cluster["KEFU_RASA_REDIS_PORT"]) == (
        "10.0.0.5",
        "7000",
    )


@pytest.fixture(scope="module")
def cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with EmbeddedCluster(Path(tmp_path_factory.mktemp("cluster"))) as cluster:
        yield cluster.url


@pytest.fixture
async def cluster(cluster_url: str) -> AsyncIterator[RedisCluster]:
    sync_client(cluster_url).flushdb()
    client = async_client(cluster_url)
    assert isinstance(client, RedisCluster)
    yield client
    await client.aclose()


async def test_a_handoff_from_queue_to_close_on_a_cluster(cluster: RedisCluster):
    # the keys of one conversation and the routing tables are in different slots
    slots = {cluster.keyslot(keys.conv_state("c1")), cluster.keyslot(keys.pending())}
    assert len(slots) == 2
    conversations = Conversations(cluster)
    await conversations.routing.set_presence(
        "a1", "online", {"capacity": 1, "groups": ["g"], "name": "A"}
    )
    for conv_id in ("c1", "c2"):
        await conversations.move(
            conv_id, {Owner.BOT}, Owner.QUEUED, "queued", {"position": 0}, group="g"
        )
    assert await conversations.assign_next("g") == ("c1", "a1", 2)
    assert await conversations.assign_next("g") is None  # a1 is full
    await conversations.append_if("c1", "message", {"text": "hi"}, owner=Owner.AGENT)
    woke = await conversations.wait_any({"c1": 2, "c2": 1}, 0.1)
    assert woke == {"c1"}
    await conversations.transition("c1", {Owner.AGENT}, Owner.CLOSED, "closed")
    assert await conversations.assign_next("g") == ("c2", "a1", 2)
    assert await cluster.smembers(keys.archive_pending()) == {b"c1"}
    assert await conversations.routing.chats("a1") == ["c2"]
