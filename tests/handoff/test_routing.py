"""Routing tables kept in step with ownership across slots, on real Redis: a process that dies
between the steps of a move leaves nothing that the recovery sweep cannot finish."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from handoff.conversation import Conversations, Owner
from kefu import redis_keys as keys
from kefu.config import ROOT


async def _agent(conversations: Conversations, name: str, capacity: int = 1) -> None:
    await conversations.routing.set_presence(
        name, "online", {"capacity": capacity, "groups": ["g"], "name": name}
    )


async def _queued(conversations: Conversations, conv_id: str) -> None:
    await conversations.move(conv_id, {Owner.BOT}, Owner.QUEUED, "queued", group="g")


async def test_assignment_that_died_after_reserving_is_finished_by_recovery(redis):
    conversations = Conversations(redis)
    await _agent(conversations, "a1")
    await _queued(conversations, "c1")
    # a process reserves a1's slot for c1 (step 1) and dies before moving the owner
    assert await conversations.routing.assign("g", time.time() - 60) is not None
    assert await conversations.routing.load("a1") == 1  # the reservation counts as load
    assert await conversations.assign_next("g") is None  # a1 is full meanwhile, queue empty
    assert (await conversations.state("c1")).owner is Owner.QUEUED

    assert await conversations.recover() == 1
    assert await conversations.routing.load("a1") == 0
    assert await redis.zrange(keys.queue("g"), 0, -1) == [b"c1"]
    assert await redis.zcard(keys.pending()) == 0
    got = await conversations.assign_next("g")
    assert got is not None and got[:2] == ("c1", "a1")
    assert await conversations.routing.chats("a1") == ["c1"]


async def test_close_that_died_after_moving_the_owner_is_finished_by_recovery(
    redis, monkeypatch: pytest.MonkeyPatch
):
    conversations = Conversations(redis)
    await _agent(conversations, "a1")
    await _queued(conversations, "c2")
    assert await conversations.assign_next("g") is not None

    async def dies(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("process died")

    with monkeypatch.context() as patch:
        patch.setattr(conversations.routing, "reconcile", dies)
        with pytest.raises(ConnectionError):
            await conversations.transition(
                "c2", {Owner.AGENT}, Owner.CLOSED, "closed", expect_agent="a1"
            )
    assert (await conversations.state("c2")).owner is Owner.CLOSED
    assert await conversations.routing.chats("a1") == ["c2"]  # not yet given back
    assert await conversations.recover(older_than_s=30) == 0  # not stale yet
    assert await conversations.recover(older_than_s=0) == 1
    assert await conversations.routing.chats("a1") == []
    assert await redis.smembers(keys.archive_pending()) == {b"c2"}


async def test_a_late_reconcile_of_an_older_event_changes_nothing(redis):
    conversations = Conversations(redis)
    await _agent(conversations, "a1")
    await _queued(conversations, "c3")
    old = await conversations.state("c3")
    await conversations.assign_next("g")
    # a reconcile that carries the older (queued) state arrives after the newer one
    await conversations.routing.reconcile(None, "c3", old.seq, "queued", "", "g")
    assert await redis.zcard(keys.queue("g")) == 0
    assert await conversations.routing.chats("a1") == ["c3"]


def test_no_module_writes_a_key_name_of_its_own():
    """Key names are made in kefu/redis_keys.py only (and Rasa's, in endpoints.yml)."""
    literal = re.compile(r"""["']kefu:[^ "']""")
    offenders = []
    for package in ("bot", "handoff", "kefu", "knowledge_base", "actions", "shop"):
        for path in sorted(Path(ROOT, package).rglob("*.py")):
            if path.name == "redis_keys.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if literal.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    lua = [p for p in Path(ROOT, "handoff", "lua").glob("*.lua") if "'kefu:" in p.read_text()]
    assert offenders == [] and lua == []
