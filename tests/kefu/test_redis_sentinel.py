"""KEFU_REDIS_URL through Sentinel: a master, a replica and a Sentinel from the embedded
redis-server binary; the state machine works through the Sentinel address, and after a failover
the same client writes to the promoted replica with the conversation's state intact."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError

from handoff.conversation import Conversations, Owner
from kefu import redis_keys as keys
from kefu.redis_client import async_client
from kefu.redis_server import EmbeddedRedis, free_port, redis_executable

SERVICE = "kefu"


def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except redis.RedisError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def sentinel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int, int]]:
    """(sentinel port, master port, replica port)."""
    root = Path(tmp_path_factory.mktemp("sentinel"))
    master = EmbeddedRedis(root / "master", persistent=False).start()
    replica = EmbeddedRedis(
        root / "replica",
        persistent=False,
        extra_args=("--replicaof", "127.0.0.1", str(master.port)),
    ).start()
    port = free_port()
    conf = root / "sentinel.conf"
    conf.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {root}\nlogfile {root / 'sentinel.log'}\n"
        f"sentinel monitor {SERVICE} 127.0.0.1 {master.port} 1\n"
        f"sentinel down-after-milliseconds {SERVICE} 1000\n"
        f"sentinel failover-timeout {SERVICE} 10000\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [redis_executable(), str(conf), "--sentinel"], stdin=subprocess.DEVNULL
    )
    try:
        control = redis.Redis(port=port, decode_responses=True)
        linked = redis.Redis(port=replica.port, decode_responses=True)
        _wait(
            lambda: linked.info("replication").get("master_link_status") == "up",
            30,
            "the replica to follow the master",
        )
        linked.close()
        _wait(
            lambda: any(
                r.get("flags") == "slave" and r.get("master-link-status") == "ok"
                for r in control.sentinel_slaves(SERVICE)
            ),
            30,
            "the Sentinel to see a healthy replica",
        )
        yield port, master.port, replica.port
        control.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        replica.stop()
        master.stop()


async def test_the_state_machine_runs_through_sentinel_and_survives_a_failover(
    sentinel: tuple[int, int, int],
):
    port, master_port, replica_port = sentinel
    client = async_client(f"redis+sentinel://127.0.0.1:{port}/{SERVICE}")
    conversations = Conversations(client)
    await conversations.routing.set_presence(
        "a1", "online", {"capacity": 2, "groups": ["g"], "name": "A"}
    )
    await conversations.move("s1", {Owner.BOT}, Owner.QUEUED, "queued", {"position": 0}, group="g")
    assert await conversations.assign_next("g") == ("s1", "a1", 2)
    assert redis.Redis(port=master_port).exists(keys.conv_state("s1"))  # it went to the master
    await client.execute_command("WAIT", 1, 5000)  # replicated before the failover

    control = redis.Redis(port=port, decode_responses=True)
    # NOGOODSLAVE while the Sentinel's view of the replica is a moment old: ask again
    _wait(
        lambda: control.execute_command("SENTINEL", "FAILOVER", SERVICE),
        30,
        "the Sentinel to accept the failover",
    )
    _wait(
        lambda: int(control.sentinel_get_master_addr_by_name(SERVICE)[1]) == replica_port,
        30,
        "the replica's promotion",
    )
    _wait(lambda: redis.Redis(port=replica_port).role()[0] == b"master", 30, "the new master")

    # The client asks the Sentinel for the master again after the connection it had is refused
    # (the demoted master answers READONLY, or drops the connection): one command may fail, the
    # next goes to the promoted replica.
    for _attempt in range(20):
        try:
            await conversations.append_if("s1", "message", {"text": "hi"}, owner=Owner.AGENT)
            break
        except (ReadOnlyError, RedisConnectionError):
            await asyncio.sleep(0.25)
    else:
        raise AssertionError("no write reached the promoted replica")
    state = await conversations.state("s1")
    assert (state.owner, state.agent) == (Owner.AGENT, "a1")
    assert redis.Redis(port=replica_port).xlen(keys.conv_events("s1")) >= 2
    await client.aclose()
    control.close()
