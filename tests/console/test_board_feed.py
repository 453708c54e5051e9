"""The live board's feed outlives a failed snapshot: one SQL or Redis error must not end a
lead's board for good (before, the feed's task died and the page froze silently)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from console import board_feed
from console.board_feed import BoardFeed
from handoff.accounts import Principal


class FlakyBoard:
    """A board whose second snapshot fails (as SQL does when the database is busy)."""

    def __init__(self) -> None:
        self.calls = 0

    async def snapshot(self, groups: list[str]) -> dict[str, Any]:
        self.calls += 1
        if self.calls == 2:
            raise OSError("database is busy")
        return {"groups": [], "agents": [], "breaches": [], "overdue_tickets": []}


async def test_a_failed_tick_does_not_end_the_feed(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(board_feed, "INTERVAL_S", 0.01)
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    board = FlakyBoard()
    lead = Principal("zhang", frozenset({"team_lead"}), frozenset({"aftersales"}))
    feed = BoardFeed(board, ["aftersales"], send)  # type: ignore[arg-type]
    task = asyncio.create_task(feed.run(lambda: lead))
    for _ in range(200):
        if board.calls >= 4:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert board.calls >= 4  # it went on after the failure
    assert len([m for m in sent if m["type"] == "board"]) >= 3
