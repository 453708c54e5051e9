"""WeChat delivery from the outbox stream on real Redis, against the fake WeChat server: two
gateway processes share the work, each message goes out once and in order, and an entry whose
reader died is delivered by the other."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis

from bot.wechat.api import WeChatApi
from bot.wechat.outbox import WeChatOutbox
from handoff.conversation import Conversations, Owner
from kefu import redis_keys as keys
from tests.bot.conftest import WX_APPID, WX_SECRET

OPENID = "oLVPpjqs9BhvzwPj5A-outbox0000"
CONV = f"wx-{OPENID}"


@pytest.fixture
async def outboxes(redis: Redis, fake_wechat) -> AsyncIterator[list[WeChatOutbox]]:  # type: ignore[no-untyped-def]
    api_base, _state = fake_wechat
    async with httpx.AsyncClient(timeout=10) as http:
        conversations = Conversations(redis)
        boxes = [
            WeChatOutbox(
                redis,
                WeChatApi(redis, http, api_base, WX_APPID, WX_SECRET),
                conversations,
                window_messages=20,
                merge_s=0,
                claim_idle_s=0.2,
            )
            for _ in range(2)
        ]
        yield boxes


async def test_two_processes_send_each_agent_message_once_and_in_order(
    redis: Redis, fake_wechat, outboxes: list[WeChatOutbox]
):
    _api_base, state = fake_wechat
    conversations = Conversations(redis)
    await outboxes[0].customer_wrote(OPENID, CONV)
    await conversations.transition(CONV, {Owner.BOT}, Owner.QUEUED, "queued", group="presale")
    await conversations.transition(
        CONV, {Owner.QUEUED}, Owner.AGENT, "accepted", {"agent_name": "小王"}, agent="wang"
    )
    runners = [asyncio.create_task(box.run()) for box in outboxes]
    try:
        for i in range(8):
            await conversations.append(CONV, "message", {"from": "agent", "text": f"第{i}条"})
        sent = await state.wait_sent(1)
        for _ in range(200):
            text = "\n".join(m["text"]["content"] for m in state.sent)
            pending = await redis.xpending(keys.outbox("wechat"), "senders")
            if "第7条" in text and pending["pending"] == 0:
                break  # every entry acknowledged
            await asyncio.sleep(0.05)
    finally:
        for task in runners:
            task.cancel()
        await asyncio.gather(*runners, return_exceptions=True)
    lines = [line for m in state.sent for line in m["text"]["content"].split("\n")]
    agent_lines = [line for line in lines if line.startswith("第")]
    assert agent_lines == [f"第{i}条" for i in range(8)]  # each once, in order
    assert sent[0]["touser"] == OPENID
    assert pending["pending"] == 0


async def test_an_entry_whose_reader_died_is_delivered_by_another_process(
    redis: Redis, fake_wechat, outboxes: list[WeChatOutbox]
):
    _api_base, state = fake_wechat
    conversations = Conversations(redis)
    first, second = outboxes
    await first.ensure_group()
    await first.customer_wrote(OPENID, CONV)
    await conversations.append(CONV, "message", {"from": "agent", "text": "您好"})
    taken = await first.read(block_ms=100)  # the first process reads it, then dies
    assert [conv for _id, conv in taken] == [CONV]
    assert state.sent == []
    await asyncio.sleep(0.3)  # past claim_idle_s
    claimed = await second.read(block_ms=100)
    assert [conv for _id, conv in claimed] == [CONV]
    assert await second.deliver_entries(claimed) == 1
    assert [m["text"]["content"] for m in state.sent] == ["您好"]
    assert await second.read(block_ms=100) == []  # acknowledged: nobody sends it again


async def test_an_unwatched_conversation_is_not_announced(
    redis: Redis, outboxes: list[WeChatOutbox]
):
    conversations = Conversations(redis)
    await outboxes[0].customer_wrote(OPENID, CONV)
    await conversations.append(CONV, "message", {"from": "agent", "text": "一"})
    await outboxes[0].stop_watching(CONV)
    await conversations.append(CONV, "message", {"from": "agent", "text": "二"})
    assert await redis.xlen(keys.outbox("wechat")) == 1


async def test_an_idle_read_ends_before_the_clients_socket_timeout(
    redis: Redis, outboxes: list[WeChatOutbox]
):
    """redis-py's default socket timeout (5 s) must not cut an idle blocking read: a read cut
    mid-way leaves what the server handed over pending, undelivered, for the claim time."""
    box = outboxes[0]
    await box.ensure_group()
    for _ in range(2):
        assert await box.read() == []  # nothing waiting: an empty answer, not TimeoutError


async def test_a_cancel_swallowed_mid_command_still_stops_the_loop(
    redis: Redis, outboxes: list[WeChatOutbox]
):
    """redis-py writes each command through ``asyncio.wait_for``; on Python 3.11 a cancel that
    lands as the write completes is swallowed there (CPython gh-86296): the gateway's shutdown
    (or a test's cleanup) that cancels the delivery loop and awaits it would wait for ever.
    Here the round's work ends in exactly that race, on 3.11's own ``wait_for``."""
    box = outboxes[0]
    rounds = 0

    async def deliver_entries(entries: list[tuple[str, str]]) -> int:
        nonlocal rounds
        rounds += 1
        task = asyncio.current_task()
        assert task is not None
        written = asyncio.get_running_loop().create_future()

        def write_completes_as_the_cancel_lands() -> None:
            written.set_result(None)
            task.cancel()

        asyncio.get_running_loop().call_soon(write_completes_as_the_cancel_lands)
        await asyncio.wait_for(written, 5)  # 3.11: returns; the cancel is gone
        return 0

    box.deliver_entries = deliver_entries  # type: ignore[method-assign]
    runner = asyncio.create_task(box.run())
    done, _ = await asyncio.wait({runner}, timeout=10)
    if not done:
        runner.cancel()
    assert done and runner.cancelled()
    assert rounds == 1
