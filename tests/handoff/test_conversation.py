"""The ownership state machine on real Redis."""

from __future__ import annotations

import asyncio

import pytest

from handoff.conversation import (
    Conversations,
    InvalidConversationId,
    Owner,
    TransitionRefused,
)


async def test_new_conversation_is_owned_by_the_bot(redis):
    conversations = Conversations(redis)
    assert (await conversations.state("c1")).owner is Owner.BOT


async def test_events_get_increasing_sequence_numbers_and_resume(redis):
    conversations = Conversations(redis)
    seqs = [
        await conversations.append("c1", "message", {"from": "customer", "text": str(i)})
        for i in range(5)
    ]
    assert seqs == [1, 2, 3, 4, 5]
    after_two = await conversations.events("c1", after=2)
    assert [e.seq for e in after_two] == [3, 4, 5]
    assert after_two[0].data["text"] == "2"


async def test_transition_is_atomic_and_recorded(redis):
    conversations = Conversations(redis)
    seq = await conversations.transition(
        "c1",
        {Owner.BOT},
        Owner.QUEUED,
        "queued",
        {"reason": "explicit_request"},
        group="aftersales",
    )
    state = await conversations.state("c1")
    assert (state.owner, state.group, state.seq) == (Owner.QUEUED, "aftersales", seq)
    events = await conversations.events("c1")
    assert events[-1].type == "queued"
    assert events[-1].data["reason"] == "explicit_request"


async def test_illegal_or_stale_transitions_are_refused(redis):
    conversations = Conversations(redis)
    with pytest.raises(ValueError, match="no legal transition"):
        await conversations.transition("c1", {Owner.BOT}, Owner.AGENT, "x")
    await conversations.transition("c1", {Owner.BOT}, Owner.QUEUED, "queued")
    await conversations.transition("c1", {Owner.QUEUED}, Owner.AGENT, "accepted", agent="a1")
    with pytest.raises(TransitionRefused) as refused:
        await conversations.transition("c1", {Owner.QUEUED}, Owner.AGENT, "accepted", agent="a2")
    assert refused.value.agent == "a1"
    with pytest.raises(TransitionRefused):
        await conversations.transition(
            "c1", {Owner.AGENT}, Owner.CLOSED, "closed", expect_agent="a2"
        )
    assert (await conversations.state("c1")).agent == "a1"


async def test_concurrent_accepts_give_exactly_one_owner(redis):
    conversations = Conversations(redis)
    await conversations.transition("c1", {Owner.BOT}, Owner.QUEUED, "queued")

    async def accept(agent: str) -> str | None:
        try:
            await conversations.transition(
                "c1", {Owner.QUEUED}, Owner.AGENT, "accepted", agent=agent
            )
            return agent
        except TransitionRefused:
            return None

    winners = [w for w in await asyncio.gather(*(accept(f"a{i}") for i in range(20))) if w]
    assert len(winners) == 1
    assert (await conversations.state("c1")).agent == winners[0]
    accepted = [e for e in await conversations.events("c1") if e.type == "accepted"]
    assert len(accepted) == 1


async def test_wait_events_blocks_until_an_event_arrives(redis):
    conversations = Conversations(redis)
    await conversations.append("c1", "message", {"text": "a"})

    async def later() -> None:
        await asyncio.sleep(0.2)
        await conversations.append("c1", "message", {"text": "b"})

    task = asyncio.create_task(later())
    got = await conversations.wait_events("c1", after=1, timeout_s=5)
    await task
    assert [e.data["text"] for e in got] == ["b"]


async def test_conversation_ids_are_validated(redis):
    conversations = Conversations(redis)
    for bad in ("", "a b", "x" * 129, "<script>", "a}b"):
        with pytest.raises(InvalidConversationId):
            await conversations.state(bad)
